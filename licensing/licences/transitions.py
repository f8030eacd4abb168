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
from licensing.audit.transitions import SYSTEM, Machine, Move, countersignature, someone_else

from .models import DecisionProposal, Licence, LicenceStatus, LiveHit, LiveHitStatus, ProposalStatus, Registration, RegistrationStatus

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
    REVOKE = "revoked", _("Revoke")  # past tense: the verb registration.revoked predates the table


REGISTRATION = Machine(
    name="registration",
    model=Registration,
    moves=(Move(RegistrationAction.REVOKE, {RegistrationStatus.ACTIVE}, RegistrationStatus.REVOKED, REVOKING_REGISTRATIONS, reason_required=True),),
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
