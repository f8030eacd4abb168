"""Issue 18.5 on the pages: the holder lodges an objection (grounds and documents) from the decision's page and follows
it there; the office lists the objections by due date, handles one on its own page with the moves allowed now (the
decision's author gets none), and decides it well-founded with a new decision that the holder's page then shows."""
import pytest
from django.utils import timezone

from licensing.applications.models import Application
from licensing.licences.models import Licence, LicenceStatus, Objection, ObjectionStatus
from tests.factories import decision_recorded, logged_in, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



@pytest.fixture
def licensed(exporter_a, officer, submit):
    application = submit(exporter_a)
    decision_recorded(officer, application)
    return Application.objects.get(pk=application.pk)


def test_the_holder_lodges_from_the_decision_page_and_follows_the_objection(exporter_a, licensed):
    client = logged_in(exporter_a)
    page = client.get(f"/applications/{licensed.pk}/").content.decode()
    assert "Lodge the objection" in page and "you may object to it until" in page
    licence = Licence.objects.get(decision__application=licensed)
    assert f'action="/applications/{licensed.pk}/objections/"' in client.get(f"/licences/{licence.number}/").content.decode()  # and from the licence
    response = client.post(f"/applications/{licensed.pk}/objections/", {"grounds": "The conditions are too wide.", "file": [pdf_upload("grounds.pdf")]}, follow=True)
    page = response.content.decode()
    assert "Your objection is received" in page and "The office decides by" in page
    assert "Lodge the objection" not in page  # one open objection per decision
    objection = Objection.objects.get(application=licensed)
    assert objection.documents.get().original_name == "grounds.pdf"
    # A second while the first is open: told, nothing stored.
    again = client.post(f"/applications/{licensed.pk}/objections/", {"grounds": "Once more."}, follow=True).content.decode()
    assert "already being handled" in again and Objection.objects.filter(application=licensed).count() == 1


def test_another_organisation_cannot_object_through_the_page(exporter_b, licensed):
    assert logged_in(exporter_b).post(f"/applications/{licensed.pk}/objections/", {"grounds": "Not mine."}).status_code == 404
    assert not Objection.objects.exists()


def test_the_office_handles_and_decides_an_objection_on_its_pages(exporter_a, officer, officer2, licensed):
    client_a = logged_in(exporter_a)
    client_a.post(f"/applications/{licensed.pk}/objections/", {"grounds": "The conditions are too wide."})
    objection = Objection.objects.get(application=licensed)

    listing = logged_in(officer2).get("/office/objections/").content.decode()
    assert 'href="/office/objections/"' in listing  # in the officials' navigation
    assert licensed.reference in listing and "Company A B.V." in listing and objection.due_on.strftime("%Y") in listing
    case_page = logged_in(officer2).get(f"/office/cases/{licensed.pk}/").content.decode()
    assert f"/office/objections/{objection.pk}/" in case_page

    author = logged_in(officer).get(f"/office/objections/{objection.pk}/").content.decode()
    assert "another official handles this objection" in author and "Take into handling" not in author
    assert logged_in(officer).post(f"/office/objections/{objection.pk}/take/").status_code == 403

    client = logged_in(officer2)
    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "Take into handling" in page and "The conditions are too wide." in page and "Decide on the objection" not in page
    client.post(f"/office/objections/{objection.pk}/take/")
    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "Record the hearing" in page and "Extend" in page and "Decide on the objection" in page
    client.post(f"/office/objections/{objection.pk}/hearing/", {"held_on": timezone.localdate().isoformat(), "minutes": "The holder was heard."})
    client.post(f"/office/objections/{objection.pk}/extend/", {"reason": "More time for the file."})
    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "The holder was heard." in page and "More time for the file." in page and "Extend the decision term by six weeks" not in page

    # Well-founded without the new decision: the form says so, nothing changes.
    page = client.post(f"/office/objections/{objection.pk}/decide/", {"outcome": "well_founded", "reasons": "Too wide indeed."}, follow=True).content.decode()
    assert "This field is required." in page and Objection.objects.get(pk=objection.pk).status == ObjectionStatus.IN_HANDLING
    client.post(
        f"/office/objections/{objection.pk}/decide/",
        {"outcome": "well_founded", "reasons": "Too wide indeed.", "new-outcome": "issued", "new-conditions": "Report within 30 days."},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DECIDED and objection.new_decision is not None
    new = Licence.objects.get(decision=objection.new_decision)
    assert Licence.objects.get(decision__reference=licensed.reference).status == LicenceStatus.REPLACED

    holder = client_a.get(f"/applications/{licensed.pk}/").content.decode()
    assert new.number in holder and "Well-founded" in holder and "Lodge the objection" not in holder
    letter = client_a.get(f"/applications/{licensed.pk}/objections/{objection.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert client.get(f"/office/objections/{objection.pk}/documents/999999/").status_code == 404


def test_the_new_decision_on_an_objection_issues_some_lines_and_destinations_and_denies_others(exporter_a, officer, officer2, submit):
    """The objection page's new decision is the case page's decision form (web.decisions.decision_form), with its
    decision per goods line and per destination: a well-founded objection may issue one line and deny the other, and
    leave a destination out, as the first decision could."""
    application = submit(exporter_a, kind="global", destinations=["NO", "US"])
    decision_recorded(officer, application, outcome="denied", reasons="Diversion risk.", criteria=[7])
    logged_in(exporter_a).post(f"/applications/{application.pk}/objections/", {"grounds": "Norway's navy is the end user."})
    objection = Objection.objects.get(application=application)
    client = logged_in(officer2)
    client.post(f"/office/objections/{objection.pk}/take/")
    first, second = application.goods.order_by("position", "pk")

    page = client.get(f"/office/objections/{objection.pk}/").content.decode()
    for name in (f"new-line_{first.pk}", f"new-line_{second.pk}", f"new-line_{second.pk}_criteria", "new-deny_destination_US", "new-deny_destination_US_criteria"):
        assert f'name="{name}"' in page, name
    assert "Goods line 2 (ML6 Armoured vehicle wheels)" in page

    response = client.post(f"/office/objections/{objection.pk}/decide/", {
        "outcome": "partly_well_founded", "reasons": "Norway may have the transmitters.",
        "new-outcome": "issued", "new-reasons": "The wheels and the United States stay refused.",
        f"new-line_{second.pk}": "denied", f"new-line_{second.pk}_criteria": ["7"],
        "new-deny_destination_US": "on", "new-deny_destination_US_criteria": ["7"],
    })
    assert response.status_code == 302
    objection.refresh_from_db()
    new = objection.new_decision
    assert objection.status == ObjectionStatus.DECIDED and new is not None and new.outcome == "issued"
    assert [(line.number, line.outcome, line.criteria) for line in new.lines.all()] == [(1, "issued", []), (2, "denied", [7])]
    assert [(d.country_id, d.criteria) for d in new.denied_destinations.all()] == [("US", [7])]
    licence = Licence.objects.get(decision=new)
    assert [line.control_entry for line in licence.lines.all()] == ["ML5"] and [c.code for c in licence.destinations.all()] == ["NO"]
