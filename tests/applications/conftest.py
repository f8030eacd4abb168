import pytest

from tests.factories import application_payload, pdf_upload


@pytest.fixture
def file_draft(api_as):
    """file_draft(user, **overrides) -> the API's JSON for a new draft filed by that exporter."""

    def make(user, **overrides):
        response = api_as(user).post("/api/v1/applications/", application_payload(**overrides), format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return make


@pytest.fixture
def submitted(api_as, file_draft, django_capture_on_commit_callbacks):
    """submitted(user) -> a complete application with an end-user certificate, submitted and routed.

    Routing is enqueued after commit; here the commit callbacks run (the task runs eagerly).
    """

    def make(user, **overrides):
        draft = file_draft(user, **overrides)
        client = api_as(user)
        upload = client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
        assert upload.status_code == 201, upload.json()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/applications/{draft['id']}/submit/")
        assert response.status_code == 200, response.json()
        return response.json()

    return make


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
