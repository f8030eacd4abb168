"""
Import of historical usage reports (realisaties) from a previous system (`manage.py import_usage FILE`), so that
tables 4 and 9-15 of the years before this system can be rebuilt (issue 19.8). The file has the usage upload's
columns (licences.usage.COLUMNS: CSV or XLSX, read by the same readers); `licence` is the holder's licence number or
general-licence registration number, and finds the holder. An optional `holder` column (the holder's KvK or EORI
number) names the holder of a licence imported without one (import_decisions' "(imported)"); when the licence has
a holder, the column must name that holder.

What is checked is what the record must be right about: the licence or registration exists, the date (not in the
future), the destination and origin, the control entry (on the licence, for a licence), the numbers, the
movement. What the previous system decided at the time is not decided again: the licence's status and validity
today and its limits. A realisation outside a general licence's terms of its day is recorded and flagged
(UsageReport.outside_terms), as an upload's is, not refused. The licence lines' used amounts grow by what is imported, as an upload's would.

All or nothing, with a row-by-row error list (`row N: field: message`); the same file imported again adds nothing
(its SHA-256 is kept on every row it wrote, UsageReport.imported_from).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from licensing.accounts.models import Organisation
from licensing.audit.services import event_record
from licensing.core.errors import DomainError
from licensing.licences.models import Licence, LicenceLine, Registration, UsageReport
from licensing.licences.serials import usage_serials_index
from licensing.licences.usage import (
    MAX_ROWS,
    REQUIRED,
    WITH_ORIGIN,
    RowSource,
    UsageTarget,
    general_licence_refusal,
    lines_by_entry,
    report_line,
    usage_decimal,
    usage_movement,
)
from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference.models import Country

BATCH = 5000


@dataclass
class HistoryResult:
    created: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class _Targets:
    """The licences and registrations the file names, looked up once each, whoever holds them."""

    def __init__(self):
        self.targets: dict[str, UsageTarget | None] = {}
        self.holders: dict[str, Organisation | None] = {}
        self.refusals: dict[tuple, str | None] = {}

    def outside_terms(self, registration: Registration, destination: str, on: date, origin: str | None = None) -> str:
        """The general-licence term the realisation breaks, on its day (terms have dates) and for its origin, or ''."""
        key = (registration.general_licence_id, destination, on, origin)
        if key not in self.refusals:
            with translation.override("en"):  # kept in English in the record, as an upload's are
                self.refusals[key] = general_licence_refusal(registration.general_licence, destination, on=on, origin=origin)
        return self.refusals[key] or ""

    def target(self, number: str) -> UsageTarget | None:
        if number not in self.targets:
            licence = Licence.objects.filter(number=number).prefetch_related("destinations", "lines").first()
            if licence is not None:
                self.targets[number] = UsageTarget(
                    licence=licence, destinations=frozenset(c.code for c in licence.destinations.all()), lines=lines_by_entry(licence.lines.all())
                )
            else:
                registration = Registration.objects.filter(number=number).select_related("general_licence", "organisation").first()
                self.targets[number] = UsageTarget(registration=registration) if registration else None
        return self.targets[number]

    def holder(self, identifier: str) -> Organisation | None:
        if identifier not in self.holders:
            self.holders[identifier] = Organisation.objects.filter(Q(kvk_number=identifier) | Q(eori_number=identifier.upper())).first()
        return self.holders[identifier]


def _check(row: dict, targets: _Targets, countries: frozenset, today: date) -> tuple[list[str], dict | None]:
    if any("\x00" in value for value in row.values()):
        return ["contains a NUL character"], None
    problems = ["more columns than the header"] if row.get("__extra__") else []
    problems += [f"{name}: required" for name in REQUIRED if not row.get(name)]
    if problems:
        return problems, None
    target = targets.target(row["licence"])
    if target is None:
        return [f"licence: no licence or registration '{row['licence']}' in this system (import the decisions first)"], None
    organisation = target.licence.holder if target.licence is not None else target.registration.organisation
    if row.get("holder"):
        named = targets.holder(row["holder"])
        if named is None:
            problems.append(f"holder: no organisation with KvK or EORI number '{row['holder']}'")
        elif organisation is not None and named.pk != organisation.pk:
            problems.append(f"holder: {row['licence']} is held by {organisation.name}, not {named.name}")
        organisation = organisation or named
    elif organisation is None:
        problems.append(f"holder: licence {row['licence']} has no holder in this system; give the holder's KvK or EORI number")
    try:
        exported_on = date.fromisoformat(row["exported_on"][:10])
        if exported_on > today:
            problems.append("exported_on: lies in the future")
    except ValueError:
        exported_on = None
        problems.append(f"exported_on: '{row['exported_on']}' is not a date (YYYY-MM-DD)")
    destination = row["destination"].upper()
    if destination not in countries:
        problems.append(f"destination: unknown country code '{destination}'")
    try:
        entry = parse_entry(row["control_entry"])
    except InvalidControlEntry as exc:
        entry = None
        problems.append(f"control_entry: {exc}")
    quantity, value = usage_decimal(row["quantity"], "quantity", problems), usage_decimal(row["value_eur"], "value_eur", problems)
    if quantity is not None and quantity <= 0:
        problems.append("quantity: must be greater than zero")
    if value is not None and value < 0:
        problems.append("value_eur: cannot be negative")
    movement, movement_problem = usage_movement(target, row.get("movement") or "")
    if movement_problem:
        problems.append(f"movement: {movement_problem}")
    origin = (row.get("origin") or "").upper() or (target.licence.origin_country_id if target.licence is not None and movement in WITH_ORIGIN else None)
    if row.get("origin"):
        if origin not in countries:
            problems.append(f"origin: unknown country code '{origin}'")
        elif movement and movement not in WITH_ORIGIN:
            problems.append(f"origin: only goods in transit have a country of origin; leave it empty for {movement}")
    line = None
    if target.licence is not None:
        if destination in countries and destination not in target.destinations:
            problems.append(f"destination: {destination} is not a destination of licence {target.licence.number}")
        if entry is not None:
            line = report_line(target.lines, entry.code)
            if line is None:
                problems.append(f"control_entry: {entry.code} is not on licence {target.licence.number}")
    if problems:
        return problems, None
    known_origin = origin if origin in countries else None
    outside = targets.outside_terms(target.registration, destination, exported_on, known_origin) if target.registration is not None else ""
    return [], {
        "organisation_id": organisation.pk, "licence_id": target.licence.pk if target.licence else None,
        "registration_id": target.registration.pk if target.registration else None, "line": line,
        "exported_on": exported_on, "destination_id": destination, "control_entry": entry.code, "ml_category": entry.ml_category or "",
        "quantity": quantity, "value_eur": value, "movement": movement, "origin_id": origin, "recipient": row["recipient"][:300],
        "serial_numbers": row.get("serial_numbers", ""), "lot_numbers": row.get("lot_numbers", ""), "outside_terms": outside[:500],
    }


def usage_history_import(*, rows: RowSource, sha256: str) -> HistoryResult:
    """Check every row, then write all of them or none; a file already imported adds nothing."""
    result = HistoryResult()
    if UsageReport.objects.filter(imported_from=sha256).exists():
        result.unchanged = UsageReport.objects.filter(imported_from=sha256).count()
        return result
    targets, countries, today = _Targets(), frozenset(Country.objects.values_list("code", flat=True)), timezone.localdate()
    count = 0
    try:
        for number, row in rows():
            count += 1
            if count > MAX_ROWS:
                result.errors.append(f"file: more than {MAX_ROWS} rows; split it")
                break
            problems, _ = _check(row, targets, countries, today)
            result.errors.extend(f"row {number}: {p}" for p in problems)
    except DomainError as exc:  # not CSV or XLSX, a broken file, a missing column
        result.errors.append(f"file: {exc.message}")
    if not count and not result.errors:
        result.errors.append("file: no rows")
    if result.errors:
        return result
    used: dict[int, list[Decimal]] = {}
    with transaction.atomic():
        batch = []
        for number, row in rows():
            _, clean = _check(row, targets, countries, today)
            line = clean.pop("line")
            if line is not None:
                totals = used.setdefault(line.pk, [Decimal(0), Decimal(0)])
                totals[0] += clean["quantity"]
                totals[1] += clean["value_eur"]
            batch.append(UsageReport(**clean, imported_from=sha256))
            if len(batch) >= BATCH:
                UsageReport.objects.bulk_create(batch)
                batch = []
        UsageReport.objects.bulk_create(batch)
        for line_id, (quantity, value) in used.items():
            LicenceLine.objects.filter(pk=line_id).update(used_quantity=F("used_quantity") + quantity, used_value_eur=F("used_value_eur") + value)
        usage_serials_index(UsageReport.objects.filter(imported_from=sha256))
        first = UsageReport.objects.filter(imported_from=sha256).order_by("pk").first()
        event_record(actor=None, verb="usage.imported", target=first, payload={"rows": count, "sha256": sha256})
    result.created = count
    return result
