"""An exporter never sees or changes another organisation's applications: every endpoint answers 404."""
import pytest

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "{id}/", None),
    ("patch", "{id}/", {"title": "hijacked"}),
    ("delete", "{id}/", None),
    ("post", "{id}/submit/", None),
    ("post", "{id}/withdraw/", {}),
    ("post", "{id}/amend/", None),
    ("post", "{id}/answer/", {"answer": "x"}),
    ("get", "{id}/history/", None),
    ("get", "{id}/documents/{doc}/", None),
    ("delete", "{id}/documents/{doc}/", None),
]


@pytest.fixture
def a_draft_with_document(api_as, exporter_a, file_draft):
    draft = file_draft(exporter_a)
    doc = api_as(exporter_a).post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart").json()
    return draft["id"], doc["id"]


@pytest.mark.parametrize("method,path,body", ENDPOINTS)
def test_other_organisation_gets_404_on_every_endpoint(api_as, exporter_b, a_draft_with_document, method, path, body):
    app_id, doc_id = a_draft_with_document
    events_before = Event.objects.count()
    response = getattr(api_as(exporter_b), method)(f"/api/v1/applications/{path.format(id=app_id, doc=doc_id)}", body, format="json")
    assert response.status_code == 404, response.content
    application = Application.objects.get(pk=app_id)
    assert application.status == Status.DRAFT and application.title != "hijacked"
    assert application.documents.count() == 1
    assert Event.objects.count() == events_before


def test_other_organisation_cannot_upload(api_as, exporter_b, a_draft_with_document):
    app_id, _ = a_draft_with_document
    response = api_as(exporter_b).post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": "other", "file": pdf_upload()}, format="multipart")
    assert response.status_code == 404


def test_other_organisation_does_not_see_it_listed(api_as, exporter_b, a_draft_with_document):
    assert api_as(exporter_b).get("/api/v1/applications/").json()["count"] == 0


def test_same_organisation_colleague_sees_it(api_as, exporter_a, a_draft_with_document):
    from tests.factories import UserFactory

    colleague = UserFactory(organisation=exporter_a.organisation)
    app_id, _ = a_draft_with_document
    assert api_as(colleague).get(f"/api/v1/applications/{app_id}/").status_code == 200


def test_anonymous_gets_401(api_client, a_draft_with_document):
    app_id, _ = a_draft_with_document
    assert api_client.get(f"/api/v1/applications/{app_id}/").status_code == 401
    assert api_client.get("/api/v1/applications/").status_code == 401
