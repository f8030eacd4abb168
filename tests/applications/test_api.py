"""The exporter's API: drafts, submission, withdrawal, amendment, questions and documents."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications.models import Application, GoodsLine, Status
from licensing.audit.models import Event
from tests.factories import application_payload, pdf_upload

pytestmark = pytest.mark.django_db


def test_exporter_files_a_draft_with_goods_and_parties(api_as, exporter_a):
    response = api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"NL-\d{4}-\d{6}", body["reference"])
    assert body["status"] == "draft" and body["organisation"] == "Company A B.V."
    assert [g["control_entry"] for g in body["goods"]] == ["ML5", "ML6"]
    assert [p["role"] for p in body["parties"]] == ["consignee", "end_user", "broker"]
    assert body["destinations"] == ["NO"]
    assert "submit" in body["allowed_actions"]


def test_references_are_unique_and_sequential(api_as, exporter_a, exporter_b, file_draft):
    first, second = file_draft(exporter_a)["reference"], file_draft(exporter_b)["reference"]
    assert first != second
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_bad_types_in_a_draft_save_nothing_and_name_each_field(api_as, exporter_a):
    payload = application_payload(destinations=["ZZ"])
    payload["goods"][1]["value_eur"] = "a lot"
    payload["parties"][0]["role"] = "friend"
    response = api_as(exporter_a).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"destinations", "goods[1].value_eur", "parties[0].role"}
    assert "Unknown country code 'ZZ'" in fields["destinations"][0]
    assert Application.objects.count() == 0 and GoodsLine.objects.count() == 0


def test_country_codes_are_case_insensitive(api_as, exporter_a):
    response = api_as(exporter_a).post("/api/v1/applications/", application_payload(destinations=["no"]), format="json")
    assert response.json()["destinations"] == ["NO"]


def test_draft_is_edited_without_losing_the_rest(api_as, exporter_a, file_draft):
    draft = file_draft(exporter_a)
    response = api_as(exporter_a).patch(f"/api/v1/applications/{draft['id']}/", {"title": "New title"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "New title"
    assert len(response.json()["goods"]) == 2 and len(response.json()["parties"]) == 3


def test_submit_of_an_incomplete_application_reports_everything_and_changes_nothing(api_as, exporter_a, file_draft):
    payload_goods = application_payload()["goods"]
    payload_goods[0]["control_entry"] = "ML99"
    payload_goods[1]["control_entry"] = "3A001"
    payload_goods.append({"goods_kind": "military", "description": "", "quantity": "0"})
    draft = file_draft(exporter_a, goods=payload_goods, parties=[])
    response = api_as(exporter_a).post(f"/api/v1/applications/{draft['id']}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete"
    fields = body["fields"]
    assert "goods[0].control_entry" in fields and "ML99" in fields["goods[0].control_entry"][0]
    assert "not on a list for military goods" in fields["goods[1].control_entry"][0]
    assert {"goods[2].description", "goods[2].quantity", "goods[2].value_eur", "goods[2].control_entry", "parties", "documents"} <= set(fields)
    assert Application.objects.get(pk=draft["id"]).status == Status.DRAFT
    assert not Event.objects.filter(verb="application.submit").exists()


def test_complete_application_is_submitted_routed_and_explained(submitted, exporter_a):
    body = submitted(exporter_a)
    application = Application.objects.get(pk=body["id"])
    # Routing ran after commit (eagerly on the embedded default): the office's queue, with its reasons.
    assert application.status == Status.IN_REVIEW
    assert application.handler == "licensing_office"  # military to Norway (NATO): the office decides alone
    assert application.determination["licence_required"] is True
    assert application.determination["rules"]
    verbs = list(Event.objects.filter(target_id=str(application.pk), target_type="applications.application").values_list("verb", flat=True))
    assert verbs == ["application.created", "document.added", "application.submit", "application.route"]


def test_submitted_application_cannot_be_edited_or_deleted(api_as, exporter_a, submitted):
    body = submitted(exporter_a)
    client = api_as(exporter_a)
    assert client.patch(f"/api/v1/applications/{body['id']}/", {"title": "x"}, format="json").status_code == 409
    assert client.delete(f"/api/v1/applications/{body['id']}/").status_code == 409
    upload = client.post(f"/api/v1/applications/{body['id']}/documents/", {"doc_type": "other", "file": pdf_upload()}, format="multipart")
    assert upload.status_code == 409


def test_submitting_twice_is_a_conflict(api_as, exporter_a, submitted):
    body = submitted(exporter_a)
    response = api_as(exporter_a).post(f"/api/v1/applications/{body['id']}/submit/")
    assert response.status_code == 409


def test_exporter_withdraws_until_decided(api_as, exporter_a, submitted):
    body = submitted(exporter_a)
    response = api_as(exporter_a).post(f"/api/v1/applications/{body['id']}/withdraw/", {"reason": "Order cancelled"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    event = Event.objects.get(verb="application.withdraw")
    assert event.reason == "Order cancelled" and event.from_state == "in_review"


def test_decided_application_can_never_be_changed(api_as, exporter_a, officer, submitted):
    from licensing.applications.workflow import Action, application_move

    body = submitted(exporter_a)
    application_move(application=Application.objects.get(pk=body["id"]), action=Action.ISSUE, actor=officer)
    client = api_as(exporter_a)
    for method, url in [
        ("post", "withdraw/"),
        ("post", "amend/"),
        ("post", "submit/"),
        ("patch", ""),
        ("delete", ""),
    ]:
        response = getattr(client, method)(f"/api/v1/applications/{body['id']}/{url}", {}, format="json")
        assert response.status_code == 409, (method, url, response.json())
    assert Application.objects.get(pk=body["id"]).status == Status.ISSUED


def test_amendment_is_a_new_version_that_supersedes_the_original_when_submitted(api_as, exporter_a, submitted, django_capture_on_commit_callbacks):
    original = submitted(exporter_a)
    client = api_as(exporter_a)
    response = client.post(f"/api/v1/applications/{original['id']}/amend/")
    assert response.status_code == 201
    amendment = response.json()
    assert amendment["reference"] == f"{original['reference']}/2" and amendment["previous"] == original["reference"]
    assert amendment["status"] == "draft" and len(amendment["documents"]) == 1
    assert client.post(f"/api/v1/applications/{original['id']}/amend/").status_code == 409  # one amendment at a time

    goods = amendment["goods"]
    goods[0]["quantity"] = "6"
    for line in goods:
        for key in ("id", "position"):
            line.pop(key)
    assert client.patch(f"/api/v1/applications/{amendment['id']}/", {"goods": goods}, format="json").status_code == 200
    # The original keeps going until the amendment is submitted.
    assert Application.objects.get(pk=original["id"]).status == Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/applications/{amendment['id']}/submit/").status_code == 200
    assert Application.objects.get(pk=original["id"]).status == Status.SUPERSEDED
    assert Application.objects.get(pk=amendment["id"]).status == Status.IN_REVIEW


def test_question_stops_and_answer_restarts_the_case(api_as, exporter_a, officer, submitted):
    body = submitted(exporter_a)
    asked = api_as(officer).post(f"/api/v1/office/applications/{body['id']}/questions/", {"text": "Who is the ultimate end user?"}, format="json")
    assert asked.status_code == 201
    detail = api_as(exporter_a).get(f"/api/v1/applications/{body['id']}/").json()
    assert detail["questions"][0]["text"] == "Who is the ultimate end user?" and "answer_question" in detail["allowed_actions"]
    answered = api_as(exporter_a).post(f"/api/v1/applications/{body['id']}/answer/", {"answer": "The Royal Norwegian Navy."}, format="json")
    assert answered.status_code == 200 and answered.json()["answered_at"]
    assert api_as(exporter_a).post(f"/api/v1/applications/{body['id']}/answer/", {"answer": "again"}, format="json").status_code == 400


def test_exporters_cannot_ask_and_officials_cannot_answer(api_as, exporter_a, officer, submitted):
    body = submitted(exporter_a)
    assert api_as(exporter_a).post(f"/api/v1/office/applications/{body['id']}/questions/", {"text": "?"}, format="json").status_code == 403
    assert api_as(officer).post(f"/api/v1/applications/{body['id']}/answer/", {"answer": "x"}, format="json").status_code == 403


def test_history_lists_every_move(api_as, exporter_a, submitted):
    body = submitted(exporter_a)
    history = api_as(exporter_a).get(f"/api/v1/applications/{body['id']}/history/").json()["results"]
    assert [e["verb"] for e in history][-2:] == ["application.submit", "application.route"]
    assert history[-2]["actor"] == "exporter_a" and history[-1]["actor"] is None


def test_sondage_is_marked_as_such(api_as, exporter_a, file_draft):
    draft = file_draft(exporter_a, kind="sondage")
    assert draft["is_sondage"] is True
    listed = api_as(exporter_a).get("/api/v1/applications/?kind=sondage").json()
    assert [a["is_sondage"] for a in listed["results"]] == [True]


def test_classification_request_needs_technical_documentation_and_no_destination_or_value(api_as, exporter_a, file_draft):
    goods = [{"goods_kind": "dual_use", "description": "Infrared camera core", "control_entry": "6A003 or not listed?", "quantity": "1", "value_eur": "100"}]
    draft = file_draft(exporter_a, kind="classification", goods=goods, parties=[])
    client = api_as(exporter_a)
    fields = client.post(f"/api/v1/applications/{draft['id']}/submit/").json()["fields"]
    assert set(fields) == {"destinations", "goods[0].value_eur", "documents"}

    goods[0]["value_eur"] = None
    client.patch(f"/api/v1/applications/{draft['id']}/", {"goods": goods, "destinations": []}, format="json")
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "technical_documentation", "file": pdf_upload("datasheet.pdf")}, format="multipart")
    response = client.post(f"/api/v1/applications/{draft['id']}/submit/")
    assert response.status_code == 200, response.json()


def test_list_filters_by_status_and_kind_and_paginates(api_as, exporter_a, file_draft, submitted):
    file_draft(exporter_a)
    file_draft(exporter_a, kind="global", destinations=["NO", "US"])
    submitted(exporter_a)
    client = api_as(exporter_a)
    assert client.get("/api/v1/applications/").json()["count"] == 3
    assert client.get("/api/v1/applications/?status=draft").json()["count"] == 2
    assert client.get("/api/v1/applications/?status=in_review&status=submitted").json()["count"] == 1
    assert client.get("/api/v1/applications/?kind=global").json()["count"] == 1
    assert client.get("/api/v1/applications/?status=bogus").status_code == 400
    page = client.get("/api/v1/applications/?page_size=1")
    assert page.json()["count"] == 3


def test_list_runs_a_constant_number_of_queries(api_as, exporter_a, file_draft):
    client = api_as(exporter_a)
    file_draft(exporter_a)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/applications/")
    for _ in range(5):
        file_draft(exporter_a, destinations=["US"])
    with CaptureQueriesContext(connection) as six:
        assert client.get("/api/v1/applications/").json()["count"] == 6
    assert len(six) == len(one)


def test_detail_runs_a_constant_number_of_queries(api_as, exporter_a, file_draft):
    client = api_as(exporter_a)
    small = file_draft(exporter_a)
    big = file_draft(exporter_a, goods=application_payload()["goods"] * 10)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/v1/applications/{small['id']}/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/api/v1/applications/{big['id']}/")
    assert len(many) == len(few)


def test_officials_do_not_see_drafts(api_as, exporter_a, officer, file_draft):
    draft = file_draft(exporter_a)
    assert api_as(officer).get(f"/api/v1/applications/{draft['id']}/").status_code == 404
    assert api_as(officer).get("/api/v1/applications/").json()["count"] == 0


def test_officials_cannot_file_applications(api_as, officer):
    assert api_as(officer).post("/api/v1/applications/", application_payload(), format="json").status_code == 403
