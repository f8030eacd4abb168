"""Write-offs at the border and their reversal; the customs systems' machine tokens.

Races are decided by the database: a write-off finds its licence and locks its row in one statement (SELECT ... FOR
UPDATE) before it reads what remains, so declarations arriving in parallel against one licence are counted one after
the other and can never overdraw it together, and a copy of a declaration that arrives while the first is being
written waits for it and then finds it (a retry counts once; the unique (declaration, licence, line) stands behind
that). The licence row, not only the line's, is locked because its status (suspended, revoked) and its exhaustion
(all lines used up) are decided in the same step. A registration's write-offs lock the registration the same way.

The audit event comes last: the audit chain's lock (one appender at a time for the whole log) is taken there and
held until the commit, so what a write-off does under it is only the chain's own two round trips and the commit
(audit.services.events_record); everything else waits on the licence's lock only, which other licences do not share.
"""
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotFound
from licensing.core.permissions import refuse_unless
from licensing.licences.lifecycle import licence_use_move
from licensing.licences.models import Licence, LicenceStatus, Registration, RegistrationStatus
from licensing.licences.usage import general_licence_refusal

from . import selectors
from .models import CustomsToken, CustomsWriteOff
from .mrn import mrn_clean

# Who writes off and reverses (people with a second factor, or a customs system's machine token).
WRITING_OFF = (Role.CUSTOMS,)
CHECKING = (Role.CUSTOMS,)
TOKEN_ADMINS = (Role.ADMINISTRATOR,)
TOKEN_PREFIX = "cst_"


def holding_for_customs(number: str, *, for_update: bool = False) -> Licence | Registration:
    """The licence or general-licence registration Customs asks about, by its number; 404 if there is none.
    `for_update`: its row locked until the transaction ends."""
    number = str(number or "").strip()
    held = selectors.holding_for_customs(number, for_update=for_update) if number else None
    if held is None:
        raise NotFound(_("No licence or registration %(number)s.") % {"number": number})
    return held


def registration_destination_refusal(registration: Registration, destination: str, *, on: date) -> str | None:
    """Why the registration's general licence does not cover this destination, or None. The one call of the
    general licence's destination rule at the border (the same rule the exporter's usage reports are held to)."""
    return general_licence_refusal(registration.general_licence, destination, on=on)


def destination_refusal(held: Licence | Registration, destination: str, *, on: date | None = None) -> str | None:
    """Why the licence or registration does not cover exports to `destination` (on `on`, by default today), or None."""
    if isinstance(held, Registration):
        return registration_destination_refusal(held, destination, on=on or timezone.localdate())
    if destination not in {c.code for c in held.destinations.all()}:
        return _("Licence %(number)s does not cover exports to %(destination)s.") % {"number": held.number, "destination": destination}
    return None


@dataclass(frozen=True)
class WriteOffResult:
    write_off: CustomsWriteOff
    created: bool


