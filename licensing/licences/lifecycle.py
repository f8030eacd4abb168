"""A licence after its issue: suspended, revoked, surrendered, extended, replaced, expired or used up."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.applications.models import Application, Notification
from licensing.applications.notifications import notify_organisation
from licensing.core.errors import Conflict, DomainError
from licensing.core.mail import mail_after_commit

from .conditions import conditions_carry
from .models import Decision, Licence, LicenceLine, LicenceStatus, Outcome, Registration, Source
from .tasks import change_notify
from .transitions import LICENCE, REGISTRATION, TOLD_TO_HOLDER, LicenceAction, RegistrationAction

# The moves people choose by name (the API's `move`); extension and replacement have services of their own.
MOVES = {action: LICENCE.roles_of(action) for action in (LicenceAction.SUSPEND, LicenceAction.REINSTATE, LicenceAction.REVOKE, LicenceAction.SURRENDER)}


def _tell(event_id: int, changed: Licence | Registration) -> None:
    """The holder hears of a change: an e-mail (after commit) and an unread marker on the application it was issued
    on (none for a licence imported without one)."""
    mail_after_commit(change_notify, event_id)
    application = Application.objects.filter(decision__pk=changed.decision_id).first()
    if application is not None:
        notify_organisation(application=application, kind=Notification.Kind.LICENCE_CHANGE)


def licence_move(*, actor, licence: Licence, move: str, reason: str = "") -> Licence:
    if move not in MOVES:
        raise DomainError(_("Unknown move '%(move)s'.") % {"move": move}, fields={"move": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(MOVES)}]})
    with transaction.atomic():
        event = LICENCE.move(licence, move, actor, reason=reason, extra_updates={"status_reason": reason})
        if move in TOLD_TO_HOLDER:
            _tell(event.pk, licence)
    return licence


def licence_extend(*, actor, licence: Licence, valid_to: date, reason: str = "") -> Licence:
    """A later end date; an expired licence is active again. Its own move, with its own allow-list (EXTENDING)."""
    if valid_to <= licence.valid_to:
        raise DomainError(_("An extension must end later than the licence does now."), fields={"valid_to": [_("Choose a date after %(date)s.") % {"date": licence.valid_to}]})
    with transaction.atomic():
        before = licence.valid_to
        event = LICENCE.move(
            licence, LicenceAction.EXTEND, actor, reason=reason,
            payload={"from": before.isoformat(), "to": valid_to.isoformat()},
            extra_updates={"valid_to": valid_to}, expect={"valid_to": before},
        )
        _tell(event.pk, licence)
        licence.refresh_from_db()
    return licence


def licence_replace(*, actor, licence: Licence, value_eur=None, valid_to: date | None = None, conditions: str | None = None, reason: str = "") -> Licence:
    """A new licence that takes the old one's place; it points to the old so reports do not count it twice. The old
    licence's conditions not yet met go with it (licences.conditions.conditions_carry)."""
    with transaction.atomic():
        old = Licence.objects.select_for_update().get(pk=licence.pk)
        LICENCE.check(old, LicenceAction.REPLACE, actor)
        number = f"{old.number}-R{Licence.objects.filter(replaces=old).count() + 1}"
        lines = list(old.lines.all())
        new = Licence.objects.create(
            number=number,
            decision=_replacement_decision(old, number, actor, reason),
            holder_id=old.holder_id, holder_name=old.holder_name, kind=old.kind, goods_kind=old.goods_kind, movement=old.movement,
            consignee=old.consignee, end_user=old.end_user, valid_from=timezone.localdate(), valid_to=valid_to or old.valid_to,
            conditions=old.conditions if conditions is None else conditions, value_eur=old.value_eur if value_eur is None else value_eur,
            complete_system=old.complete_system, temporary=old.temporary, return_after_repair=old.return_after_repair,
            repaired_goods_from_netherlands=old.repaired_goods_from_netherlands, replaces=old,
            origin_country_id=old.origin_country_id, brokering_value_eur=old.brokering_value_eur,
        )
        new.destinations.set(old.destinations.all())
        for line in lines:
            line.pk, line.licence = None, new
        LicenceLine.objects.bulk_create(lines)
        carried = conditions_carry(old=old, new=new)
        event = LICENCE.move(old, LicenceAction.REPLACE, actor, reason=reason, payload={"by": new.number, "conditions": carried}, extra_updates={"status_reason": f"Replaced by {new.number}. {reason}".strip()})
        _tell(event.pk, old)
    return new


def _replacement_decision(old: Licence, number: str, actor, reason: str) -> Decision:
    return Decision.objects.create(
        reference=number,
        source=Source.SYSTEM, outcome=Outcome.ISSUED, decided_on=timezone.localdate(), decided_by=actor,
        goods_kind=old.goods_kind, licence_kind=old.kind, movement=old.movement, reasons=reason or "Replacement licence.",
    )


def licences_expire(today: date | None = None) -> int:
    """Mark licences past their end date as expired (run daily by Celery beat), each by its own move. Idempotent;
    a licence moved by someone else meanwhile (revoked, extended) is left to that move."""
    today = today or timezone.localdate()
    expired = 0
    for licence in Licence.objects.filter(status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED], valid_to__lt=today).order_by("pk"):
        try:
            with transaction.atomic():
                event = LICENCE.move(licence, LicenceAction.EXPIRE, None, expect={"valid_to__lt": today})
                _tell(event.pk, licence)
        except Conflict:
            continue
        expired += 1
    return expired


# A registration's moves by the names the API takes (its actions are past tense: licences.transitions).
REGISTRATION_MOVES = {"suspend": RegistrationAction.SUSPEND, "reinstate": RegistrationAction.REINSTATE, "revoke": RegistrationAction.REVOKE}


def registration_move(*, actor, registration: Registration, move: str, reason: str = "") -> Registration:
    """Suspend (until reinstated) or revoke a registration for a general licence; the holder is told each time."""
    action = REGISTRATION_MOVES.get(move)
    if action is None:
        raise DomainError(_("Unknown move '%(move)s'.") % {"move": move}, fields={"move": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(REGISTRATION_MOVES)}]})
    extra = {"revoked_on": timezone.localdate(), "revoked_reason": reason} if action == RegistrationAction.REVOKE else {}
    with transaction.atomic():
        event = REGISTRATION.move(registration, action, actor, reason=reason, extra_updates=extra)
        _tell(event.pk, registration)
    return registration


def registration_revoke(*, actor, registration: Registration, reason: str) -> Registration:
    return registration_move(actor=actor, registration=registration, move="revoke", reason=reason)


# Moves no one chooses: the licence is used up when nothing remains of its lines, and usable again when a write-off
# that used it up is undone (licensing.customs). Not in MOVES, which lists the moves people make.
USE_MOVES = {"exhaust": LicenceAction.EXHAUST, "restore": LicenceAction.RESTORE}


def licence_use_move(*, actor, licence: Licence, move: str, reason: str = "", payload: dict | None = None) -> bool:
    """Move the licence between active and used up; False (and nothing written) if it is not in the move's source
    state. Call inside the transaction that changed what remains of it."""
    action = USE_MOVES[move]
    if LICENCE.move_for(licence.status, action) is None:
        return False
    try:
        with transaction.atomic():
            LICENCE.move(licence, action, actor, reason=reason, payload=payload)
    except Conflict:
        return False
    return True
