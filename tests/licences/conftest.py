import pytest

from licensing.licences.models import Licence, Registration
from tests.factories import application_payload, pdf_upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(api_as, officer, django_capture_on_commit_callbacks):
    """issued(exporter, **overrides) -> a licence decided by the office (military to Norway by default)."""

    def make(user, **overrides):
        client = api_as(user)
        draft = client.post("/api/v1/applications/", application_payload(**overrides), format="json").json()
        client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200
        response = api_as(officer).post(f"/api/v1/office/applications/{draft['id']}/decision/", {"outcome": "issued"}, format="json")
        assert response.status_code == 201, response.json()
        return Licence.objects.get(decision__application_id=draft["id"])

    return make


@pytest.fixture
def registered(api_as, officer, django_capture_on_commit_callbacks):
    """registered(exporter, code) -> the exporter's accepted registration for general licence `code`."""

    def make(user, code):
        client = api_as(user)
        draft = client.post("/api/v1/applications/", {"kind": "general_registration", "movement": "transit", "general_licence": code, "conditions_confirmed": True}, format="json").json()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/applications/{draft['id']}/submit/")
        assert response.status_code == 200, response.json()
        decided = api_as(officer).post(f"/api/v1/office/applications/{draft['id']}/decision/", {"outcome": "issued"}, format="json")
        assert decided.status_code == 201, decided.json()
        return Registration.objects.get(decision__application_id=draft["id"])

    return make


def row(target, **overrides):
    from django.utils import timezone

    base = {
        "licence": target.number,
        "exported_on": timezone.localdate().isoformat(),
        "destination": "NO",
        "control_entry": "ML5",
        "quantity": "1",
        "value_eur": "30000.00",
        "recipient": "Royal Norwegian Navy",
        "serial_numbers": "SN-1",
        "lot_numbers": "",
    }
    base.update(overrides)
    return base
