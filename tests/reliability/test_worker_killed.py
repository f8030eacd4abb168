"""
A Celery worker killed (SIGKILL) in the middle of a report run leaves the run to the next worker: the task is
acknowledged late, so Redis still holds it, hands it out again once CELERY_VISIBILITY_TIMEOUT has passed, and
the task is idempotent, so the run is computed once in effect.
"""
import json
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from licensing.reporting.models import ReportRun, RunStatus

from .harness import worker_start

pytestmark = [pytest.mark.integration, pytest.mark.heavy, pytest.mark.django_db(transaction=True)]

DECISIONS_2024 = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "decisions_2024.csv"
VISIBILITY_TIMEOUT = 4  # seconds; production keeps the default hour (README, Operations)
TABLE_SECONDS = 1.0  # the killed worker's slow-down per table: a run of ten tables takes ten seconds there


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    s = connection.settings_dict
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def unacknowledged(queue: str) -> int:
    """Messages of `queue` a worker has taken but not acknowledged (kombu's Redis `unacked` hash)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return sum(1 for raw in client.hvals("unacked") if json.loads(raw)[2] == queue) + client.llen(queue)


def test_a_worker_killed_mid_report_run_leaves_the_run_to_the_next_worker(broker, reference_db, api_as):
    from config.celery import app
    from tests.factories import UserFactory

    call_command("import_decisions", str(DECISIONS_2024), verbosity=0)
    queue = f"test-killed-{uuid.uuid4().hex[:8]}"
    previous_queue, app.conf.task_default_queue = app.conf.task_default_queue, queue
    workers = []
    try:
        first = worker_start(queue=queue, database_url=database_url(), name=f"{queue}-first", slow_tables=TABLE_SECONDS, visibility_timeout=VISIBILITY_TIMEOUT)
        workers.append(first)
        from licensing.core.tasks import ping

        ping.delay("ready").get(timeout=60)
        client = api_as(UserFactory(role="officer", organisation=None))
        run_id = client.post("/api/v1/reports/runs/", {"year": 2024}, format="json").json()["id"]

        # Mid-way: some tables computed, not all.
        mid = wait_for(lambda: (r := ReportRun.objects.get(pk=run_id)).status == RunStatus.RUNNING and 20 <= r.progress < 100 and r, timeout=60, what="the run to get half-way")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        stranded = ReportRun.objects.get(pk=run_id)
        assert (stranded.status, stranded.result) == (RunStatus.RUNNING, None)  # the dead worker wrote nothing more
        assert stranded.progress >= mid.progress and unacknowledged(queue) == 1  # the message survived its worker

        # A new worker restores unacknowledged messages older than the visibility timeout when it starts.
        time.sleep(max(0.0, mid.started_at.timestamp() + VISIBILITY_TIMEOUT + 0.5 - time.time()))
        second = worker_start(queue=queue, database_url=database_url(), name=f"{queue}-second", visibility_timeout=VISIBILITY_TIMEOUT)
        workers.append(second)
        done = wait_for(lambda: (r := ReportRun.objects.get(pk=run_id)).finished and r, timeout=90, what="the second worker to redo the run")
        redone_after = time.monotonic() - killed_at

        assert (done.status, done.progress, done.error) == (RunStatus.DONE, 100, ""), done.error
        assert done.started_at > mid.started_at  # started again, from the beginning, by the second worker
        assert done.result["military"]["total_eur"] == client.get("/api/v1/reports/annual/2024/military/").json()["total_eur"]
        assert ReportRun.objects.count() == 1
        wait_for(lambda: unacknowledged(queue) == 0, timeout=10, what="the message to be acknowledged")  # nothing will run it a third time
        print(f"killed at {mid.progress} %; redone {redone_after:.1f} s after the kill (visibility timeout {VISIBILITY_TIMEOUT} s)")
    finally:
        app.conf.task_default_queue = previous_queue
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except Exception:  # noqa: BLE001
                    worker.kill()
