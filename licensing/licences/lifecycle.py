"""A licence after its issue: suspended, revoked, surrendered, extended, replaced, expired or used up."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.applications.models import Application, Notification
from licensing.applications.notifications import notify_organisation
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from licensing.core.mail import mail_after_commit

from .models import Decision, Licence, LicenceLine, LicenceStatus, Outcome, Registration, RegistrationStatus, Source
from .tasks import change_notify

# Which status each move may start from, and where it goes.
MOVES = {
    "suspend": ({LicenceStatus.ACTIVE}, LicenceStatus.SUSPENDED),
    "reinstate": ({LicenceStatus.SUSPENDED}, LicenceStatus.ACTIVE),
    "revoke": ({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED}, LicenceStatus.REVOKED),
    "surrender": ({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED}, LicenceStatus.SURRENDERED),
}
# The licensing office's changes to a licence (mailed to the holder); the holder's own is to surrender it.
OFFICIAL_MOVES = {"suspend", "reinstate", "revoke", "extend", "replace"}
CHANGING = (Role.OFFICER, Role.ADMINISTRATOR)


def _tell(event_id: int, changed: Licence | Registration) -> None:
    """The holder hears of a change: an e-mail (after commit) and an unread marker on the application it was issued
    on (none for a licence imported without one)."""
    mail_after_commit(change_notify, event_id)
    application = Application.objects.filter(decision__pk=changed.decision_id).first()
    if application is not None:
        notify_organisation(application=application, kind=Notification.Kind.LICENCE_CHANGE)


def _ensure_may(actor, licence: Licence, move: str) -> None:
    if actor.is_exporter:
        if licence.holder_id != actor.organisation_id:
            raise NotFound(_("No such licence."))
        if move in OFFICIAL_MOVES:
            raise NotAllowed(_("Only the licensing office can do this."))
    elif move not in OFFICIAL_MOVES or not actor.has_role(*CHANGING):
        raise NotAllowed(_("Only the holder surrenders a licence; only officers suspend, reinstate, revoke, extend or replace it."))


def licence_move(*, actor, licence: Licence, move: str, reason: str = "") -> Licence:
    if move not in MOVES:
        raise DomainError(_("Unknown move '%(move)s'.") % {"move": move}, fields={"move": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(MOVES)}]})
    _ensure_may(actor, licence, move)
    if move in ("suspend", "revoke") and not reason.strip():
        raise DomainError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    sources, target = MOVES[move]
    with transaction.atomic():
        if not Licence.objects.filter(pk=licence.pk, status__in=sources).update(status=target, status_reason=reason):
            raise Conflict(_("A licence that is %(status)s cannot be %(move)s.") % {"status": licence.get_status_display().lower(), "move": {"suspend": _("suspended"), "reinstate": _("reinstated"), "revoke": _("revoked")}.get(move, move)} if move != "surrender" else _("This licence can no longer be surrendered."))
        old = licence.status
        licence.status, licence.status_reason = target, reason
        event = event_record(actor=actor, verb=f"licence.{move}", target=licence, from_state=old, to_state=target, reason=reason)
        if move in OFFICIAL_MOVES:
            _tell(event.pk, licence)
    return licence


def licence_extend(*, actor, licence: Licence, valid_to: date, reason: str = "") -> Licence:
    _ensure_may(actor, licence, "extend")
    if valid_to <= licence.valid_to:
        raise DomainError(_("An extension must end later than the licence does now."), fields={"valid_to": [_("Choose a date after %(date)s.") % {"date": licence.valid_to}]})
    with transaction.atomic():
        if not Licence.objects.filter(pk=licence.pk, status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.EXPIRED], valid_to=licence.valid_to).update(
            valid_to=valid_to, status=LicenceStatus.ACTIVE if licence.status == LicenceStatus.EXPIRED else licence.status
        ):
            raise Conflict(_("The licence changed in the meantime, or cannot be extended in its state."))
        event = event_record(actor=actor, verb="licence.extended", target=licence, reason=reason, payload={"from": licence.valid_to.isoformat(), "to": valid_to.isoformat()})
        _tell(event.pk, licence)
        licence.refresh_from_db()
    return licence


def licence_replace(*, actor, licence: Licence, value_eur=None, valid_to: date | None = None, conditions: str | None = None, reason: str = "") -> Licence:
    """A new licence that takes the old one's place; it points to the old so reports do not count it twice."""
    _ensure_may(actor, licence, "replace")
    with transaction.atomic():
        old = Licence.objects.select_for_update().get(pk=licence.pk)
        if old.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED):
            raise Conflict(_("A licence that is %(status)s cannot be replaced.") % {"status": old.get_status_display().lower()})
        number = f"{old.number}-R{Licence.objects.filter(replaces=old).count() + 1}"
        lines = list(old.lines.all())
        new = Licence.objects.create(
            number=number,
            decision=_replacement_decision(old, number, actor, reason),
            holder_id=old.holder_id, holder_name=old.holder_name, kind=old.kind, goods_kind=old.goods_kind, movement=old.movement,
            consignee=old.consignee, end_user=old.end_user, valid_from=timezone.localdate(), valid_to=valid_to or old.valid_to,
            conditions=old.conditions if conditions is None else conditions, value_eur=old.value_eur if value_eur is None else value_eur,
            complete_system=old.complete_system, temporary=old.temporary, return_after_repair=old.return_after_repair, replaces=old,
            origin_country_id=old.origin_country_id, brokering_value_eur=old.brokering_value_eur,
        )
        new.destinations.set(old.destinations.all())
        for line in lines:
            line.pk, line.licence = None, new
        LicenceLine.objects.bulk_create(lines)
        old.status, old.status_reason = LicenceStatus.REPLACED, f"Replaced by {new.number}. {reason}".strip()
        old.save(update_fields=["status", "status_reason"])
        event = event_record(actor=actor, verb="licence.replaced", target=old, to_state=LicenceStatus.REPLACED, reason=reason, payload={"by": new.number})
        _tell(event.pk, old)
    return new


