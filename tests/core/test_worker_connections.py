"""A worker keeps its database connection between tasks, and drops it as Django would after a request: when it is
broken or older than CONN_MAX_AGE. A task run eagerly leaves its caller's connection alone."""
import time
from types import SimpleNamespace

import pytest
from django.db import connection

from config.celery import app, database_connections_tidy

IN_A_WORKER = SimpleNamespace(request=SimpleNamespace(is_eager=False))
EAGER = SimpleNamespace(request=SimpleNamespace(is_eager=True))

pytestmark = pytest.mark.django_db(transaction=True)


def test_celery_itself_does_not_close_the_connection_around_each_task():
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


def test_a_usable_connection_is_kept_from_task_to_task():
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60  # CONN_MAX_AGE=60, as in production
    opened = connection.connection
    database_connections_tidy(sender=IN_A_WORKER)
    database_connections_tidy(sender=IN_A_WORKER)
    assert connection.connection is opened


def test_an_old_or_broken_connection_is_closed_after_a_task():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is never closed")
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    database_connections_tidy(sender=IN_A_WORKER)
    assert connection.connection is None

    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    connection.errors_occurred = True
    connection.connection.close()  # e.g. the database restarted under it
    database_connections_tidy(sender=IN_A_WORKER)
    assert connection.connection is None
    with connection.cursor() as cursor:  # and the next task simply connects again
        cursor.execute("SELECT 1")


def test_a_task_run_eagerly_leaves_the_connection_alone():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    opened = connection.connection
    database_connections_tidy(sender=EAGER)
    assert connection.connection is opened
