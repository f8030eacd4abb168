"""Screening the parties of submitted applications: hits, the decision blocker, dispositions, the
false-positive memory, re-screening after a list update, and the flags the queue reads."""
from datetime import date

import pytest

from licensing.applications.models import Application, Status
from licensing.applications.workflow import Action, application_move
from licensing.denials.models import DenialRegisterEntry
from licensing.audit.models import Event
from licensing.screening.matching import ALGORITHM
from licensing.screening.models import Disposition, FlagKind, RunItem, RunStatus, ScreeningHit, ScreeningRun
from licensing.screening.selectors import decision_blocker, screening_flags
from licensing.screening.cases import application_screen, application_screen_after_commit
from licensing.screening.tasks import screen_application

from .conftest import EU_UPDATE, parties

pytestmark = pytest.mark.django_db

ROSOBORONEXPORT = {"destinations": ["NO"], "parties": parties(consignee=("АО Рособоронэкспорт", "RU"))}


def hits(application, **filters):
    return list(ScreeningHit.objects.filter(application=application, **filters).order_by("id"))


def dispose(api_as, officer, application, hit, disposition, reason=""):
    return api_as(officer).post(
        f"/api/v1/office/applications/{application.pk}/screening/{hit.pk}/disposition/", {"disposition": disposition, "reason": reason}, format="json"
    )


def test_a_listed_party_is_a_hit_that_blocks_the_decision(eu_list, exporter_a, submit):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    assert (hit.source, hit.list_kind, hit.entry_reference, hit.party.role) == ("eu", "sanctions", "900101", "consignee")
    assert hit.score == 1.0 and hit.algorithm == ALGORITHM and hit.matched_name == "Rosoboronexport" and hit.disposition == Disposition.OPEN
    assert "true match or a false positive" in decision_blocker(application, approving=True)
    assert screening_flags([application.pk]) == {application.pk: [FlagKind.SCREENING_HIT]}
    assert Event.objects.filter(verb="screening.hits_raised", target_id=str(application.pk)).count() == 1


def test_a_clean_application_has_no_hit_and_no_blocker(eu_list, exporter_a, submit):
    application = submit(exporter_a)
    assert hits(application) == [] and decision_blocker(application, approving=True) is None
    assert screening_flags([application.pk]) == {application.pk: []}
    assert application.screening.parties == 3


def test_every_party_is_screened_including_intermediaries(eu_list, exporter_a, submit):
    application = submit(
        exporter_a,
        parties=parties(
            ultimate_end_user=("Kadyrov Ramzan Akhmatovich", "RU"),
            intermediate_consignee=("Polar Star Components Ltd", "HK"),
            broker=("Mohammed Al Hassan", "SY"),
        ),
    )
    assert {(h.party.role, h.entry_reference) for h in hits(application)} == {
        ("ultimate_end_user", "900102"), ("intermediate_consignee", "900106"), ("broker", "900104"),
    }


def test_screening_twice_changes_nothing(eu_list, exporter_a, submit):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    first = [(h.pk, h.score) for h in hits(application)]
    screen_application.delay(application.pk)
    assert [(h.pk, h.score) for h in hits(application)] == first
    assert Event.objects.filter(verb="screening.hits_raised").count() == 1


def test_drafts_and_closed_applications_are_not_screened(eu_list, exporter_a, api_as):
    from tests.factories import application_payload

    draft = api_as(exporter_a).post("/api/v1/applications/", application_payload(**ROSOBORONEXPORT), format="json").json()
    assert application_screen(application_id=draft["id"]) is None
    assert application_screen(application_id=999999) is None
    assert not ScreeningHit.objects.exists()


def test_the_after_commit_hook_waits_for_the_commit(eu_list, exporter_a, submit, django_capture_on_commit_callbacks):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    ScreeningHit.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_screen_after_commit(application.pk)
    assert len(callbacks) == 1 and not ScreeningHit.objects.exists()
    callbacks[0]()
    assert len(hits(application)) == 1


