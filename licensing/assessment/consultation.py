"""
Essentially identical transactions (Common Position Art. 4(2), Reg. 2021/821 Art. 16(5), Reg. 2019/125
Art. 23): an application resembling a denial of the last three years cannot be approved until the denying
state has been consulted.
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensing.applications.models import Application, Party
from licensing.audit.services import event_record
from licensing.core.names import names_match
from licensing.reference.control_list import InvalidControlEntry, parse_entry

from licensing.denials.models import DenialRegisterEntry

from .models import Consultation

LOOKBACK = timedelta(days=3 * 365)


def _category(code: str) -> str:
    """The entry compared at category level: ML6.a -> ML6; dual-use and anti-torture entries as parsed."""
    try:
        parsed = parse_entry(code)
    except InvalidControlEntry:
        return code.strip().upper()
    return parsed.ml_category or parsed.code.split(".")[0]


def denial_matches(application: Application) -> list[tuple[DenialRegisterEntry, str]]:
    """The denials this application is essentially identical to, each with why."""
    destinations = [c.code for c in application.destinations.all()]
    if not destinations:
        return []
    names = [(p.get_role_display(), p.name) for p in application.parties.all() if p.role in (Party.Role.CONSIGNEE, Party.Role.END_USER, Party.Role.ULTIMATE_END_USER)]
    entries = {line.control_entry: _category(line.control_entry) for line in application.goods.all() if line.control_entry}
    since = timezone.localdate() - LOOKBACK
    candidates = DenialRegisterEntry.objects.filter(destination_id__in=destinations, notified_on__gte=since, revoked_on__isnull=True)
    matches = []
    for denial in candidates:
        denied_category = _category(denial.control_entry)
        goods = next((entry for entry, category in entries.items() if entry.upper() == denial.control_entry.upper() or category == denied_category), None)
        if goods is None:
            continue
        parties = [
            f"{role.lower()} '{name}' matches '{denied}'"
            for role, name in names
            for denied in (denial.consignee, denial.end_user)
            if denied and names_match(name, denied)
        ]
        if not parties:
            continue
        reason = (
            f"{denial.notifying_state_id} denied {denial.reference} on {denial.notified_on:%Y-%m-%d}: same destination "
            f"{denial.destination_id}, {', '.join(parties)}, goods {goods} match {denial.control_entry}."
        )
        matches.append((denial, reason))
    return matches


@transaction.atomic
def consultations_flag(application: Application) -> list[Consultation]:
    """Create the consultations an application needs (idempotent)."""
    created = []
    for denial, reason in denial_matches(application):
        consultation, new = Consultation.objects.get_or_create(application=application, denial=denial, defaults={"match_reason": reason})
        if new:
            created.append(consultation)
            event_record(actor=None, verb="consultation.required", target=application, reason=reason, payload={"denial": denial.pk})
    return created
