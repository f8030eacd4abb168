"""The exporter's pages, driven through Django's test client."""
import pytest
from django.test import Client

from licensing.applications.models import Application, Status
from tests.factories import PASSWORD, application_payload, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read the English texts; Dutch is the default
    assert client.login(username=user.username, password=PASSWORD)
    return client


def management(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def form_data(**extra):
    data = {
        "kind": "individual",
        "movement": "export",
        "title": "Radar spares",
        "destinations": ["NO"],
        "end_use": "military",
        "purpose": "sale",
        **management("goods", 1),
        **management("parties", 2),
        "goods-0-goods_kind": "military",
        "goods-0-description": "Radar transmitter module",
        "goods-0-control_entry": "ML5",
        "goods-0-quantity": "4",
        "goods-0-unit": "pieces",
        "goods-0-value_eur": "120000",
        "parties-0-role": "consignee",
        "parties-0-name": "Forsvarsmateriell",
        "parties-0-address": "Lillehammer",
        "parties-0-country": "NO",
        "parties-0-party_type": "government",
        "parties-1-role": "end_user",
        "parties-1-name": "Royal Norwegian Navy",
        "parties-1-address": "Bergen",
        "parties-1-country": "NO",
        "parties-1-party_type": "armed_forces",
    }
    data.update(extra)
    return data


def test_anonymous_is_sent_to_login():
    response = Client().get("/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_officials_cannot_open_exporter_pages(officer):
    assert logged_in(officer).get("/applications/new/").status_code == 403


def test_adding_a_goods_line_keeps_what_was_typed(exporter_a):
    client = logged_in(exporter_a)
    response = client.post("/applications/new/", form_data(add_goods="1", title="Keep me"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Keep me"' in html and "Radar transmitter module" in html
    assert 'name="goods-1-description"' in html  # the new, empty line
    assert Application.objects.count() == 0  # adding a line saves nothing


def test_draft_is_saved_and_then_submitted_with_a_document(exporter_a, django_capture_on_commit_callbacks):
    client = logged_in(exporter_a)
    response = client.post("/applications/new/", form_data())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    assert application.goods.count() == 1 and application.parties.count() == 2

    # Submitting without the end-user certificate shows what is missing; nothing changes.
    client.post(f"/applications/{application.pk}/submit/")
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "end-user certificate" in page and 'class="error-summary"' in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    client.post(f"/applications/{application.pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Routing" in page and application.determination["rules"][0]["text"] in page


def test_invalid_fields_are_listed_in_a_linked_error_summary(exporter_a):
    response = logged_in(exporter_a).post("/applications/new/", form_data(**{"goods-0-value_eur": "lots", "destinations": ["ZZ"]}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_goods-0-value_eur"' in html and 'href="#id_destinations"' in html
    assert Application.objects.count() == 0


def test_other_organisation_gets_404_on_every_page(exporter_a, exporter_b, api_as):
    app_id = api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()["id"]
    client = logged_in(exporter_b)
    for url in ["", "edit/", "documents/1/"]:
        assert client.get(f"/applications/{app_id}/{url}").status_code == 404
    for url in ["submit/", "withdraw/", "amend/", "delete/", "answer/"]:
        assert client.post(f"/applications/{app_id}/{url}", {"answer": "x"}).status_code == 404
    assert Application.objects.get(pk=app_id).status == Status.DRAFT
    assert "NL-" not in client.get("/applications/").content.decode()


def test_exporter_answers_a_question_and_withdraws(exporter_a, officer, api_as, django_capture_on_commit_callbacks):
    client_api = api_as(exporter_a)
    app_id = client_api.post("/api/v1/applications/", application_payload(), format="json").json()["id"]
    client_api.post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        client_api.post(f"/api/v1/applications/{app_id}/submit/")
    api_as(officer).post(f"/api/v1/office/applications/{app_id}/questions/", {"text": "Which vessel?"}, format="json")

    client = logged_in(exporter_a)
    assert "Which vessel?" in client.get(f"/applications/{app_id}/").content.decode()
    client.post(f"/applications/{app_id}/answer/", {"answer": "KNM Fridtjof Nansen"})
    application = Application.objects.get(pk=app_id)
    assert application.questions.get().answer == "KNM Fridtjof Nansen"
    client.post(f"/applications/{app_id}/withdraw/", {"reason": "Cancelled"})
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_list_page_runs_a_constant_number_of_queries(exporter_a, api_as, django_assert_max_num_queries):
    for _ in range(8):
        api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json")
    client = logged_in(exporter_a)
    with django_assert_max_num_queries(8):
        response = client.get("/applications/")
    assert response.content.decode().count("NL-") >= 8