def _replacement_decision(old: Licence, number: str, actor, reason: str) -> Decision:
    return Decision.objects.create(
        reference=number,
        source=Source.SYSTEM, outcome=Outcome.ISSUED, decided_on=timezone.localdate(), decided_by=actor,
        goods_kind=old.goods_kind, licence_kind=old.kind, movement=old.movement, reasons=reason or "Replacement licence.",
    )


def licences_expire(today: date | None = None) -> int:
    """Mark licences past their end date as expired (run daily by Celery beat). Idempotent."""
    today = today or timezone.localdate()
    expired = list(Licence.objects.filter(status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED], valid_to__lt=today).values_list("pk", flat=True))
    with transaction.atomic():
        Licence.objects.filter(pk__in=expired).update(status=LicenceStatus.EXPIRED)
        for licence in Licence.objects.filter(pk__in=expired):
            event = event_record(actor=None, verb="licence.expired", target=licence, to_state=LicenceStatus.EXPIRED)
            _tell(event.pk, licence)
    return len(expired)


def registration_revoke(*, actor, registration: Registration, reason: str) -> Registration:
    if not actor.has_role(Role.OFFICER, Role.ADMINISTRATOR):
        raise NotAllowed(_("Only the licensing office revokes a registration."))
    if not reason.strip():
        raise DomainError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    with transaction.atomic():
        if not Registration.objects.filter(pk=registration.pk, status=RegistrationStatus.ACTIVE).update(
            status=RegistrationStatus.REVOKED, revoked_on=timezone.localdate(), revoked_reason=reason
        ):
            raise Conflict(_("This registration is no longer active."))
        registration.refresh_from_db()
        event = event_record(actor=actor, verb="registration.revoked", target=registration, reason=reason)
        _tell(event.pk, registration)
    return registration


# Moves no one chooses: the licence is used up when nothing remains of its lines, and usable again when a write-off
# that used it up is undone (licensing.customs). Not in MOVES, which lists the moves people make.
USE_MOVES = {
    "exhaust": (LicenceStatus.ACTIVE, LicenceStatus.EXHAUSTED),
    "restore": (LicenceStatus.EXHAUSTED, LicenceStatus.ACTIVE),
}


def licence_use_move(*, actor, licence: Licence, move: str, reason: str = "", payload: dict | None = None) -> bool:
    """Move the licence between active and used up; False (and nothing written) if it is not in the move's source
    state. Call inside the transaction that changed what remains of it."""
    source, target = USE_MOVES[move]
    if not Licence.objects.filter(pk=licence.pk, status=source).update(status=target):
        return False
    licence.status = target
    verb = "licence.exhausted" if move == "exhaust" else "licence.restored"
    event_record(actor=actor, verb=verb, target=licence, from_state=source, to_state=target, reason=reason, payload=payload)
    return True
