"""
Four eyes at the office (issue 18.3): a denial (a negative sondage answer too), a licence above
OFFICE_COUNTERSIGN_ABOVE_EUR and any decision on a flagged case take effect only once a second officer countersigns
them; never the author; sending back says why. The service, then the API.
"""
from decimal import Decimal

import pytest
from django.utils import translation

from licensing.applications.models import Notification, Status
from licensing.audit.models import Event
from licensing.casework.timeline import case_timeline
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.core.models import OutboxMessage
from licensing.denials.models import DenialRegisterEntry
from licensing.licences import decisions
from licensing.licences.models import Decision, DecisionProposal, Licence, ProposalStatus
from licensing.screening.models import FlagKind, ScreeningFlag
from tests.factories import application_submitted, decision_countersigned

@pytest.fixture(autouse=True)
def english():
    """The services' messages in English (the site's default is Dutch)."""
    with translation.override("en"):
        yield


DENY = decisions.DecideCommand(outcome="denied", reasons="Risk of diversion to an embargoed end user.", criteria=(7,))
ISSUE = decisions.DecideCommand(outcome="issued")


def _decide(officer, application, command):
    return decisions.decide(actor=officer, application=application, command=command)


def test_a_denial_waits_as_a_proposal_and_nothing_is_decided_or_told(exporter_a, officer):
    application = application_submitted(exporter_a)
    notified_before = Notification.objects.count()

    proposal = _decide(officer, application, DENY)

    assert isinstance(proposal, DecisionProposal)
    assert (proposal.status, proposal.outcome, proposal.proposed_by, proposal.grounds) == (ProposalStatus.PROPOSED, "denied", officer, [{"ground": "denial"}])
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not Decision.objects.exists() and not DenialRegisterEntry.objects.filter(own=True).exists()
    assert Notification.objects.count() == notified_before  # the trial run's notices were undone with it
    assert not OutboxMessage.objects.filter(kind="licences.decision_notify").exists()
    proposed = Event.objects.get(verb="decision.proposed")
    assert (proposed.actor, proposed.target_id, proposed.payload["grounds"]) == (officer, str(application.pk), ["denial"])
    assert not Event.objects.filter(verb__in=["application.deny", "denial.registered"]).exists()


def test_countersigned_the_denial_takes_effect_once_as_the_authors_decision(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)

    proposal = decision_countersigned(officer2, application)

    application.refresh_from_db()
    decision = Decision.objects.get(application=application)
    assert application.status == Status.DENIED
    assert (decision.outcome, decision.decided_by, decision.criteria, decision.reasons) == ("denied", officer, [7], DENY.reasons)
    assert (proposal.status, proposal.countersigned_by, proposal.decision) == (ProposalStatus.COUNTERSIGNED, officer2, decision)
    assert proposal.countersigned_at is not None
    assert DenialRegisterEntry.objects.filter(own=True, decision=decision).count() == 1
    assert Event.objects.filter(verb="application.deny").count() == 1
    signed = Event.objects.get(verb="decision_proposal.countersigned")
    assert (signed.actor, signed.from_state, signed.to_state, signed.target_id) == (officer2, "proposed", "countersigned", str(application.pk))
    # It happened once: the proposal is no longer open to a second signature.
    with pytest.raises(Conflict):
        decision_countersigned(officer2, application)
    assert Decision.objects.filter(application=application).count() == 1


def test_the_author_cannot_countersign_their_own_decision(exporter_a, officer):
    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)
    with pytest.raises(NotAllowed, match="someone else than the officer who proposed"):
        decision_countersigned(officer, application)
    with pytest.raises(NotAllowed):  # sending back one's own is countersigning too
        decision_countersigned(officer, application, agree=False, reason="Changed my mind.")
    assert DecisionProposal.objects.get().status == ProposalStatus.PROPOSED
    assert not Decision.objects.exists()


def test_sending_back_needs_a_reason_and_leaves_the_case_undecided(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)
    with pytest.raises(DomainError) as refused:
        decision_countersigned(officer2, application, agree=False, reason="  ")
    assert "reason" in refused.value.fields
    proposal = decision_countersigned(officer2, application, agree=False, reason="Criterion 7 alone does not carry it; ask the end user first.")
    assert (proposal.status, proposal.sent_back_reason, proposal.decision) == (ProposalStatus.SENT_BACK, "Criterion 7 alone does not carry it; ask the end user first.", None)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and not Decision.objects.exists()
    assert Event.objects.get(verb="decision_proposal.sent_back").reason == proposal.sent_back_reason
    # Sent back, the case is open again: here a licence of ordinary value is issued by one officer.
    licence = _decide(officer, application, ISSUE)
    assert isinstance(licence, Licence)


