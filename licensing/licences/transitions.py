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
from licensing.audit.transitions import SYSTEM, Machine, Move

from django.utils import timezone

from licensing.reference.models import Obligation

from .models import ConditionStatus, Licence, LicenceCondition, LicenceStatus, LiveHit, LiveHitStatus, Registration, RegistrationStatus

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
