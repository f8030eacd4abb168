"""The ministry's assessment on the eight criteria (military goods; other frameworks: test_frameworks.py), four eyes, and the office's decision that follows."""
import pytest

from licensing.applications.models import Application, Status
from licensing.denials.models import DenialRegisterEntry

from .conftest import all_findings

pytestmark = pytest.mark.django_db


def start(client, pk):
    response = client.post(f"/api/v1/ministry/applications/{pk}/assessment/")
    assert response.status_code == 201, response.json()
    return response.json()


def test_advisor_records_all_eight_criteria_and_a_second_advisor_countersigns(api_as, referred, advisor, advisor2, officer):
    application = referred()
    client = api_as(advisor)
    start(client, application.pk)
    incomplete = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "approve"}, format="json")
    assert incomplete.status_code == 400 and "findings" in incomplete.json()["fields"]

    all_findings(client, application.pk, {2: {"finding": "concern", "sub_points": ["a"]}, 7: {"finding": "concern", "sub_points": ["d"]}})
    no_weighing = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "approve"}, format="json")
    assert "weighing" in no_weighing.json()["fields"]  # the concern on criterion 7 must be weighed

    body = {"advice": "approve_with_conditions", "conditions": "No re-export without prior consent.", "weighing": "Diversion risk mitigated by end-user certificate."}
    given = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", body, format="json").json()
    assert given["status"] == "awaiting_countersignature" and given["needs_countersignature"]  # Saudi Arabia is outside EU/NATO+
    assert Application.objects.get(pk=application.pk).status == Status.REFERRED

    own = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    assert own.status_code == 403  # never the same person
    signed = api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    assert signed.status_code == 200 and signed.json()["countersigned_by"] == "advisor2"
    assert Application.objects.get(pk=application.pk).status == Status.ADVICE_GIVEN

    decided = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert decided.status_code == 201, decided.json()
    assert decided.json()["licence_number"] == f"{application.reference}-V"
    from licensing.licences.models import Licence

    assert "No re-export without prior consent." in Licence.objects.get().conditions


def test_negative_on_criteria_1_to_4_cannot_yield_approve_without_a_reasoned_countersigned_override(api_as, referred, advisor, advisor2):
    application = referred()
    client = api_as(advisor)
    start(client, application.pk)
    all_findings(client, application.pk, {2: {"finding": "negative", "sub_points": ["c"]}})
    refused = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "approve"}, format="json")
    assert refused.status_code == 400 and "override_reason" in refused.json()["fields"]

    override = {"advice": "approve", "override_reason": "The goods are purely defensive and cannot be used in the conflict."}
    given = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", override, format="json").json()
    assert given["status"] == "awaiting_countersignature"
    returned = api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": False, "reason": "Not convinced."}, format="json")
    assert returned.json()["status"] == "returned" and returned.json()["return_reason"] == "Not convinced."
    assert Application.objects.get(pk=application.pk).status == Status.REFERRED  # back to the ministry's desk


def test_denial_must_cite_a_negative_criterion(api_as, referred, advisor):
    application = referred()
    client = api_as(advisor)
    start(client, application.pk)
    all_findings(client, application.pk)
    response = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    assert response.status_code == 400 and "negative" in response.json()["fields"]["advice"][0]