def test_while_a_proposal_waits_the_case_is_not_decided_otherwise(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)
    for actor, command in ((officer, ISSUE), (officer2, DENY)):
        with pytest.raises(Conflict, match="awaits a second officer"):
            _decide(actor, application, command)
    assert "awaits a second officer's countersignature" in " ".join(decisions.decision_blockers(application, approving=True))
    # Nor through a decision service called directly: its blockers say so.
    with pytest.raises(DomainError, match="awaits a second officer"):
        decisions.decision_issue(actor=officer, application=application)
    assert DecisionProposal.objects.count() == 1


def test_no_caller_of_the_decision_services_skips_the_second_officer(exporter_a, officer):
    application = application_submitted(exporter_a)
    with pytest.raises(Conflict, match="only once a second officer countersigns it"):
        decisions.decision_deny(actor=officer, application=application, reasons="Diversion.", criteria=[7])
    assert not Decision.objects.exists() and not DenialRegisterEntry.objects.filter(own=True).exists()
    # An ordinary licence needs no second officer, called directly as through decide().
    assert isinstance(decisions.decision_issue(actor=officer, application=application), Licence)


def test_a_proposal_must_be_a_decision_that_could_be_taken_now(exporter_a, officer):
    application = application_submitted(exporter_a)
    with pytest.raises(DomainError) as incomplete:
        _decide(officer, application, decisions.DecideCommand(outcome="denied", reasons="No criteria cited."))
    assert "criteria" in incomplete.value.fields
    assert not DecisionProposal.objects.exists() and not Event.objects.filter(verb="decision.proposed").exists()


@pytest.mark.parametrize(("limit", "proposed"), [(168_000, False), (167_999, True)])
def test_a_licence_above_the_offices_limit_needs_a_second_officer(exporter_a, officer, settings, limit, proposed):
    settings.OFFICE_COUNTERSIGN_ABOVE_EUR = limit
    application = application_submitted(exporter_a)  # goods worth EUR 168,000
    result = _decide(officer, application, ISSUE)
    assert isinstance(result, DecisionProposal) is proposed
    if proposed:
        assert result.grounds == [{"ground": "value", "value": "168000.00", "limit": str(limit)}]
        with translation.override("en"):
            assert decisions.grounds_text(result.grounds) == ["A licence worth EUR 168,000.00 is above the office's limit for one officer (EUR 167,999)."]


def test_the_default_limit_is_two_million_euros():
    from django.conf import settings

    assert settings.OFFICE_COUNTERSIGN_ABOVE_EUR == 2_000_000


def test_any_decision_on_a_flagged_case_needs_a_second_officer(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    ScreeningFlag.objects.create(application=application, kind=FlagKind.HIGH_PRIORITY_DESTINATION, reason="Battlefield item to a high-risk country.")
    proposal = _decide(officer, application, ISSUE)
    assert proposal.grounds == [{"ground": "flagged", "flags": ["high_priority_destination"]}]
    with translation.override("en"):
        assert decisions.grounds_text(proposal.grounds) == ["The case is flagged (High-priority item to a high-risk country): any decision on it needs a second officer."]
    decision_countersigned(officer2, application)
    assert Licence.objects.get(decision__application=application).value_eur == Decimal("168000.00")


def test_a_party_in_an_embargoed_country_flags_the_case_for_four_eyes(exporter_a, officer):
    from licensing.applications.models import Application

    application = application_submitted(exporter_a)
    Application.objects.filter(pk=application.pk).update(determination={**application.determination, "flagged_countries": ["BY"]})
    application.refresh_from_db()
    assert decisions.countersignature_grounds(application, ISSUE) == [{"ground": "flagged", "flags": ["party_country"]}]
    assert decisions.grounds_text(decisions.countersignature_grounds(application, DENY)) == [
        "A denial (a negative indicative answer too) needs a second officer.",
        "The case is flagged (a party in a country under an arms embargo or a sanctions ban): any decision on it needs a second officer.",
    ]


def test_a_negative_sondage_answer_needs_a_second_officer_and_a_positive_one_does_not(exporter_a, officer):
    negative = application_submitted(exporter_a, kind="sondage")
    positive = application_submitted(exporter_a, kind="sondage")
    assert isinstance(_decide(officer, negative, decisions.DecideCommand(outcome="answered", answer="Unlikely.", positive=False, criteria=(7,))), DecisionProposal)
    assert isinstance(_decide(officer, positive, decisions.DecideCommand(outcome="answered", answer="Likely.", positive=True)), Decision)


def test_a_proposal_on_a_withdrawn_case_cannot_take_effect_and_leaves_the_queue(exporter_a, officer, officer2):
    from licensing.applications.services import application_withdraw
    from licensing.licences.selectors import proposals_awaiting_countersignature

    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)
    assert list(proposals_awaiting_countersignature()) == [DecisionProposal.objects.get()]
    application_withdraw(actor=exporter_a, application=application)
    with pytest.raises(Conflict):
        decision_countersigned(officer2, application)
    assert DecisionProposal.objects.get().status == ProposalStatus.PROPOSED  # nothing half-done
    assert not Decision.objects.exists() and not list(proposals_awaiting_countersignature())


