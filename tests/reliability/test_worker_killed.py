"""
A Celery worker killed (SIGKILL) in the middle of a report run or a re-screen leaves the task to the next worker:
tasks are acknowledged late, so Redis still holds the message and hands it out again once
CELERY_VISIBILITY_TIMEOUT has passed; and they are idempotent, so the work is done once in effect (no second
result, no duplicate rows).
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
from django.utils import timezone

from licensing.audit.models import Event
from licensing.reporting.models import ReportRun, RunStatus

from tests.polling import wait_for

from .harness import forget_queue, worker_start

pytestmark = [pytest.mark.integration, pytest.mark.heavy, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DECISIONS_2024 = ROOT / "fixtures" / "demo" / "decisions_2024.csv"
EU_SAMPLE = ROOT / "fixtures" / "screening" / "eu_sample.xml"
VISIBILITY_TIMEOUT = 4  # seconds; production keeps the default hour (README, Operations)
SLOW = 1.0  # the killed worker's slow-down per report table or per re-screened application


def database_url() -> str:
    s = connection.settings_dict
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def unacknowledged(queue: str, task: str | None = None) -> int:
    """Messages of `queue` (of `task` only, when named) waiting or taken but not acknowledged (kombu's Redis `unacked`
    hash and the queue's list)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])

    def counts(message: dict) -> bool:
        return task is None or message.get("headers", {}).get("task") == task

    taken = sum(1 for raw in client.hvals("unacked") if json.loads(raw)[2] == queue and counts(json.loads(raw)[0]))
    return taken + sum(1 for raw in client.lrange(queue, 0, -1) if counts(json.loads(raw)))


def in_chunk_transaction() -> bool:
    """A worker's re-screen chunk has written its hits and is still in its transaction (not committed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction' AND query LIKE %s",
            ['%"screening_screeninghit"%'],
        )
        return cursor.fetchone()[0] > 0


class Workers:
    """Workers on a queue of the test's own; the first is slow and gets killed, the second takes over."""

    def __init__(self):
        from config.celery import app

        self.app, self.queue, self.procs = app, f"test-killed-{uuid.uuid4().hex[:8]}", []

    def __enter__(self):
        self.previous_queue, self.app.conf.task_default_queue = self.app.conf.task_default_queue, self.queue
        return self

    def start(self, *, slow: float = 0.0):
        proc = worker_start(queue=self.queue, database_url=database_url(), name=f"{self.queue}-{len(self.procs)}", slow=slow, visibility_timeout=VISIBILITY_TIMEOUT)
        self.procs.append(proc)
        from licensing.core.tasks import ping

        ping.delay("ready").get(timeout=60)
        return proc

    def kill(self, proc, *, taken_at: float, task: str | None = None) -> None:
        """SIGKILL `proc`; return once the message it held (of `task`; taken at `taken_at`, epoch seconds) is due again."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert unacknowledged(self.queue, task) == 1  # the message survived its worker
        # A worker restores the unacknowledged messages older than the visibility timeout when it starts.
        time.sleep(max(0.0, taken_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))

    def __exit__(self, *exc):
        self.app.conf.task_default_queue = self.previous_queue
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except Exception:  # noqa: BLE001
                    proc.kill()
        forget_queue(self.queue)


def test_a_worker_killed_mid_report_run_leaves_the_run_to_the_next_worker(broker, reference_db, api_as):
    from tests.factories import UserFactory

    call_command("import_decisions", str(DECISIONS_2024), verbosity=0)
    with Workers() as workers:
        first = workers.start(slow=SLOW)  # ten tables: ten seconds there
        client = api_as(UserFactory(role="officer", organisation=None))
        run_id = client.post("/api/v1/reports/runs/", {"year": 2024}, format="json").json()["id"]

        # Mid-way: some tables computed, not all.
        mid = wait_for(lambda: (r := ReportRun.objects.get(pk=run_id)).status == RunStatus.RUNNING and 20 <= r.progress < 100 and r, timeout=60, what="the run to get half-way")
        workers.kill(first, taken_at=mid.started_at.timestamp())
        killed_at = time.monotonic()
        stranded = ReportRun.objects.get(pk=run_id)
        assert (stranded.status, stranded.result) == (RunStatus.RUNNING, None)  # the dead worker wrote nothing more

        workers.start()
        done = wait_for(lambda: (r := ReportRun.objects.get(pk=run_id)).finished and r, timeout=90, what="the second worker to redo the run")

        assert (done.status, done.progress, done.error) == (RunStatus.DONE, 100, ""), done.error
        assert done.started_at > mid.started_at  # started again, from the beginning, by the second worker
        assert done.result["military"]["total_eur"] == client.get("/api/v1/reports/annual/2024/military/").json()["total_eur"]
        assert ReportRun.objects.count() == 1
        wait_for(lambda: unacknowledged(workers.queue) == 0, timeout=10, what="the message to be acknowledged")  # nothing runs it a third time
        print(f"killed at {stranded.progress} %; redone {time.monotonic() - killed_at:.1f} s after the kill")


def test_a_worker_killed_mid_rescreen_leaves_the_chunk_to_the_next_worker_without_duplicate_hits(broker, reference_db, api_as, exporter_a):
    from licensing.applications.models import Application, Status
    from licensing.screening.importers import FORMATS
    from licensing.screening.models import ApplicationScreening, RunItem, ScreeningHit, ScreeningRun
    from licensing.screening.models import RunStatus as ScreeningRunStatus
    from licensing.screening.rescreen import list_import_file, rescreen_start
    from tests.factories import application_payload, pdf_upload

    def parties(**named):
        base = {"consignee": ("Forsvarsmateriell", "NO"), "end_user": ("Royal Norwegian Navy", "NO"), **named}
        return [{"role": role, "name": name, "address": "Street 1", "country": country, "party_type": "company"} for role, (name, country) in base.items()]

    # The list and six open cases, three of them with a party on the list, set up in process.
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        list_import_file(source=FORMATS["eu-xml"], content=EU_SAMPLE.read_bytes(), file_name=EU_SAMPLE.name)
        exporter = api_as(exporter_a)
        named = [{"consignee": ("АО Рособоронэкспорт", "RU")}, {"broker": ("Polar Star Components Ltd", "HK")}, {}]
        for n in range(6):
            pk = exporter.post("/api/v1/applications/", application_payload(parties=parties(**named[n % 3])), format="json").json()["id"]
            exporter.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
            assert exporter.post(f"/api/v1/applications/{pk}/submit/").status_code == 200
    finally:
        app.conf.task_always_eager = False
    assert Application.objects.filter(status=Status.IN_REVIEW).count() == 6
    identity = ("application_id", "party_id", "source", "entry_reference", "entry_hash")
    expected = sorted(ScreeningHit.objects.values_list(*identity))
    assert len({row[0] for row in expected}) == 4  # the Rosoboronexport and Polar Star cases
    # What a change of threshold or algorithm does: the open hits are worked out again, by the re-screen.
    ScreeningHit.objects.all().delete()
    raised_before = Event.objects.filter(verb="screening.hits_raised").count()

    with Workers() as workers:
        first = workers.start(slow=SLOW)  # one chunk of six applications, one transaction: six seconds in it
        since = timezone.now()
        run = rescreen_start()
        screened = lambda: ApplicationScreening.objects.filter(screened_at__gt=since).count()  # noqa: E731
        wait_for(in_chunk_transaction, timeout=60, what="the chunk to write its hits")
        time.sleep(2 * SLOW)  # half-way through the chunk's applications
        # The chunk's message; the run's re-screen of the live licences (licences.rescreen_live) waits behind it.
        workers.kill(first, taken_at=time.time(), task="screening.rescreen_chunk")  # taken earlier: waiting from now is on the safe side
        stranded = ScreeningRun.objects.get(pk=run.pk)
        assert (stranded.status, stranded.done, stranded.total) == (ScreeningRunStatus.SCREENING, 0, 6)
        # The chunk is one transaction: nothing of it is left behind, no hit and no event.
        assert screened() == 0 and not ScreeningHit.objects.exists()
        assert Event.objects.filter(verb="screening.hits_raised").count() == raised_before

        workers.start()
        done = wait_for(lambda: (r := ScreeningRun.objects.get(pk=run.pk)).status == ScreeningRunStatus.DONE and r, timeout=90, what="the second worker to redo the chunk")

        assert (done.done, done.total) == (6, 6) and not RunItem.objects.filter(run=run).exists()
        assert sorted(ScreeningHit.objects.values_list(*identity)) == expected  # every hit once: none lost, none twice
        # Each case's hits were raised once, by the worker that finished the chunk.
        assert Event.objects.filter(verb="screening.hits_raised").count() - raised_before == 4
        wait_for(lambda: unacknowledged(workers.queue) == 0, timeout=10, what="the message to be acknowledged")
