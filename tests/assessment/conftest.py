import pytest

from licensing.applications.models import Application
from tests.factories import application_payload, pdf_upload

SAUDI = {
    "destinations": ["SA"],
    "parties": [
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ],
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def submit(api_as, django_capture_on_commit_callbacks):
    def make(user, **overrides):
        client = api_as(user)
        draft = client.post("/api/v1/applications/", application_payload(**overrides), format="json").json()
        client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200, "submit failed"
        return Application.objects.get(pk=draft["id"])

    return make


@pytest.fixture
def referred(api_as, exporter_a, officer, submit):
    """referred(**overrides) -> a ministry case (military goods to Saudi Arabia) referred by the office."""

    def make(**overrides):
        application = submit(exporter_a, **{**SAUDI, **overrides})
        response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json")
        assert response.status_code == 200, response.json()
        return application

    return make


def all_findings(client, pk, overrides=None, finding="no_concern"):
    for number in range(1, 9):
        body = {"finding": finding, "reasoning": f"Reasoning on criterion {number}."}
        body.update((overrides or {}).get(number, {}))
        response = client.put(f"/api/v1/ministry/applications/{pk}/assessment/findings/{number}/", body, format="json")
        assert response.status_code == 200, response.json()


def dispose_hits(client, pk, disposition="true_match"):
    """Record a disposition for every screening hit of the application (they block a decision until then)."""
    hits = client.get(f"/api/v1/office/applications/{pk}/screening/").json()["hits"]
    for hit in hits:
        response = client.post(f"/api/v1/office/applications/{pk}/screening/{hit['id']}/disposition/", {"disposition": disposition, "reason": "Checked by the officer."}, format="json")
        assert response.status_code == 200, response.json()
    return hits