def test_a_true_match_escalates_the_case(eu_list, exporter_a, officer, submit, api_as):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    response = dispose(api_as, officer, application, hit, "true_match", "Same address in Moscow.")
    assert response.status_code == 200 and response.json()["disposition"] == "true_match"
    assert screening_flags([application.pk])[application.pk] == [FlagKind.SANCTIONS_MATCH]
    event = Event.objects.get(verb="screening.true_match")
    assert event.actor == officer and event.payload["reference"] == "900101"
    # A confirmed match stays as it is on the next screening.
    screen_application.delay(application.pk)
    assert [(h.pk, h.disposition) for h in hits(application)] == [(hit.pk, "true_match")]


def test_a_true_match_blocks_approval_until_another_official_decides_the_escalation(eu_list, exporter_a, officer, officer2, submit, api_as, django_capture_on_commit_callbacks, countersigned):
    """Issue 23, point 2: after an officer recorded "true match", the blockers were empty and the licence was issued.
    A true match blocks every approval (never a denial) until an official other than the one who confirmed it
    decides the escalation with a recorded reason."""
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    assert dispose(api_as, officer, application, hit, "true_match", "Same address in Moscow.").status_code == 200
    assert "escalated" in decision_blocker(application, approving=True)
    assert decision_blocker(application, approving=False) is None
    blockers = api_as(officer).get(f"/api/v1/office/applications/{application.pk}/blockers/").json()
    assert any("escalated" in b for b in blockers["approve"]) and not any("escalated" in b for b in blockers["deny"])
    screening = api_as(officer).get(f"/api/v1/office/applications/{application.pk}/screening/").json()
    assert "escalated" in screening["blocker"] and screening["hits"][0]["escalation"] == {"decided_by": None, "decided_at": None, "reason": ""}
    refused = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "blocked"
    assert Application.objects.get(pk=application.pk).status == Status.IN_REVIEW

    escalation = f"/api/v1/office/applications/{application.pk}/screening/{hit.pk}/escalation/"
    assert api_as(officer).post(escalation, {"reason": "I confirmed it myself."}, format="json").status_code == 403
    assert api_as(officer2).post(escalation, {"reason": "  "}, format="json").status_code == 400
    decided = api_as(officer2).post(escalation, {"reason": "Authorised under Article 2(2) derogation, file 2026-17."}, format="json")
    assert decided.status_code == 200 and decided.json()["escalation"]["decided_by"] == "officer2"
    assert api_as(officer2).post(escalation, {"reason": "Again."}, format="json").status_code == 409
    assert Event.objects.get(verb="screening.escalation_decided").reason == "Authorised under Article 2(2) derogation, file 2026-17."
    assert decision_blocker(application, approving=True) is None
    with django_capture_on_commit_callbacks(execute=True):
        issued = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
        assert countersigned(issued)["licence_number"]  # the case is flagged (a party confirmed on a list): four eyes


def test_a_true_match_does_not_block_a_denial(eu_list, exporter_a, officer, submit, api_as, django_capture_on_commit_callbacks, countersigned):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    dispose(api_as, officer, application, hit, "true_match", "Same address in Moscow.")
    with django_capture_on_commit_callbacks(execute=True):
        denied = api_as(officer).post(
            f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "denied", "criteria": [1], "reasons": "Listed consignee."}, format="json"
        )
    assert countersigned(denied)["outcome"] == "denied"  # a flagged case, and a denial: four eyes


def test_only_a_confirmed_match_is_escalated(eu_list, exporter_a, officer, officer2, submit, api_as):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    escalation = f"/api/v1/office/applications/{application.pk}/screening/{hit.pk}/escalation/"
    assert api_as(officer2).post(escalation, {"reason": "Nothing to escalate."}, format="json").status_code == 409


def test_a_false_positive_needs_a_reason_and_is_decided_once(eu_list, exporter_a, officer, submit, api_as):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    response = dispose(api_as, officer, application, hit, "false_positive")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert dispose(api_as, officer, application, hit, "false_positive", "A namesake bakery in Oslo.").status_code == 200
    assert dispose(api_as, officer, application, hit, "true_match", "Changed my mind.").status_code == 409
    assert decision_blocker(application, approving=True) is None and screening_flags([application.pk])[application.pk] == []
    assert Event.objects.get(verb="screening.false_positive").reason == "A namesake bakery in Oslo."


