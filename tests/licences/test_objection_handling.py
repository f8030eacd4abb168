"""Issue 18.5: an objection (bezwaar) handled as a case of its own (licences.transitions.OBJECTION): taken into handling
by an official other than the decision's author, an optional hearing, one extension of six weeks, decided with reasons;
a well-founded objection brings a new decision through the ordinary decision services that replaces the old one in the
licence's status, the denial register, the reports and the holder's pages; and its own sealed letter."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.denials.exports import own_denials
from licensing.denials.models import DenialRegisterEntry
from licensing.licences import objections
from licensing.licences.decisions import DecideCommand
from licensing.licences.documents import objection_document
from licensing.licences.models import Decision, Licence, LicenceStatus, Objection, ObjectionStatus
from licensing.reporting import tables
from tests.factories import decision_recorded

pytestmark = pytest.mark.django_db
THIS_YEAR = tables.Period(timezone.localdate().year)


def lodge(exporter, application, grounds="The end user is the Norwegian navy; the denial misreads its role."):
    return objections.objection_lodge(actor=exporter, application=application, grounds=grounds)


@pytest.fixture
def denied(submit, officer):
    """denied(exporter) -> an application the office (officer1) denied on criterion 7."""

    def make(exporter):
        application = submit(exporter)
        decision_recorded(officer, application, outcome="denied", reasons="Risk of diversion.", criteria=[7])
        return Application.objects.get(pk=application.pk)

    return make


def test_the_decisions_author_is_refused_and_another_official_takes_hears_extends_and_decides(exporter_a, officer, officer2, issued):
    licence = issued(exporter_a)
    objection = lodge(exporter_a, licence.decision.application)
    with pytest.raises(NotAllowed):
        objections.objection_take(actor=officer, objection=objection)  # officer1 decided: Awb 7:5
    objection = objections.objection_take(actor=officer2, objection=objection)
    assert objection.status == ObjectionStatus.IN_HANDLING and objection.handler == officer2
    held_on = timezone.localdate()
    objections.objection_hearing_record(actor=officer2, objection=objection, held_on=held_on, minutes="The holder explained the navy's role.")
    objection.refresh_from_db()
    assert objection.hearing_on == held_on and "navy" in objection.hearing_minutes and objection.status == ObjectionStatus.IN_HANDLING
    with pytest.raises(NotAllowed):
        objections.objection_decide(actor=officer, objection=objection, outcome="unfounded", reasons="The decision stands.")
    objections.objection_decide(actor=officer2, objection=objection, outcome="unfounded", reasons="The licence stands as issued.")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DECIDED and objection.outcome == "unfounded" and objection.new_decision is None
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE  # an unfounded objection keeps the decision
    verbs = list(Event.objects.filter(target_id=str(objection.application_id), verb__startswith="objection.").order_by("id").values_list("verb", flat=True))
    assert verbs == ["objection.lodged", "objection.take", "objection.record_hearing", "objection.decide"]


def test_the_decision_term_is_extended_once_by_six_weeks(exporter_a, officer2, issued):
    objection = lodge(exporter_a, issued(exporter_a).decision.application)
    due = objection.due_on
    objections.objection_take(actor=officer2, objection=objection)
    with pytest.raises(DomainError):
        objections.objection_extend(actor=officer2, objection=objection, reason="   ")
    objections.objection_extend(actor=officer2, objection=objection, reason="An expert report is awaited.")
    objection.refresh_from_db()
    assert objection.due_on == due + timedelta(weeks=6) and objection.extended_at is not None
    with pytest.raises(DomainError) as second:
        objections.objection_extend(actor=officer2, objection=objection, reason="Again.")
    assert second.value.code == "not_allowed_now" and "7:10" in second.value.message
    assert Objection.objects.get(pk=objection.pk).due_on == due + timedelta(weeks=6)


def test_a_late_objection_is_marked_late_and_declared_inadmissible_with_reasons(exporter_a, officer2, issued):
    licence = issued(exporter_a)
    Decision.objects.filter(pk=licence.decision_id).update(decided_on=timezone.localdate() - timedelta(weeks=7))
    objection = lodge(exporter_a, Application.objects.get(pk=licence.decision.application_id))
    assert objection.late is True
    objections.objection_take(actor=officer2, objection=objection)
    with pytest.raises(DomainError):  # reasons are required
        objections.objection_decide(actor=officer2, objection=objection, outcome="inadmissible", reasons="")
    with pytest.raises(DomainError):  # an inadmissible objection brings no new decision
        objections.objection_decide(actor=officer2, objection=objection, outcome="inadmissible", reasons="Late.", command=DecideCommand(outcome="issued"))
    objections.objection_decide(actor=officer2, objection=objection, outcome="inadmissible", reasons="Lodged a week late without an excuse (Awb 6:11).")
    objection.refresh_from_db()
    assert objection.outcome == "inadmissible" and objection.status == ObjectionStatus.DECIDED
    # The next step is the court: no second objection to the same decision.
    with pytest.raises(Conflict):
        lodge(exporter_a, Application.objects.get(pk=licence.decision.application_id))


def test_a_well_founded_objection_replaces_the_denial_with_a_licence_in_register_reports_and_pages(api_as, exporter_a, officer, officer2, denied):
    application = denied(exporter_a)
    old = application.decision
    entries = list(DenialRegisterEntry.objects.filter(decision=old))
    assert entries and old.reference in [e.reference for e in own_denials()]
    before = tables.denial_table(THIS_YEAR)
    assert [r.reference for r in before.rows] == [e.reference for e in entries]
    assert tables.military_table(THIS_YEAR).total_eur == Decimal("0.00")
    objection = lodge(exporter_a, application)
    objections.objection_take(actor=officer2, objection=objection)
    with pytest.raises(DomainError):  # well-founded needs the new decision
        objections.objection_decide(actor=officer2, objection=objection, outcome="well_founded", reasons="The navy is a legitimate end user.")

    objections.objection_decide(
        actor=officer2, objection=objection, outcome="well_founded", reasons="The navy is a legitimate end user.",
        command=DecideCommand(outcome="issued", reasons="Issued on objection."),
    )
    objection.refresh_from_db()
    new = objection.new_decision
    assert new.outcome == "issued" and new.on_objection == objection and new.decided_by == officer2
    old.refresh_from_db()
    assert old.replaced_by == new and old.application is None
    application.refresh_from_db()
    assert application.status == Status.ISSUED and application.decision == new  # the holder's pages show the new one
    licence = Licence.objects.get(decision=new)
    assert licence.number == f"{application.reference}-B{objection.pk}-V" and licence.status == LicenceStatus.ACTIVE
    # The register: our denial is withdrawn, no longer exchanged nor screened against; the reports count the licence.
    assert all(e.revoked_on == timezone.localdate() for e in DenialRegisterEntry.objects.filter(decision=old))
    assert old.reference not in [e.reference for e in own_denials()]
    assert tables.denial_table(THIS_YEAR).rows == []
    assert tables.military_table(THIS_YEAR).total_eur == licence.value_eur
    shares = tables.denial_share_by_year(THIS_YEAR.year, THIS_YEAR.year)
    assert (shares[0].applied, shares[0].denied) == (1, 0)  # the new decision counts, not the old
    assert Event.objects.filter(verb="denial.withdrawn", target_id=str(application.pk)).exists()
    register = {e["reference"]: e["revoked_on"] for e in api_as(officer).get("/api/v1/denials/?own=true").json()["results"]}
    assert register == {e.reference: timezone.localdate().isoformat() for e in entries}  # kept, marked withdrawn
    # A decision on objection is appealed at the court, not objected to.
    with pytest.raises(Conflict):
        lodge(exporter_a, application)


def test_a_partly_well_founded_objection_replaces_the_licence_and_the_old_one_counts_nowhere(exporter_a, officer2, issued):
    licence = issued(exporter_a)
    application = Application.objects.get(pk=licence.decision.application_id)
    assert tables.military_table(THIS_YEAR).total_eur == licence.value_eur
    objection = lodge(exporter_a, application, grounds="The licence's conditions are broader than the law requires.")
    objections.objection_take(actor=officer2, objection=objection)
    objections.objection_decide(
        actor=officer2, objection=objection, outcome="partly_well_founded", reasons="The reporting condition is narrowed.",
        command=DecideCommand(outcome="issued", conditions="Report each shipment within 30 days."),
    )
    old = Licence.objects.get(pk=licence.pk)
    assert old.status == LicenceStatus.REPLACED
    new = Licence.objects.get(decision__on_objection=objection)
    assert new.conditions == "Report each shipment within 30 days." and new.replaces is None
    # Counted once, as the new decision: not the old licence besides, nor as a replacement's extra value only.
    assert tables.military_table(THIS_YEAR).total_eur == new.value_eur == licence.value_eur
    event = Event.objects.get(verb="licence.replaced", target_id=str(old.pk))
    assert event.payload["by"] == new.number and event.payload["objection"] == objection.pk


def test_the_letter_is_sealed_in_the_holders_language_with_the_appeal_clause(exporter_a, officer2, issued):
    from tests.licences.test_objections import pdf_text

    exporter_a.organisation.language = "en"
    exporter_a.organisation.save(update_fields=["language"])
    licence = issued(exporter_a)
    objection = lodge(exporter_a, licence.decision.application)
    with pytest.raises(Conflict):
        objection_document(objection)  # nothing decided, no letter
    objections.objection_take(actor=officer2, objection=objection)
    objections.objection_decide(
        actor=officer2, objection=objection, outcome="well_founded", reasons="The end use was misread.", command=DecideCommand(outcome="issued", conditions="None."),
    )
    objection = Objection.objects.select_related("application__organisation", "decision", "new_decision").get(pk=objection.pk)
    body, name = objection_document(objection)
    text = pdf_text(body)
    assert "Decision on objection" in text and "well-founded" in text and "The end use was misread." in text
    assert "appeal" in text and "District Court" in text and objection.new_decision.reference in text
    assert b"/ByteRange" in body  # sealed like the other letters (licensing.core.signing)
    # The new licence itself points to the court too, not to another objection.
    from licensing.licences.documents import licence_pdf

    new_licence_text = pdf_text(licence_pdf(Licence.objects.get(decision=objection.new_decision)))
    assert "appeal" in new_licence_text and "notice of objection" not in new_licence_text


def test_the_letter_follows_a_dutch_holder(exporter_a, officer2, issued):
    from tests.licences.test_objections import pdf_text

    exporter_a.organisation.language = "nl"
    exporter_a.organisation.save(update_fields=["language"])
    objection = lodge(exporter_a, issued(exporter_a).decision.application)
    objections.objection_take(actor=officer2, objection=objection)
    objections.objection_decide(actor=officer2, objection=objection, outcome="unfounded", reasons="Het besluit blijft.")
    text = pdf_text(objection_document(Objection.objects.get(pk=objection.pk))[0])
    assert "Beslissing op bezwaar" in text and "beroep" in text


# --- the API ---------------------------------------------------------------------------------------------------
def test_the_office_moves_an_objection_through_the_api_and_the_holder_follows_it(api_as, exporter_a, exporter_b, officer, officer2, denied, django_capture_on_commit_callbacks, mailoutbox):
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = denied(exporter_a)
    from licensing.licences.notifications import decision_notify

    assert decision_notify(decision_id=application.decision.pk) == 1  # the denial was told
    lodged = api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/objections/", {"grounds": "The navy."}, format="multipart").json()
    oid = lodged["id"]
    office = api_as(officer2)
    detail = office.get(f"/api/v1/office/objections/{oid}/").json()
    assert detail["allowed_actions"] == ["take"] and detail["decision_author"] == "officer1"
    assert api_as(officer).get(f"/api/v1/office/objections/{oid}/").json()["allowed_actions"] == []  # the author may move nothing
    assert api_as(officer).post(f"/api/v1/office/objections/{oid}/take/").status_code == 403
    assert office.post(f"/api/v1/office/objections/{oid}/take/").json()["handler"] == "officer2"
    assert office.post(f"/api/v1/office/objections/{oid}/hearing/", {"held_on": timezone.localdate().isoformat(), "minutes": "Heard."}, format="json").status_code == 200
    assert office.post(f"/api/v1/office/objections/{oid}/extend/", {"reason": "Awaiting advice."}, format="json").json()["extended_at"]
    assert office.post(f"/api/v1/office/objections/{oid}/extend/", {"reason": "Again."}, format="json").status_code == 400
    bad = office.post(f"/api/v1/office/objections/{oid}/decide/", {"outcome": "well_founded", "reasons": "Yes."}, format="json")
    assert bad.status_code == 400 and "new_decision" in bad.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        decided = office.post(
            f"/api/v1/office/objections/{oid}/decide/",
            {"outcome": "well_founded", "reasons": "The navy is a legitimate end user.", "new_decision": {"outcome": "issued"}}, format="json",
        )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "decided" and decided.json()["new_decision_reference"] == f"{application.reference}-B{oid}"
    subjects = [m.subject for m in mailoutbox]
    # The holder is told of the decision on objection (its letter) and of the new decision (the new licence), though
    # the denial it replaces was told before.
    assert any(s.startswith("Beslissing op uw bezwaar") for s in subjects), subjects
    assert any(f"{application.reference}-B{oid}" in s for s in subjects), subjects
    mine = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/objections/").json()
    assert [o["status"] for o in mine] == ["decided"] and mine[0]["outcome"] == "well_founded"
    assert api_as(exporter_a).get(f"/api/v1/applications/{application.pk}").status_code in (200, 301)
    letter = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/objections/{oid}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert api_as(exporter_b).get(f"/api/v1/applications/{application.pk}/objections/{oid}/letter/").status_code == 404
    assert api_as(exporter_b).get(f"/api/v1/applications/{application.pk}/objections/").status_code == 404
    assert api_as(exporter_a).post(f"/api/v1/office/objections/{oid}/take/").status_code == 403
    assert office.post(f"/api/v1/office/objections/{oid}/decide/", {"outcome": "unfounded", "reasons": "x"}, format="json").status_code == 409
