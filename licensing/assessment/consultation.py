"""
Essentially identical transactions (Common Position Art. 4(2), Reg. 2021/821 Art. 16(5), Reg. 2019/125
Art. 23): an application resembling another member state's denial of the last three years cannot be approved until
the denying state has been consulted. Only other states' denials: "Before granting an application that is
essentially identical to one another member state denied, the licensing authority must consult that member state"
(PROCESS.md 6.1); there is nothing to consult about our own (they are screened, licensing.screening).

Essentially identical means all three of:
- the same goods: the same control entry, or one a sub-item of the other (ML15.a and ML15.a.1; an entry given as
  a whole category, ML5, contains ML5.b); two different sub-items of one category are different goods (ML15.a and
  ML15.c), so the ML category alone is no match;
- the same destination;
- a matching consignee or end user, by the one name normaliser (licensing.core.names.names_match).
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from licensing.applications.models import Application, Party
from licensing.audit.services import event_record
from licensing.core.names import names_match
from licensing.reference.control_list import InvalidControlEntry, parse_entry

from licensing.denials.models import DenialRegisterEntry

from .models import Consultation

LOOKBACK = timedelta(days=3 * 365)


def _entry(code: str) -> str:
    """An entry in its normalised form (ML6.A -> ML6.a), or as written upper-cased when it is no known entry."""
    try:
        return parse_entry(code).code
    except InvalidControlEntry:
        return code.strip().upper()


def same_goods(entry: str, denied: str) -> bool:
    """Whether two control entries name the same goods: equal, or one a sub-item of the other (not siblings)."""
    a, b = _entry(entry).lower(), _entry(denied).lower()
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def denial_matches(application: Application) -> list[tuple[DenialRegisterEntry, str]]:
    """The other member states' denials this application is essentially identical to, each with why."""
    destinations = [c.code for c in application.destinations.all()]
    if not destinations:
        return []
    names = [(p.get_role_display(), p.name) for p in application.parties.all() if p.role in (Party.Role.CONSIGNEE, Party.Role.END_USER, Party.Role.ULTIMATE_END_USER)]
    entries = [line.control_entry for line in application.goods.all() if line.control_entry]
    since = timezone.localdate() - LOOKBACK
    candidates = (
        DenialRegisterEntry.objects.filter(destination_id__in=destinations, notified_on__gte=since, revoked_on__isnull=True, own=False)
        .exclude(notifying_state_id=settings.NOTIFYING_STATE)
        .order_by("notified_on", "pk")
    )
    matches = []
    for denial in candidates:
        goods = next((entry for entry in entries if same_goods(entry, denial.control_entry)), None)
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
