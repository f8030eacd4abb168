"""
The event verbs: the vocabulary of the audit log.

A verb is either a move of a registered transition machine, `<machine>.<action>`, taken from the machines' tables
(licensing/audit/transitions.py; the tables live in the apps that own the objects), or one of `OTHER_VERBS` below:
events that record something other than a status change. `Verb` is the enum of both, built once every machine is
registered (after the apps are ready). tests/audit/test_verbs.py scans the source: every `event_record`/`EventDraft`
verb is a `Verb`, so a new event needs a move in a table or a line here.

Verbs already in the log are permanent (it is append-only and hash-chained): rename none of them.
"""
import enum
from functools import cache

from .transitions import move_verbs

OTHER_VERBS = frozenset(
    {
        # accounts
        "user.enrolment_link_issued",
        # organisations that run themselves (their vetting is a machine: accounts.transitions)
        "organisation.registered", "organisation.invited", "organisation.joined", "organisation.member_left", "organisation.member_role",
        "organisation.agent_granted", "organisation.agent_revoked",
        # applications: the draft's life before submission, and its documents
        "application.created", "application.deleted", "application.amendment_started", "document.added", "document.deleted",
        # the organisation's address book and goods library (applications.library)
        "address_book.saved", "address_book.removed", "goods_library.saved", "goods_library.removed",
        # routing: who works on a case; the case file's internal notes
        "case.claimed", "case.released", "case.assigned", "case.note",
        # screening
        "screening.hits_raised", "screening.true_match", "screening.false_positive", "screening.escalation_decided", "screening.list_imported",
        # assessment: the objects' creation (their moves are the tables')
        "assessment.started", "consultation.required", "advice_request.asked",
        # licences: decisions' consequences, usage, notifications
        "denial.registered", "parliament.notification_due", "parliament.notified", "usage.reported", "usage.period_declared",
        "decision.proposed",  # four eyes at the office: the proposal awaits a second officer (its countersignature is a move)
        # usage recorded outside a general licence's terms (flagged for follow-up); usage imported from a previous system
        "usage.outside_terms", "usage.imported",
        "decision.notified", "licence.notified", "registration.notified", "set_aside.notified",
        # objections: lodging one creates it (its handling is a machine of its own: licences.transitions.OBJECTION);
        # the holder told of the decision on it; our denial withdrawn from the register when a new decision replaces it
        "objection.lodged", "objection.notified", "denial.withdrawn",
        # customs
        "licence.written_off", "licence.write_off_reversed", "customs_token.issued", "customs_token.revoked",
        "registration.written_off", "registration.write_off_reversed",
        # compliance: the three-way reconciliation's flags
        "reconciliation.flags_changed", "reconciliation.flag_explained",
    }
)


def known() -> frozenset[str]:
    """Every verb the code may record."""
    return move_verbs() | OTHER_VERBS


@cache
def _enum() -> type[enum.StrEnum]:
    from django.apps import apps

    if not apps.ready:
        raise RuntimeError("audit.verbs.Verb is built from the registered machines: read it once the apps are ready")
    return enum.StrEnum("Verb", {verb.replace(".", "__").upper(): verb for verb in sorted(known())})


def __getattr__(name: str):
    if name == "Verb":
        return _enum()
    raise AttributeError(name)
