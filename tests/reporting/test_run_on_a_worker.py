"""A report run computed by a live Celery worker over the real broker, on PostgreSQL, with its progress."""
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from licensing.reporting.models import ReportRun

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CSV = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "decisions_2024.csv"


def test_a_report_run_is_computed_by_the_worker(live_worker, reference_db, api_as):
    from tests.factories import UserFactory

    call_command("import_decisions", str(CSV), verbosity=0)
    client = api_as(UserFactory(role="officer", organisation=None))
    run_id = client.post("/api/v1/reports/runs/", {"year": 2024}, format="json").json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ReportRun.objects.get(pk=run_id).finished:
        time.sleep(0.2)
    run = client.get(f"/api/v1/reports/runs/{run_id}/").json()
    assert (run["status"], run["progress"], run["error"]) == ("done", 100, ""), run
    assert run["result"]["military"]["total_eur"] == client.get("/api/v1/reports/annual/2024/military/").json()["total_eur"]
    assert run["result"]["military"]["total_eur"].startswith("18679")  # EUR 1.867,95 million (seed 002 table 2)
