import os

import pytest
from django.db import connection

from tests.conftest import _database_url, skip_unless

from .server import Browser, start_server


@pytest.fixture(scope="session")
def production_server(django_db_setup):
    """gunicorn as README's production shape runs it (DEBUG off, Redis), reading the test database."""
    skip_unless(bool(os.environ.get("REDIS_URL")), "integration test: needs REDIS_URL (the production shape runs on Redis)")
    skip_unless(connection.vendor == "postgresql", "integration test: needs PostgreSQL (gunicorn shares the test database)")
    with start_server(_database_url(connection.settings_dict)) as server:
        yield server


@pytest.fixture
def browser(production_server):
    return lambda: Browser(production_server.port)