def test_the_timeline_shows_the_proposal_and_the_countersignature_to_officials_only(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    _decide(officer, application, DENY)
    decision_countersigned(officer2, application)
    with translation.override("en"):
        labels = [entry.label for entry in case_timeline(application, officer2)]
        exporter_labels = [entry.label for entry in case_timeline(application, exporter_a)]
    proposed = labels.index("Decision proposed: awaiting a second officer's countersignature")
    assert labels.index("Decision countersigned by a second officer") > proposed
    assert "Denied" in exporter_labels and not [label for label in exporter_labels if "countersign" in label or "proposed" in label]


# --- the API ---------------------------------------------------------------------------------------------------------
def _post_decision(client, application, body):
    return client.post(f"/api/v1/office/applications/{application.pk}/decision/", body, format="json")


def _countersign(client, application, body):
    return client.post(f"/api/v1/office/applications/{application.pk}/decision/countersign/", body, format="json")


def test_api_a_denial_answers_202_with_the_proposal_and_a_second_officer_makes_it_201_worth(api_as, exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    response = _post_decision(api_as(officer), application, {"outcome": "denied", "criteria": [7], "reasons": "Diversion."})
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["outcome"], body["proposed_by"], body["yours"], body["decision"]) == ("proposed", "denied", "officer1", True, None)
    assert body["grounds"] == ["A denial (a negative indicative answer too) needs a second officer."]
    assert body["command"]["criteria"] == [7] and body["command"]["reasons"] == "Diversion."

    queue = api_as(officer2).get("/api/v1/office/decision-proposals/").json()["results"]
    assert [(p["id"], p["reference"], p["yours"]) for p in queue] == [(body["id"], application.reference, False)]

    again = _post_decision(api_as(officer2), application, {"outcome": "issued"})
    assert again.status_code == 409 and again.json()["code"] == "awaiting_countersignature"

    own = _countersign(api_as(officer), application, {"proposal": body["id"], "agree": True})
    assert own.status_code == 403 and "someone else than the officer who proposed" in own.json()["detail"]
    wrong = _countersign(api_as(officer2), application, {"proposal": body["id"] + 1, "agree": True})
    assert wrong.status_code == 409  # not the proposal read: no signature

    signed = _countersign(api_as(officer2), application, {"proposal": body["id"], "agree": True})
    assert signed.status_code == 200, signed.json()
    assert (signed.json()["status"], signed.json()["countersigned_by"], signed.json()["decision"]["outcome"]) == ("countersigned", "officer2", "denied")
    assert _countersign(api_as(officer2), application, {"proposal": body["id"], "agree": True}).status_code == 409
    assert api_as(officer2).get("/api/v1/office/decision-proposals/").json()["results"] == []
    assert api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()["status"] == "denied"


def test_api_sending_back_without_a_reason_is_a_400_and_with_one_reopens_the_case(api_as, exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    proposal = _post_decision(api_as(officer), application, {"outcome": "denied", "criteria": [7], "reasons": "Diversion."}).json()
    bare = _countersign(api_as(officer2), application, {"proposal": proposal["id"], "agree": False})
    assert bare.status_code == 400 and "reason" in bare.json()["fields"]
    back = _countersign(api_as(officer2), application, {"proposal": proposal["id"], "agree": False, "reason": "Cite criterion 4 as well."})
    assert back.status_code == 200 and (back.json()["status"], back.json()["sent_back_reason"]) == ("sent_back", "Cite criterion 4 as well.")
    assert _post_decision(api_as(officer), application, {"outcome": "denied", "criteria": [4, 7], "reasons": "Diversion."}).status_code == 202


def test_api_while_a_denial_waits_the_exporter_sees_its_case_being_decided_and_nothing_of_the_proposal(api_as, exporter_a, exporter_b, officer, advisor):
    application = application_submitted(exporter_a)
    _post_decision(api_as(officer), application, {"outcome": "denied", "criteria": [7], "reasons": "Diversion."})
    exporter = api_as(exporter_a)
    assert exporter.get(f"/api/v1/applications/{application.pk}/").json()["status"] == "in_review"
    history = exporter.get(f"/api/v1/applications/{application.pk}/history/").json()["results"]
    assert not [e for e in history if e["verb"].startswith("decision")]
    for outsider in (exporter_a, exporter_b, advisor):
        assert api_as(outsider).get("/api/v1/office/decision-proposals/").status_code == 403
        assert _countersign(api_as(outsider), application, {"proposal": 1, "agree": True}).status_code in (403, 404)