def write_off_record(
    *, actor, declaration: str, licence_number: str, line: int, quantity: Decimal, value_eur: Decimal, destination: str, exported_on: date
) -> WriteOffResult:
    """Write one goods item of an export declaration off a licence line. A retry of the same item answers the
    first write-off (created=False) and changes nothing; a refusal records nothing."""
    refuse_unless(actor, WRITING_OFF, _("Only Customs writes off licences."))
    declaration = mrn_clean(declaration)
    destination = str(destination or "").strip().upper()
    if quantity < 0 or value_eur < 0 or (quantity == 0 and value_eur == 0):
        raise DomainError(_("Write off a quantity or a value."), code="nothing_to_write_off", fields={"quantity": [_("Give a quantity or a value above zero.")]})
    with transaction.atomic():
        held = holding_for_customs(licence_number, for_update=True)
        if isinstance(held, Registration):
            return _registration_write_off(
                actor=actor, declaration=declaration, registration=held, item=line, quantity=quantity, value_eur=value_eur, destination=destination, exported_on=exported_on
            )
        licence = held
        balances = selectors.line_balances(licence)
        if not 1 <= line <= len(balances):
            raise DomainError(
                _("Licence %(number)s has no line %(line)s (it has %(count)s).") % {"number": licence.number, "line": line, "count": len(balances)},
                code="unknown_line", fields={"line": [_("No such line.")]},
            )
        balance = balances[line - 1]
        if balance.line.quantity is not None and quantity <= 0:
            raise DomainError(
                _("Line %(line)s is authorised by quantity: give the quantity in %(unit)s.") % {"line": line, "unit": balance.line.unit or _("its unit")},
                code="quantity_required", fields={"quantity": [_("Give the quantity.")]},
            )
        existing = CustomsWriteOff.objects.filter(declaration=declaration, licence=licence, line=balance.line).first()
        if existing is not None:
            return WriteOffResult(_same_or_conflict(existing, quantity=quantity, value_eur=value_eur, destination=destination, exported_on=exported_on), created=False)
        _refuse_unless_usable(licence, destination=destination, exported_on=exported_on)
        _refuse_overdraw(licence, balance, quantity=quantity, value_eur=value_eur)
        write_off = CustomsWriteOff.objects.create(
            declaration=declaration, licence=licence, line=balance.line, line_number=line, quantity=quantity, value_eur=value_eur,
            destination_id=destination, exported_on=exported_on, created_by=actor,
        )
        # What remains after this write-off, from the balances read under the lock (no second read): the audit event
        # comes last, since the audit chain's lock is held from it until the commit.
        after = replace(balance, written_off_quantity=balance.written_off_quantity + quantity, written_off_value_eur=balance.written_off_value_eur + value_eur)
        used_up = all((after if b is balance else b).used_up for b in balances)
        event_record(
            actor=actor, verb="licence.written_off", target=licence,
            payload={"declaration": declaration, "line": line, "quantity": str(quantity), "unit": balance.line.unit, "value_eur": str(value_eur), "destination": destination, "exported_on": exported_on.isoformat()},
        )
        if used_up:  # the last write-off of a licence moves it under the chain's lock too (its own event follows)
            licence_use_move(actor=actor, licence=licence, move="exhaust", reason=_("Nothing remains after declaration %(mrn)s.") % {"mrn": declaration}, payload={"declaration": declaration})
    return WriteOffResult(write_off, created=True)


def _registration_write_off(*, actor, declaration: str, registration: Registration, item: int, quantity, value_eur, destination: str, exported_on: date) -> WriteOffResult:
    """A goods item declared under a general licence: recorded with its quantity and value, with no balance (a
    registration authorises no quantities); refused when the registration is not active, the export precedes it or
    the general licence does not cover the destination. Inside write_off_record's transaction, the registration locked."""
    existing = CustomsWriteOff.objects.filter(declaration=declaration, registration=registration, line_number=item).first()
    if existing is not None:
        return WriteOffResult(_same_or_conflict(existing, quantity=quantity, value_eur=value_eur, destination=destination, exported_on=exported_on), created=False)
    _refuse_unless_registration_usable(registration, destination=destination, exported_on=exported_on)
    write_off = CustomsWriteOff.objects.create(
        declaration=declaration, registration=registration, line_number=item, quantity=quantity, value_eur=value_eur,
        destination_id=destination, exported_on=exported_on, created_by=actor,
    )
    event_record(
        actor=actor, verb="registration.written_off", target=registration,
        payload={"declaration": declaration, "item": item, "quantity": str(quantity), "value_eur": str(value_eur), "destination": destination, "exported_on": exported_on.isoformat()},
    )
    return WriteOffResult(write_off, created=True)


