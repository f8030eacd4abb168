"""Issue 18.5: the holder objects (bezwaar) to a decision within six weeks after the day it was sent; a late one is
received and marked late; one open objection per decision; other organisations' cases answer 404; the office lists
the objections by due date; every decision letter carries the objection clause in the holder's language."""
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils import translation

from licensing.audit.models import Event
from licensing.licences.models import Decision, Objection, ObjectionDocument
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db


def lodge(client, pk, grounds="The end user is a bona fide navy.", files=()):
    return client.post(f"/api/v1/applications/{pk}/objections/", {"grounds": grounds, "file": list(files)}, format="multipart")


def test_the_holder_objects_with_grounds_and_documents_and_the_due_date_follows_the_awb(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    pk = licence.decision.application_id
    response = lodge(api_as(exporter_a), pk, files=[pdf_upload("grounds.pdf"), pdf_upload("contract.pdf", "Contract")])
    assert response.status_code == 201, response.json()
    body = response.json()
    decided = licence.decision.decided_on
    assert body["status"] == "received" and body["late"] is False and body["reference"] == licence.decision.reference
    assert body["term_ends_on"] == (decided + timedelta(weeks=6)).isoformat()
    assert body["due_on"] == (decided + timedelta(weeks=12)).isoformat()  # six weeks after the term ends (Awb 7:10)
    objection = Objection.objects.get(pk=body["id"])
    assert sorted(ObjectionDocument.objects.filter(objection=objection).values_list("original_name", flat=True)) == ["contract.pdf", "grounds.pdf"]
    assert Event.objects.filter(verb="objection.lodged", target_id=str(pk)).count() == 1

    second = lodge(api_as(exporter_a), pk)
    assert second.status_code == 409  # one open objection per decision


def test_an_objection_after_the_term_is_received_and_marked_late(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    Decision.objects.filter(pk=licence.decision_id).update(decided_on=timezone.localdate() - timedelta(weeks=6, days=1))
    body = lodge(api_as(exporter_a), licence.decision.application_id).json()
    assert body["late"] is True and body["due_on"] == (timezone.localdate() + timedelta(weeks=6)).isoformat()


def test_the_last_day_of_the_term_is_not_late(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    Decision.objects.filter(pk=licence.decision_id).update(decided_on=timezone.localdate() - timedelta(weeks=6))
    assert lodge(api_as(exporter_a), licence.decision.application_id).json()["late"] is False


def test_other_organisations_get_404_and_nothing_undecided_can_be_objected_to(api_as, exporter_a, exporter_b, issued, submit):
    licence = issued(exporter_a)
    assert lodge(api_as(exporter_b), licence.decision.application_id).status_code == 404
    undecided = submit(exporter_a)
    assert lodge(api_as(exporter_a), undecided.pk).status_code == 409
    assert not Objection.objects.exists()


def test_a_viewer_in_the_holders_organisation_may_not_object(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    exporter_a.org_role = "viewer"
    exporter_a.save(update_fields=["org_role"])
    assert lodge(api_as(exporter_a), licence.decision.application_id).status_code == 403
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    "grounds, files, field",
    [
        ("", [], "grounds"),
        ("   \u200b ", [], "grounds"),
        ("x" * 20001, [], "grounds"),
        ("Fine grounds.", [SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")], "file"),
    ],
)
def test_an_incomplete_objection_or_a_disguised_file_stores_nothing(api_as, exporter_a, issued, settings, grounds, files, field):
    licence = issued(exporter_a)
    response = lodge(api_as(exporter_a), licence.decision.application_id, grounds=grounds, files=files)
    assert response.status_code == 400, response.json()
    assert not Objection.objects.exists() and not ObjectionDocument.objects.exists()
    assert not (settings.MEDIA_ROOT / "objections").exists()


def test_the_database_keeps_one_open_objection_per_decision(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    values = {"decision": licence.decision, "application_id": licence.decision.application_id, "grounds": "g", "lodged_by": exporter_a}
    dates = {"term_ends_on": timezone.localdate(), "due_on": timezone.localdate()}
    Objection.objects.create(**values, **dates)
    with pytest.raises(IntegrityError):
        Objection.objects.create(**values, **dates)


def test_the_office_lists_objections_by_due_date_in_a_constant_number_of_queries(api_as, exporter_a, officer, advisor, issued, django_assert_max_num_queries):
    first, second = issued(exporter_a), issued(exporter_a)
    Decision.objects.filter(pk=second.decision_id).update(decided_on=timezone.localdate() - timedelta(days=30))
    lodge(api_as(exporter_a), first.decision.application_id)
    lodge(api_as(exporter_a), second.decision.application_id)
    client = api_as(officer)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/office/objections/").json()
    assert [o["reference"] for o in listed["results"]] == [second.decision.reference, first.decision.reference]
    assert all(o["due_on"] and o["status"] == "received" for o in listed["results"])
    for _ in range(3):
        lodge(api_as(exporter_a), issued(exporter_a).decision.application_id)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/office/objections/").json()["count"] == 5
    assert api_as(advisor).get("/api/v1/office/objections/").status_code == 200
    assert api_as(exporter_a).get("/api/v1/office/objections/").status_code == 403


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def test_every_decision_letter_carries_the_objection_clause_in_the_holders_language(api_as, exporter_a, officer, issued, submit):
    licence = issued(exporter_a)
    term_ends = licence.decision.decided_on + timedelta(weeks=6)
    url = f"/api/v1/applications/{licence.decision.application_id}/decision/document/"
    with translation.override("nl"):
        dutch_date = date_format(term_ends, "DATE_FORMAT")
    dutch = pdf_text(api_as(exporter_a).get(url).content)
    assert "bezwaarschrift" in dutch and dutch_date in dutch and "Algemene wet bestuursrecht" in dutch
    exporter_a.organisation.language = "en"
    exporter_a.organisation.save(update_fields=["language"])
    sondage = submit(exporter_a, kind="sondage")
    answer = {"outcome": "answered", "answer": "Positive for Norway.", "positive": True}
    assert api_as(officer).post(f"/api/v1/office/applications/{sondage.pk}/decision/", answer, format="json").status_code == 201
    english = pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{sondage.pk}/decision/document/").content)
    with translation.override("en"):
        english_date = date_format(timezone.localdate() + timedelta(weeks=6), "DATE_FORMAT")
    assert "notice of objection within six weeks" in english and english_date in english
