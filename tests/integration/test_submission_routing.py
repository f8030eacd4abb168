"""Submission through the API, routed by a live Celery worker over the real broker, on PostgreSQL."""

import pytest

from licensing.applications.models import Application, Status
from tests.factories import application_payload, pdf_upload
from tests.polling import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_submitted_application_is_routed_by_the_worker(live_worker, reference_db, api_as, tmp_path, settings):
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    exporter = UserFactory()
    client = api_as(exporter)
    draft = client.post("/api/v1/applications/", application_payload(destinations=["SA"], parties=[
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ]), format="json").json()
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    response = client.post(f"/api/v1/applications/{draft['id']}/submit/")
    assert response.status_code == 200

    wait_for(lambda: Application.objects.get(pk=draft["id"]).status == Status.IN_REVIEW, timeout=30, what="the worker to route it")
    application = Application.objects.get(pk=draft["id"])
    assert application.handler == "ministry"  # military goods to Saudi Arabia: outside EU/NATO/NATO+
    assert any(rule["id"].startswith("handler.") for rule in application.determination["rules"])
