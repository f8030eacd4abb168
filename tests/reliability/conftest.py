"""Fixtures of the reliability tests: the prerequisites (PostgreSQL, Redis), Celery workers a test may kill,
and a throwaway PostgreSQL cluster with gunicorn in front of it that a test may restart."""
import os

import pytest
from django.db import connection

from tests.conftest import skip_unless
from tests.conftest import tasks_in_process as in_process

from .harness import Cluster, Gunicorn, initdb_path


@pytest.fixture
def real_postgresql(reference_db):
    """Real parallel connections: SQLite serialises writers, so races are proven on PostgreSQL."""
    skip_unless(connection.vendor == "postgresql", "integration test: needs PostgreSQL (DATABASE_URL), where writers really race")


@pytest.fixture
def tasks_in_process(real_postgresql):
    """The races need routed applications, not a worker: run the tasks in process even with REDIS_URL set."""
    with in_process():
        yield


@pytest.fixture
def broker(reference_db):
    """Real Celery workers (other processes) on Redis, reading the test database."""
    from django.conf import settings

    skip_unless(not settings.CELERY_TASK_ALWAYS_EAGER, "integration test: needs REDIS_URL (a real broker) and PostgreSQL")
    skip_unless(connection.vendor == "postgresql", "integration test: needs PostgreSQL (the workers share the test database)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(scope="session")
def throwaway_server():
    """gunicorn (production settings) on a PostgreSQL cluster of its own, migrated with the reference data and a
    few users with API tokens; the cluster may be restarted without touching the machine's PostgreSQL."""
    skip_unless(bool(os.environ.get("REDIS_URL")), "integration test: needs REDIS_URL (the production shape runs on Redis)")
    skip_unless(initdb_path() is not None, "integration test: needs PostgreSQL's initdb and pg_ctl (package postgresql) to start a cluster it may restart")
    with Cluster() as cluster:
        users = cluster.prepare()
        with Gunicorn(cluster) as server:
            server.users = users
            yield server