def test_only_officers_record_dispositions(eu_list, exporter_a, advisor, submit, api_as):
    application = submit(exporter_a, **ROSOBORONEXPORT)
    [hit] = hits(application)
    assert dispose(api_as, advisor, application, hit, "true_match", "x").status_code == 403
    assert dispose(api_as, exporter_a, application, hit, "true_match", "x").status_code == 403


def test_a_false_positive_is_not_raised_again_until_the_entry_changes(eu_list, import_list, exporter_a, officer, submit, api_as):
    party = {"parties": parties(consignee=("Alfa Trade Logistics", "KZ")), "destinations": ["NO"]}
    first = submit(exporter_a, **party)
    [hit] = hits(first)
    dispose(api_as, officer, first, hit, "false_positive", "Our customer is the Norwegian company of that name.")

    # The same party on another application (an amendment is a new application) is not raised again...
    second = submit(exporter_a, **party)
    assert hits(second) == [] and decision_blocker(second, approving=True) is None
    # ...nor on a re-screen of the first.
    screen_application.delay(first.pk)
    assert [h.disposition for h in hits(first)] == ["false_positive"]

    # The list changes that entry (a new alias): the pair is raised again, on both.
    import_list(EU_UPDATE)
    assert [h.disposition for h in hits(second)] == ["open"]
    assert [h.disposition for h in hits(first)] == ["false_positive", "open"]
    assert decision_blocker(second, approving=True)


def test_a_list_update_re_screens_open_applications(eu_list, import_list, exporter_a, submit):
    polar = submit(exporter_a, parties=parties(intermediate_consignee=("Polar Star Components Ltd", "HK")))
    sirius = submit(exporter_a, parties=parties(broker=("Sirius General Trading FZE", "AE")))
    withdrawn = submit(exporter_a, parties=parties(broker=("Sirius General Trading FZE", "AE")))
    application_move(application=withdrawn, action=Action.WITHDRAW, actor=exporter_a)
    assert len(hits(polar)) == 1 and hits(sirius) == []

    run = import_list(EU_UPDATE)

    assert run.status == RunStatus.DONE and (run.total, run.done, run.progress) == (2, 2, 100) and run.finished_at
    assert hits(polar) == []  # delisted: the open hit is gone
    assert [h.entry_reference for h in hits(sirius)] == ["900108"]  # newly listed
    assert hits(withdrawn) == []  # closed cases are not re-screened
    assert screening_flags([polar.pk, sirius.pk]) == {polar.pk: ["intermediary_risk_country"], sirius.pk: ["intermediary_risk_country", "screening_hit"]}
    assert not RunItem.objects.exists()


def test_a_new_denial_re_screens_open_applications(exporter_a, submit):
    application = submit(exporter_a, parties=parties(end_user=("Royal Norwegian Navy", "NO"), consignee=("Falcon Aerospace Works", "NO")))
    assert hits(application) == []
    DenialRegisterEntry.objects.create(
        reference="DE-2025-17", own=False, notifying_state_id="DE", notified_on=date(2025, 3, 1), destination_id="NO",
        goods_description="Gyroscopes", control_entry="7A001", consignee="Falcon Aerospace Works AS", end_user="", criteria=[7],
    )
    other = submit(exporter_a)  # any screening notices the register changed, and re-screens the open cases
    assert [(h.list_kind, h.entry_reference) for h in hits(application)] == [("denials", "DE/DE-2025-17")]
    assert hits(other) == []
    assert ScreeningRun.objects.filter(source="denials", status=RunStatus.DONE).exists()


def test_flags_of_many_applications_take_one_query(eu_list, exporter_a, submit, django_assert_num_queries):
    applications = [submit(exporter_a, **ROSOBORONEXPORT) for _ in range(3)] + [submit(exporter_a)]
    with django_assert_num_queries(1):
        flags = screening_flags(a.pk for a in applications)
    assert [flags[a.pk] for a in applications] == [["screening_hit"]] * 3 + [[]]
    assert screening_flags([]) == {}
