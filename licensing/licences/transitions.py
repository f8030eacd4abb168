"""
The tables of moves of a licence after its issue and of a registration for a general licence: machines of the one
transition mechanism (`licensing.audit.transitions`), made by `licences.lifecycle` (people's moves, the nightly
expiry) and by the write-offs that use a licence up (`licences.usage`, `licensing.customs`).

The allow-lists here are the one place that says who makes each move; the services and the pages read them.

Action values are the second half of the events' verbs (`licence.<action>`). The verbs of extension, replacement,
expiry and exhaustion were recorded in the past tense before these tables existed, and the audit log is
append-only and hash-chained, so those actions keep that form (the mails and the exporter's history read them).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.accounts.models import Role
from django.utils import timezone

from licensing.audit.transitions import SYSTEM, Machine, Move, countersignature, someone_else
from licensing.core.errors import NotAllowed
from licensing.reference.models import Obligation

from .models import (
    ConditionStatus, DecisionProposal, Licence, LicenceCondition, LicenceStatus, LiveHit, LiveHitStatus, Objection, ObjectionStatus, ProposalStatus,
    Registration, RegistrationStatus,
)

# Who decides: the licensing office ("on behalf of the minister"), whatever the ministry advised; the same people
# countersign each other's decisions where four eyes are needed (licences.decisions reads this).
DECIDING = (Role.OFFICER, Role.ADMINISTRATOR)
# The licensing office's changes to a licence (mailed to the holder); the holder's own is to surrender it.
CHANGING = (Role.OFFICER, Role.ADMINISTRATOR)
EXTENDING = (Role.OFFICER, Role.ADMINISTRATOR)
REPLACING = (Role.OFFICER, Role.ADMINISTRATOR)
SURRENDERING = (Role.EXPORTER,)
# A licence is used up by what is written off it: at the border (Customs) or by the holder's reports (the system).
USING_UP = (SYSTEM, Role.CUSTOMS)
REVOKING_REGISTRATIONS = (Role.OFFICER, Role.ADMINISTRATOR)


class LicenceAction(models.TextChoices):
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REVOKE = "revoke", _("Revoke")
    SURRENDER = "surrender", _("Surrender")
    EXTEND = "extended", _("Extend")
    REPLACE = "replaced", _("Replace")
    EXPIRE = "expired", _("Expire")
    EXHAUST = "exhausted", _("Mark as used up")
    RESTORE = "restored", _("Make usable again")


# The changes the holder is mailed about (licences.notifications): the office's and the expiry, not a surrender (the
# holder makes that itself) nor a use-up (the holder's own exports or declarations make it).
TOLD_TO_HOLDER = frozenset({LicenceAction.SUSPEND, LicenceAction.REINSTATE, LicenceAction.REVOKE, LicenceAction.EXTEND, LicenceAction.REPLACE, LicenceAction.EXPIRE})

LIVE = frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED})

LICENCE_MOVES: tuple[Move, ...] = (
    Move(LicenceAction.SUSPEND, {LicenceStatus.ACTIVE}, LicenceStatus.SUSPENDED, CHANGING, reason_required=True),
    Move(LicenceAction.REINSTATE, {LicenceStatus.SUSPENDED}, LicenceStatus.ACTIVE, CHANGING),
    Move(LicenceAction.REVOKE, LIVE, LicenceStatus.REVOKED, CHANGING, reason_required=True),
    Move(LicenceAction.SURRENDER, LIVE, LicenceStatus.SURRENDERED, SURRENDERING),
    # An extension keeps an active or suspended licence as it is and revives an expired one.
    Move(LicenceAction.EXTEND, LIVE, None, EXTENDING),
    Move(LicenceAction.EXTEND, {LicenceStatus.EXPIRED}, LicenceStatus.ACTIVE, EXTENDING),
    Move(LicenceAction.REPLACE, LIVE, LicenceStatus.REPLACED, REPLACING),
    Move(LicenceAction.EXPIRE, LIVE, LicenceStatus.EXPIRED, (SYSTEM,)),
    Move(LicenceAction.EXHAUST, {LicenceStatus.ACTIVE}, LicenceStatus.EXHAUSTED, USING_UP),
    Move(LicenceAction.RESTORE, {LicenceStatus.EXHAUSTED}, LicenceStatus.ACTIVE, USING_UP),
)


def _holder_or_official(licence: Licence, actor) -> bool:
    """A holder sees only its own licences; anyone else (officials, Customs, the system) sees all."""
    return actor is None or not actor.is_exporter or licence.holder_id == actor.organisation_id


LICENCE = Machine(
    name="licence",
    model=Licence,
    moves=LICENCE_MOVES,
    statuses=LicenceStatus,
    actions=LicenceAction,
    roles=Role,
    initial=LicenceStatus.ACTIVE,
    visible=_holder_or_official,
    not_found=_("No such licence."),
    cannot=_("Cannot %(action)s a licence that is %(status)s."),
    lost=_("The licence changed in the meantime; reload and try again."),
)


class RegistrationAction(models.TextChoices):
    # Past tense: the verb registration.revoked predates the table; the others follow it.
    REVOKE = "revoked", _("Revoke")
    SUSPEND = "suspended", _("Suspend")
    REINSTATE = "reinstated", _("Reinstate")


LIVE_REGISTRATION = frozenset({RegistrationStatus.ACTIVE, RegistrationStatus.SUSPENDED})
# The registration changes the holder is mailed about (licences.notifications): all of them.
REGISTRATION_TOLD = frozenset({RegistrationAction.REVOKE, RegistrationAction.SUSPEND, RegistrationAction.REINSTATE})

REGISTRATION = Machine(
    name="registration",
    model=Registration,
    moves=(
        Move(RegistrationAction.SUSPEND, {RegistrationStatus.ACTIVE}, RegistrationStatus.SUSPENDED, CHANGING, reason_required=True),
        Move(RegistrationAction.REINSTATE, {RegistrationStatus.SUSPENDED}, RegistrationStatus.ACTIVE, CHANGING),
        Move(RegistrationAction.REVOKE, LIVE_REGISTRATION, RegistrationStatus.REVOKED, REVOKING_REGISTRATIONS, reason_required=True),
    ),
    statuses=RegistrationStatus,
    actions=RegistrationAction,
    roles=Role,
    initial=RegistrationStatus.ACTIVE,
    cannot=_("Cannot %(action)s a registration that is %(status)s."),
    lost=_("This registration is no longer active."),
)


# A live licence's party found on a list (licences.live_screening): the office suspends the licence or dismisses the
# hit; whoever may suspend a licence handles its hits.
HANDLING_HITS = CHANGING


class LiveHitAction(models.TextChoices):
    # Past tense: the verbs read as what happened (live_hit.suspended, live_hit.dismissed).
    SUSPEND = "suspended", _("Suspend the licence")
    DISMISS = "dismissed", _("Dismiss")


LIVE_HIT = Machine(
    name="live_hit",
    model=LiveHit,
    moves=(
        Move(LiveHitAction.SUSPEND, {LiveHitStatus.OPEN}, LiveHitStatus.SUSPENDED, HANDLING_HITS, sets_timestamp="handled_at"),
        Move(LiveHitAction.DISMISS, {LiveHitStatus.OPEN}, LiveHitStatus.DISMISSED, HANDLING_HITS, sets_timestamp="handled_at", reason_required=True),
    ),
    statuses=LiveHitStatus,
    actions=LiveHitAction,
    roles=Role,
    initial=LiveHitStatus.OPEN,
    event_target=lambda hit: hit.licence or hit.registration,
    not_found=_("No such hit."),
    cannot=_("Cannot %(action)s a hit that is %(status)s."),
    lost=_("This hit was handled already."),
)


# A licence's structured conditions (licences.conditions): the holder meets an obligation with a due date; the nightly
# run marks one overdue once its date has passed. A standing condition (no re-export) is never met: it holds.
MEETING_CONDITIONS = (Role.EXPORTER,)
MET_BY_HOLDER = frozenset({Obligation.DELIVERY_VERIFICATION, Obligation.END_USER_CERTIFICATE, Obligation.REIMPORT})


class ConditionAction(models.TextChoices):
    # Past tense: the verbs read as what happened (condition.met, condition.overdue).
    MEET = "met", _("Meet")
    MARK_OVERDUE = "overdue", _("Mark overdue")


def _can_be_met(condition: LicenceCondition, actor) -> str | None:
    if condition.obligation not in MET_BY_HOLDER:
        return str(_("This condition holds for the life of the licence; there is nothing to hand in."))
    return None


def _past_due(condition: LicenceCondition, actor) -> str | None:
    if condition.due_on is None or condition.due_on >= timezone.localdate():
        return str(_("This condition is not yet due."))
    return None


CONDITION = Machine(
    name="condition",
    model=LicenceCondition,
    moves=(
        Move(ConditionAction.MEET, {ConditionStatus.OPEN, ConditionStatus.OVERDUE}, ConditionStatus.MET, MEETING_CONDITIONS, guard=_can_be_met, sets_timestamp="met_at"),
        Move(ConditionAction.MARK_OVERDUE, {ConditionStatus.OPEN}, ConditionStatus.OVERDUE, (SYSTEM,), guard=_past_due),
    ),
    statuses=ConditionStatus,
    actions=ConditionAction,
    roles=Role,
    initial=ConditionStatus.OPEN,
    visible=lambda condition, actor: _holder_or_official(condition.licence, actor),
    event_target=lambda condition: condition.licence,
    not_found=_("No such condition."),
    cannot=_("Cannot %(action)s a condition that is %(status)s."),
    lost=_("This condition changed in the meantime; reload and try again."),
)


# --- objections (bezwaar, Awb chapters 6-7) -----------------------------------------------------------------------
# Who handles an objection: the licensing office, never the official who took the decision objected to (Awb 7:5).
HANDLING_OBJECTIONS = (Role.OFFICER, Role.ADMINISTRATOR)


class ObjectionAction(models.TextChoices):
    TAKE = "take", _("Take into handling")
    RECORD_HEARING = "record_hearing", _("Record the hearing")
    EXTEND = "extend", _("Extend the decision term")
    DECIDE = "decide", _("Decide on the objection")


def _not_the_author(objection: Objection, actor) -> str | None:
    """Awb 7:5(1)(a): the objection is handled by someone who was not involved in the decision objected to."""
    if actor is not None and objection.decision.decided_by_id == actor.pk:
        raise NotAllowed(str(_("You took the decision objected to; another official handles the objection.")), code="decision_author")
    return None


def _the_handler(objection: Objection, actor) -> str | None:
    """Once taken, the objection is moved on by its handler (an administrator may stand in, as for a claimed case)."""
    _not_the_author(objection, actor)
    if objection.handler_id and actor is not None and objection.handler_id != actor.pk and not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed(str(_("Another official handles this objection.")), code="objection_handler")
    return None


def _not_yet_extended(objection: Objection, actor) -> str | None:
    _the_handler(objection, actor)
    if objection.extended_at is not None:
        return _("The decision term was extended once already; the law allows one extension (Awb 7:10(3)).")
    return None


OBJECTION = Machine(
    name="objection",
    model=Objection,
    moves=(
        Move(ObjectionAction.TAKE, {ObjectionStatus.RECEIVED}, ObjectionStatus.IN_HANDLING, HANDLING_OBJECTIONS, guard=_not_the_author, sets_timestamp="taken_at"),
        Move(ObjectionAction.RECORD_HEARING, {ObjectionStatus.IN_HANDLING}, None, HANDLING_OBJECTIONS, guard=_the_handler),
        Move(ObjectionAction.EXTEND, {ObjectionStatus.IN_HANDLING}, None, HANDLING_OBJECTIONS, guard=_not_yet_extended, sets_timestamp="extended_at", reason_required=True),
        Move(ObjectionAction.DECIDE, {ObjectionStatus.IN_HANDLING}, ObjectionStatus.DECIDED, HANDLING_OBJECTIONS, guard=_the_handler, sets_timestamp="decided_at", reason_required=True),
    ),
    statuses=ObjectionStatus,
    actions=ObjectionAction,
    roles=Role,
    initial=ObjectionStatus.RECEIVED,
    event_target=lambda objection: objection.application,
    not_found=_("No such objection."),
    cannot=_("Cannot %(action)s an objection that is %(status)s."),
    lost=_("The objection changed in the meantime; reload and try again."),
)


# Four eyes at the office (issue 18.3): a decision that needs a second officer waits as a proposal until another
# officer countersigns it (it then takes effect) or sends it back with the reason. The ministry's advice has the same
# two moves (assessment/transitions.py); both are `countersignature`.
class ProposalAction(models.TextChoices):
    COUNTERSIGN = "countersigned", _("Countersign")
    SEND_BACK = "sent_back", _("Send back to the author")


second_officer_only = someone_else(
    lambda proposal: proposal.proposed_by_id, _("The second officer must be someone else than the officer who proposed the decision.")
)

DECISION_PROPOSAL = Machine(
    name="decision_proposal",
    model=DecisionProposal,
    moves=countersignature(
        countersign=ProposalAction.COUNTERSIGN, send_back=ProposalAction.SEND_BACK, awaiting=ProposalStatus.PROPOSED, agreed=ProposalStatus.COUNTERSIGNED,
        sent_back=ProposalStatus.SENT_BACK, roles=DECIDING, guard=second_officer_only, sets_timestamp="countersigned_at",
    ),
    statuses=ProposalStatus,
    actions=ProposalAction,
    roles=Role,
    initial=ProposalStatus.PROPOSED,
    # The proposal and its countersignature belong to the case's history (the case page's timeline shows them).
    event_target=lambda proposal: proposal.application,
    not_found=_("No such proposed decision."),
    cannot=_("Cannot %(action)s a proposed decision that is %(status)s."),
    lost=_("This proposed decision was already countersigned or sent back."),
)