def test_denial_produces_notice_register_entry_and_exporter_sees_criteria_not_advice(api_as, referred, advisor, advisor2, officer, exporter_a, countersigned):
    application = referred()
    client = api_as(advisor)
    start(client, application.pk)
    all_findings(client, application.pk, {2: {"finding": "negative"}, 4: {"finding": "negative"}})
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")

    office = api_as(officer)
    approve = office.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert approve.status_code == 400 and "advised to deny" in approve.json()["detail"]
    countersigned(office.post(
        f"/api/v1/office/applications/{application.pk}/decision/",
        {"outcome": "denied", "criteria": [2, 4], "reasons": "Clear risk of use in serious violations of IHL."},
        format="json",
    ))
    entry = DenialRegisterEntry.objects.get(own=True)
    assert (entry.destination_id, entry.criteria, entry.end_user, entry.notifying_state_id) == ("SA", [2, 4], "Royal Saudi Land Forces", "NL")
    assert entry.control_entry == "ML5; ML6"

    exporter = api_as(exporter_a)
    detail = exporter.get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["status"] == "denied" and detail["decision"]["criteria"] == [2, 4]
    history = exporter.get(f"/api/v1/applications/{application.pk}/history/").json()["results"]
    assert not [e for e in history if e["verb"].startswith("assessment.")]
    assert all(e["reason"] == "" for e in history if e["verb"] == "application.refer")  # the office's note stays internal
    assert exporter.get(f"/api/v1/ministry/applications/{application.pk}/assessment/").status_code == 403
    assert exporter.get(f"/api/v1/office/applications/{application.pk}/prior/").status_code == 403

    pdf = exporter.get(f"/api/v1/applications/{application.pk}/decision/document/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "criteria 2, 4" in text and application.reference in text


def pdf_text(content: bytes) -> str:
    """The text of a PDF, read back with pypdf (a test-only dependency)."""
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_office_alone_case_is_decided_by_an_officer_and_the_pdf_matches_the_record(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)  # military to Norway: the office decides alone
    response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued", "conditions": "Deliver by sea."}, format="json")
    assert response.status_code == 201
    pdf = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/")
    text = pdf_text(pdf.content)
    from licensing.licences.models import Licence

    licence = Licence.objects.get()
    # Noordzee Defence Systems reads Dutch: the licence is in Dutch (tests/web/test_i18n.py has an English holder).
    for expected in (licence.number, "Noorwegen (NO)", "Radar transmitter module", "ML5", "120.000,00", "Deliver by sea.", "Royal Norwegian Navy"):
        assert expected in text, expected
    assert api_as(officer).get(f"/api/v1/applications/{application.pk}/decision/document/").status_code == 200


def test_ministry_case_cannot_be_decided_before_advice(api_as, exporter_a, officer, submit):
    from tests.factories import SAUDI

    application = submit(exporter_a, **SAUDI)
    response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert response.status_code == 400


def test_sondage_answer_states_it_gives_no_rights(api_as, exporter_a, officer, submit):
    application = submit(exporter_a, kind="sondage")
    response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "answered", "answer": "Positive for Norway.", "positive": True}, format="json")
    assert response.status_code == 201
    assert "no rights" in response.json()["indicative_answer"]
    assert "geen rechten" in pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)


def test_classification_ruling_names_an_entry_or_not_listed(api_as, exporter_a, officer, django_capture_on_commit_callbacks):
    from tests.factories import pdf_upload

    client = api_as(exporter_a)
    goods = [{"goods_kind": "dual_use", "description": "Thermal camera core", "control_entry": "", "quantity": "1"}]
    draft = client.post("/api/v1/applications/", {"kind": "classification", "goods": goods}, format="json").json()
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "technical_documentation", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200
    office = api_as(officer)
    both = office.post(f"/api/v1/office/applications/{draft['id']}/decision/", {"outcome": "ruled", "entry": "6A003", "not_listed": True}, format="json")
    assert both.status_code == 400
    ruled = office.post(f"/api/v1/office/applications/{draft['id']}/decision/", {"outcome": "ruled", "entry": "6a003.b.4"}, format="json")
    assert ruled.status_code == 201 and ruled.json()["ruling_entry"] == "6A003.b.4"