def _refuse_unless_registration_usable(registration: Registration, *, destination: str, exported_on: date) -> None:
    if registration.status != RegistrationStatus.ACTIVE:
        raise Conflict(
            _("Registration %(number)s is not active: it is %(status)s.") % {"number": registration.number, "status": registration.get_status_display().lower()},
            code="licence_not_active",
        )
    if exported_on < registration.registered_on:
        raise DomainError(
            _("Registration %(number)s is valid from %(date)s.") % {"number": registration.number, "date": registration.registered_on.isoformat()},
            code="licence_not_yet_valid", fields={"exported_on": [_("Before the registration.")]},
        )
    if exported_on > timezone.localdate():
        raise DomainError(_("The export date is in the future."), code="invalid", fields={"exported_on": [_("Give the date the goods were cleared.")]})
    refusal = registration_destination_refusal(registration, destination, on=exported_on)
    if refusal:
        raise DomainError(refusal, code="wrong_destination", fields={"destination": [refusal]})


def _same_or_conflict(existing: CustomsWriteOff, *, quantity, value_eur, destination, exported_on) -> CustomsWriteOff:
    same = (existing.quantity, existing.value_eur, existing.destination_id, existing.exported_on) == (quantity, value_eur, destination, exported_on)
    if not same:
        raise Conflict(
            _("Declaration %(mrn)s was already written off this line with other figures; reverse it first to correct it.") % {"mrn": existing.declaration},
            code="declaration_differs",
        )
    return existing


def _refuse_unless_usable(licence: Licence, *, destination: str, exported_on: date) -> None:
    if licence.status == LicenceStatus.EXPIRED or exported_on > licence.valid_to:
        raise Conflict(_("Licence %(number)s expired on %(date)s.") % {"number": licence.number, "date": licence.valid_to.isoformat()}, code="licence_expired")
    if licence.status != LicenceStatus.ACTIVE:
        raise Conflict(
            _("Licence %(number)s is not active: it is %(status)s.") % {"number": licence.number, "status": licence.get_status_display().lower()},
            code="licence_not_active",
        )
    if exported_on < licence.valid_from:
        raise DomainError(
            _("Licence %(number)s is valid from %(date)s.") % {"number": licence.number, "date": licence.valid_from.isoformat()},
            code="licence_not_yet_valid", fields={"exported_on": [_("Before the licence's validity.")]},
        )
    if exported_on > timezone.localdate():
        raise DomainError(_("The export date is in the future."), code="invalid", fields={"exported_on": [_("Give the date the goods were cleared.")]})
    refusal = destination_refusal(licence, destination, on=exported_on)
    if refusal:
        raise DomainError(refusal, code="wrong_destination", fields={"destination": [_("Not a destination of this licence.")]})


def _refuse_overdraw(licence: Licence, balance: selectors.LineBalance, *, quantity: Decimal, value_eur: Decimal) -> None:
    remaining_quantity, remaining_value = balance.remaining_quantity, balance.remaining_value_eur
    if (remaining_quantity is not None and quantity > remaining_quantity) or value_eur > remaining_value:
        raise Conflict(
            _("This would overdraw line %(line)s of licence %(number)s: %(quantity)s %(unit)s and EUR %(value)s remain.")
            % {"line": balance.number, "number": licence.number, "quantity": remaining_quantity if remaining_quantity is not None else "-", "unit": balance.line.unit, "value": remaining_value},
            code="overdrawn",
        )


