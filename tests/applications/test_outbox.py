"""With the broker down, submission still succeeds and the sweep routes the application later: nothing lost."""
from datetime import timedelta

import pytest
from django.utils import timezone

from licensing.casework import tasks
from licensing.applications.models import Application, Status

pytestmark = pytest.mark.django_db


def test_submission_survives_a_broker_outage_and_the_sweep_routes_it(submitted, exporter_a, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.application_route, "delay", broker_down)
    body = submitted(exporter_a)  # the fixture asserts a 200
    application = Application.objects.get(pk=body["id"])
    assert application.status == Status.SUBMITTED

    assert tasks.route_pending() == 0  # too fresh: the worker may still be on it
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - timedelta(minutes=5))
    assert tasks.route_pending() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.determination
    assert tasks.route_pending() == 0  # idempotent


def test_routing_twice_does_nothing_the_second_time(submitted, exporter_a):
    body = submitted(exporter_a)
    assert tasks.application_route(body["id"]) == "skipped"