def test_fast_track_licence_appears_on_the_parliament_list_with_a_two_week_deadline(api_as, referred, advisor, advisor2, officer, countersigned):
    goods = [{"goods_kind": "military", "description": "Patrol vessel", "control_entry": "ML9", "quantity": "1", "value_eur": "25000000.00", "complete_system": True}]
    application = referred(goods=goods)
    assert application.determination["fast_track_parliament"] is True
    client = api_as(advisor)
    start(client, application.pk)
    all_findings(client, application.pk)
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "approve"}, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    countersigned(api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json"))  # EUR 25 million

    due = api_as(officer).get("/api/v1/office/parliament/?due=true").json()["results"]
    assert len(due) == 1
    from datetime import date, timedelta

    assert date.fromisoformat(due[0]["due_on"]) - date.fromisoformat(due[0]["decided_on"]) == timedelta(days=14)
    sent = api_as(officer).post(f"/api/v1/office/parliament/{due[0]['id']}/sent/")
    assert sent.status_code == 200 and sent.json()["sent_on"]
    assert api_as(officer).get("/api/v1/office/parliament/?due=true").json()["count"] == 0


def test_prior_information_shows_earlier_decisions_for_the_same_end_user(api_as, referred, advisor, advisor2, officer, exporter_a, submit, countersigned):
    from tests.factories import SAUDI

    first = referred()
    client = api_as(advisor)
    start(client, first.pk)
    all_findings(client, first.pk, {2: {"finding": "negative"}})
    client.post(f"/api/v1/ministry/applications/{first.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{first.pk}/assessment/countersign/", {"agree": True}, format="json")
    countersigned(api_as(officer).post(f"/api/v1/office/applications/{first.pk}/decision/", {"outcome": "denied", "criteria": [2], "reasons": "IHL."}, format="json"))

    second = submit(exporter_a, **SAUDI)
    prior = api_as(officer).get(f"/api/v1/office/applications/{second.pk}/prior/").json()
    assert [d["reference"] for d in prior["decisions"]] == [first.reference]
    assert prior["decisions"][0]["outcome"] == "denied"
    assert [d["reference"] for d in prior["denials"]] == [first.reference]


def test_a_negative_sondage_answer_is_counted_and_listed_as_a_denial(api_as, exporter_a, officer, submit, countersigned):
    """
    Seed 002 line 446: "In 2024 zijn in totaal 9 aanvragen voor uitvoer-, doorvoervergunningen en proefaanvragen
    (sondages ...) voor militaire goederen afgewezen. Het volledige overzicht van de afgewezen aanvragen staat in
    bijlage 6." Annex 6 lists each with its criteria, and "De afgewezen vergunningaanvragen worden ook met
    EU-partners uitgewisseld": a negative answer cites its criteria and enters our denial register.
    """
    from django.utils import timezone

    from licensing.denials.models import DenialRegisterEntry
    from licensing.reporting import tables

    application = submit(exporter_a, kind="sondage")
    office = api_as(officer)
    url = f"/api/v1/office/applications/{application.pk}/decision/"
    no_criteria = office.post(url, {"outcome": "answered", "answer": "Not for this end user.", "positive": False}, format="json")
    assert no_criteria.status_code == 400 and "criteria" in no_criteria.json()["fields"]
    response = office.post(url, {"outcome": "answered", "answer": "Not for this end user.", "positive": False, "criteria": [7, 2]}, format="json")
    body = countersigned(response)  # a negative answer enters the denial register: four eyes, as a denial
    assert (body["outcome"], body["negative_answer"], body["criteria"]) == ("answered", True, [2, 7])
    entry = DenialRegisterEntry.objects.get(decision__reference=application.reference)
    assert (entry.own, entry.destination_id, entry.criteria, entry.end_user) == (True, "NO", [2, 7], "Royal Norwegian Navy")
    year = timezone.localdate().year
    assert [r.reference for r in tables.denial_table(tables.Period(year), goods_kind="military").rows] == [entry.reference]
    (share,) = tables.denial_share_by_year(year, year)
    assert (share.applied, share.denied) == (1, 1)
    assert "2, 7" in pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)


def test_a_positive_sondage_answer_cites_no_criteria_and_is_no_denial(api_as, exporter_a, officer, submit):
    from licensing.denials.models import DenialRegisterEntry

    application = submit(exporter_a, kind="sondage")
    url = f"/api/v1/office/applications/{application.pk}/decision/"
    office = api_as(officer)
    assert office.post(url, {"outcome": "answered", "answer": "Fine.", "positive": True, "criteria": [7]}, format="json").status_code == 400
    response = office.post(url, {"outcome": "answered", "answer": "Fine.", "positive": True}, format="json")
    assert response.status_code == 201 and response.json()["negative_answer"] is False
    assert not DenialRegisterEntry.objects.exists()