def write_off_reverse(*, actor, declaration: str, reason: str) -> list[CustomsWriteOff]:
    """Undo the write-offs of an invalidated declaration; a licence they used up becomes usable again. Reversing
    an already reversed declaration changes nothing and answers the same."""
    refuse_unless(actor, WRITING_OFF, _("Only Customs reverses write-offs."))
    declaration = mrn_clean(declaration)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    held = list(CustomsWriteOff.objects.filter(declaration=declaration).values_list("licence_id", "registration_id"))
    if not held:
        raise NotFound(_("No write-off of declaration %(mrn)s.") % {"mrn": declaration})
    licence_ids = sorted({licence_id for licence_id, _registration in held if licence_id})
    registration_ids = sorted({registration_id for _licence, registration_id in held if registration_id})
    with transaction.atomic():
        for registration in Registration.objects.select_for_update().filter(pk__in=registration_ids).order_by("pk"):
            active = list(CustomsWriteOff.objects.filter(declaration=declaration, registration=registration, reversed_at__isnull=True).order_by("pk"))
            CustomsWriteOff.objects.filter(pk__in=[w.pk for w in active]).update(reversed_at=timezone.now(), reversed_by=actor, reversal_reason=reason)
            for write_off in active:
                event_record(
                    actor=actor, verb="registration.write_off_reversed", target=registration, reason=reason,
                    payload={"declaration": declaration, "item": write_off.line_number, "quantity": str(write_off.quantity), "value_eur": str(write_off.value_eur)},
                )
        # In id order, so two reversals touching the same licences cannot deadlock.
        for licence in Licence.objects.select_for_update().filter(pk__in=licence_ids).order_by("pk"):
            active = list(CustomsWriteOff.objects.filter(declaration=declaration, licence=licence, reversed_at__isnull=True).order_by("pk"))
            if not active:
                continue
            now = timezone.now()
            CustomsWriteOff.objects.filter(pk__in=[w.pk for w in active]).update(reversed_at=now, reversed_by=actor, reversal_reason=reason)
            for write_off in active:
                event_record(
                    actor=actor, verb="licence.write_off_reversed", target=licence, reason=reason,
                    payload={"declaration": declaration, "line": write_off.line_number, "quantity": str(write_off.quantity), "value_eur": str(write_off.value_eur)},
                )
            if licence.status == LicenceStatus.EXHAUSTED and licence.valid_to >= timezone.localdate() and not _used_up_by_reports(licence):
                if not all(b.used_up for b in selectors.line_balances(licence)):
                    licence_use_move(actor=actor, licence=licence, move="restore", reason=reason, payload={"declaration": declaration})
    return list(selectors.write_offs_of_declaration(declaration))


def _used_up_by_reports(licence: Licence) -> bool:
    # The exporter's own reports can use a licence up too (licences.usage); a reversal at the border does not undo that.
    return all(l.used_value_eur >= l.value_eur or (l.quantity is not None and l.used_quantity >= l.quantity) for l in licence.lines.all())


# --- machine tokens ----------------------------------------------------------------------------------------------
def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def customs_token_issue(*, actor, user, name: str) -> tuple[CustomsToken, str]:
    """A new token for a customs account; the token itself is returned once and never stored."""
    if actor is not None:  # None: an administrator at the server's command line (manage.py customs_token)
        refuse_unless(actor, TOKEN_ADMINS, _("Only an administrator issues customs tokens."))
    if not user.has_role(Role.CUSTOMS) or not user.is_active:
        raise DomainError(_("Customs tokens are for active customs accounts only."), fields={"user": [_("Not an active customs account.")]})
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Say which system uses the token."), fields={"name": [_("Give a name.")]})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = CustomsToken.objects.create(user=user, name=name[:100], key_hash=token_hash(key), prefix=key[:12], created_by=actor)
        event_record(actor=actor, verb="customs_token.issued", target=token, payload={"user": user.get_username(), "name": token.name, "prefix": token.prefix})
    return token, key


def customs_token_revoke(*, actor, token: CustomsToken) -> CustomsToken:
    if actor is not None:
        refuse_unless(actor, TOKEN_ADMINS, _("Only an administrator revokes customs tokens."))
    with transaction.atomic():
        if not CustomsToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=actor):
            raise Conflict(_("This token was revoked already."))
        token.refresh_from_db()
        event_record(actor=actor, verb="customs_token.revoked", target=token, payload={"prefix": token.prefix})
    return token
