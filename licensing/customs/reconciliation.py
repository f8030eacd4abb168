"""Three-way reconciliation of a licence or registration: what it authorises, what Customs wrote off at the border
(write-offs that stand) and what the holder reported (licences.usage), per line and half-year period.

A usage report counts against the line the usage rules give it (licences.usage.lines_by_entry: by control entry);
periods are the half-years of the usage reports (licences.selectors.half_years). Mismatches:

- reported_not_declared: a line reported more in a period than Customs wrote off (in the line's unit when it is
  authorised by quantity, else in euro; registrations in euro);
- declared_not_reported: Customs wrote off more in a period than was reported, once the period's report was due
  (REPORT_WITHIN_DAYS after its end, the rule of the overdue list);
- over_authorisation: Customs' or the reports' total of a line above what the line authorises;
- condition_unmet / condition_breached: a licence condition's due date passed unmet, or usage contradicting a
  standing condition (licences.conditions.condition_mismatches says which);
- outside_terms: write-offs or reports dated outside the licence's validity (a registration: before it was
  registered or after it was revoked), to a destination it does not cover (a registration: its general licence's
  rule, customs.services.registration_destination_refusal), or reports of goods not on the licence.

`reconciliation_of` computes it (read-only); `flags_sync` keeps the mismatches as ReconciliationFlags (open until
no longer found or explained by an officer); `reconcile_all` runs both for every licence and registration with
write-offs or reports (nightly, Celery beat).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError
from licensing.core.permissions import refuse_unless
from licensing.licences.conditions import condition_mismatches, licences_with_condition_mismatches
from licensing.licences.models import Licence, LicenceLine, Registration, UsageReport
from licensing.licences.selectors import REPORT_WITHIN_DAYS
from licensing.licences.usage import lines_by_entry, report_line

from .models import CustomsWriteOff, MismatchKind, ReconciliationFlag, Resolution

READING = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)  # officials read the reconciliation and the flags
RESOLVING = (Role.OFFICER, Role.ADMINISTRATOR)  # the licensing office explains a flag
ZERO = Decimal(0)


@dataclass
class Amount:
    quantity: Decimal = ZERO
    value_eur: Decimal = ZERO

    def add(self, quantity, value) -> None:
        self.quantity += quantity or ZERO
        self.value_eur += value or ZERO


@dataclass
class PeriodRow:
    start: date
    end: date
    customs: Amount = field(default_factory=Amount)
    reported: Amount = field(default_factory=Amount)


@dataclass
class LineRow:
    number: int | None  # 1 = the licence's first line; None: a registration's whole use, or goods not on the licence
    control_entry: str
    unit: str
    authorised: Amount | None  # None: a registration authorises no quantities
    by_quantity: bool  # compared in the unit (a line authorised by quantity), else in euro
    customs: Amount = field(default_factory=Amount)
    reported: Amount = field(default_factory=Amount)
    periods: dict[date, PeriodRow] = field(default_factory=dict)

    def period(self, day: date) -> PeriodRow:
        start = date(day.year, 1 if day.month <= 6 else 7, 1)
        if start not in self.periods:
            end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
            self.periods[start] = PeriodRow(start, end)
        return self.periods[start]

    @property
    def period_rows(self) -> list[PeriodRow]:
        return [self.periods[start] for start in sorted(self.periods)]


@dataclass(frozen=True)
class Mismatch:
    kind: str
    key: str
    line_number: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    figures: dict = field(default_factory=dict)


@dataclass
class Reconciliation:
    held: Licence | Registration
    lines: list[LineRow]
    mismatches: list[Mismatch]


def reconciliation_of(held: Licence | Registration, *, today: date | None = None) -> Reconciliation:
    today = today or timezone.localdate()
    if isinstance(held, Registration):
        return _registration(held, today)
    return _licence(held, today)


def _licence(licence: Licence, today: date) -> Reconciliation:
    lines = list(LicenceLine.objects.filter(licence=licence).order_by("position", "id"))
    rows = {
        line.pk: LineRow(
            number=i, control_entry=line.control_entry, unit=line.unit, authorised=Amount(line.quantity or ZERO, line.value_eur), by_quantity=line.quantity is not None
        )
        for i, line in enumerate(lines, start=1)
    }
    destinations = {c.code for c in licence.destinations.all()}
    outside = _Outside()
    for w in _write_offs(licence=licence):
        row = rows[w["line_id"]]
        row.customs.add(w["quantity"], w["value_eur"])
        row.period(w["exported_on"]).customs.add(w["quantity"], w["value_eur"])
        outside.check_licence(licence, destinations, "customs", row.number, w)
    by_entry = lines_by_entry(lines)
    not_on_licence: dict[str, LineRow] = {}
    for r in _reports(licence=licence):
        line = report_line(by_entry, r["control_entry"])
        if line is None:
            row = not_on_licence.setdefault(r["control_entry"], LineRow(number=None, control_entry=r["control_entry"], unit="", authorised=None, by_quantity=False))
            outside.add("reported", None, "not_on_licence", r, entry=r["control_entry"])
        else:
            row = rows[line.pk]
        row.reported.add(r["quantity"], r["value_eur"])
        row.period(r["exported_on"]).reported.add(r["quantity"], r["value_eur"])
        outside.check_licence(licence, destinations, "reported", row.number, r)
    all_rows = [*rows.values(), *not_on_licence.values()]
    mismatches = [*_period_mismatches(rows.values(), today), *_over_authorisation(rows.values()), *outside.mismatches(), *_condition_mismatches(licence, today)]
    return Reconciliation(licence, all_rows, mismatches)


def _condition_mismatches(licence: Licence, today: date) -> list[Mismatch]:
    kinds = {"unmet": MismatchKind.CONDITION_UNMET, "breached": MismatchKind.CONDITION_BREACHED}
    return [
        Mismatch(kind=kinds[m.kind], key=f"{kinds[m.kind]}:{m.condition.pk}", figures={**m.figures, "condition": m.condition.pk})
        for m in condition_mismatches(licence, today=today)
    ]


def _registration(registration: Registration, today: date) -> Reconciliation:
    from .services import registration_destination_refusal  # the one call of the general licence's destination rule

    row = LineRow(number=None, control_entry="", unit="", authorised=None, by_quantity=False)
    outside = _Outside()
    refusals: dict[tuple, str | None] = {}
    for source, items in (("customs", _write_offs(registration=registration)), ("reported", _reports(registration=registration))):
        for item in items:
            amount = row.customs if source == "customs" else row.reported
            amount.add(item["quantity"], item["value_eur"])
            period = row.period(item["exported_on"])
            (period.customs if source == "customs" else period.reported).add(item["quantity"], item["value_eur"])
            if item["exported_on"] < registration.registered_on:
                outside.add(source, None, "before_validity", item)
            if registration.revoked_on and item["exported_on"] > registration.revoked_on:
                outside.add(source, None, "after_validity", item)
            key = (item["destination_id"], item["exported_on"])  # the general licence's terms on the export date
            if key not in refusals:
                refusals[key] = registration_destination_refusal(registration, item["destination_id"], on=item["exported_on"])
            if refusals[key]:
                outside.add(source, None, "destination", item)
    return Reconciliation(registration, [row], [*_period_mismatches([row], today), *outside.mismatches()])


def _write_offs(**holder):
    # Summed per line, day and destination: as many rows as distinct days, not as declarations.
    return (
        CustomsWriteOff.objects.filter(reversed_at__isnull=True, **holder)
        .values("line_id", "exported_on", "destination_id")
        .annotate(quantity=Sum("quantity"), value_eur=Sum("value_eur"))
        .order_by("exported_on", "line_id", "destination_id")
    )


def _reports(**holder):
    return (
        UsageReport.objects.filter(**holder)
        .values("control_entry", "exported_on", "destination_id")
        .annotate(quantity=Sum("quantity"), value_eur=Sum("value_eur"))
        .order_by("exported_on", "control_entry", "destination_id")
    )


def _measure(row: LineRow, amount: Amount) -> Decimal:
    return amount.quantity if row.by_quantity else amount.value_eur


def _quantity(value: Decimal) -> str:
    return f"{value:.3f}"


def _euro(value: Decimal) -> str:
    return f"{value:.2f}"


def _figures(row: LineRow, **amounts: Amount) -> dict:
    unit, text = (row.unit, _quantity) if row.by_quantity else ("EUR", _euro)
    return {"unit": unit, **{name: text(_measure(row, amount)) for name, amount in amounts.items()}}


def _period_mismatches(rows, today: date) -> list[Mismatch]:
    found = []
    for row in rows:
        line = row.number or 0
        for period in row.period_rows:
            customs, reported = _measure(row, period.customs), _measure(row, period.reported)
            if reported > customs:
                kind = MismatchKind.REPORTED_NOT_DECLARED
            elif customs > reported and period.end + timedelta(days=REPORT_WITHIN_DAYS) < today:
                kind = MismatchKind.DECLARED_NOT_REPORTED
            else:
                continue
            found.append(Mismatch(
                kind=kind, key=f"{kind}:{line}:{period.start.isoformat()}", line_number=row.number, period_start=period.start, period_end=period.end,
                figures=_figures(row, customs=period.customs, reported=period.reported),
            ))
    return found


def _over_authorisation(rows) -> list[Mismatch]:
    found = []
    for row in rows:
        for source, amount in (("customs", row.customs), ("reported", row.reported)):
            over_quantity = row.by_quantity and amount.quantity > row.authorised.quantity
            if over_quantity or amount.value_eur > row.authorised.value_eur:
                found.append(Mismatch(
                    kind=MismatchKind.OVER_AUTHORISATION, key=f"{MismatchKind.OVER_AUTHORISATION}:{row.number}:{source}", line_number=row.number,
                    figures={
                        "source": source, "unit": row.unit, "authorised_quantity": _quantity(row.authorised.quantity) if row.by_quantity else None,
                        "authorised_value_eur": _euro(row.authorised.value_eur), "quantity": _quantity(amount.quantity), "value_eur": _euro(amount.value_eur),
                    },
                ))
    return found


class _Outside:
    """Write-offs and reports outside the terms, gathered per (source, line, reason, goods entry): one mismatch each,
    with how many days, the first and last date and the destinations."""

    def __init__(self):
        self.groups: dict[tuple, dict] = defaultdict(lambda: {"days": 0, "first": None, "last": None, "destinations": set(), "value_eur": ZERO})

    def add(self, source: str, line: int | None, reason: str, item: dict, entry: str = "") -> None:
        group = self.groups[(source, line, reason, entry)]
        day = item["exported_on"]
        group["days"] += 1
        group["first"] = min(group["first"] or day, day)
        group["last"] = max(group["last"] or day, day)
        group["destinations"].add(item["destination_id"])
        group["value_eur"] += item["value_eur"] or ZERO

    def check_licence(self, licence: Licence, destinations: set[str], source: str, line: int | None, item: dict) -> None:
        if item["exported_on"] < licence.valid_from:
            self.add(source, line, "before_validity", item)
        if item["exported_on"] > licence.valid_to:
            self.add(source, line, "after_validity", item)
        if item["destination_id"] not in destinations:
            self.add(source, line, "destination", item)

    def mismatches(self) -> list[Mismatch]:
        return [
            Mismatch(
                kind=MismatchKind.OUTSIDE_TERMS, key=f"{MismatchKind.OUTSIDE_TERMS}:{source}:{line or 0}:{reason}:{entry}"[:200], line_number=line,
                figures={
                    "source": source, "reason": reason, "control_entry": entry, "days": g["days"], "first": g["first"].isoformat(), "last": g["last"].isoformat(),
                    "destinations": sorted(g["destinations"]), "value_eur": _euro(g["value_eur"]),
                },
            )
            for (source, line, reason, entry), g in sorted(self.groups.items(), key=lambda kv: tuple(str(k) for k in kv[0]))
        ]


# --- Flags -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SyncResult:
    raised: int
    cleared: int


def flags_sync(held: Licence | Registration, *, today: date | None = None) -> SyncResult:
    """Keep the holding's open flags equal to its mismatches: raise the new ones, clear those no longer found (the
    officer's explanations stand). Idempotent; one event on the holding when something changed."""
    holder = {"registration": held} if isinstance(held, Registration) else {"licence": held}
    with transaction.atomic():
        # The holding's row is locked so two runs for it (the nightly run and an officer's) take turns.
        type(held).objects.select_for_update().filter(pk=held.pk).first()
        mismatches = {m.key: m for m in reconciliation_of(held, today=today).mismatches}
        open_flags = {f.key: f for f in ReconciliationFlag.objects.filter(resolved_at__isnull=True, **holder)}
        explained = set(
            ReconciliationFlag.objects.filter(resolution=Resolution.EXPLAINED, key__in=list(mismatches), **holder).values_list("key", flat=True)
        )
        new = [m for key, m in mismatches.items() if key not in open_flags and key not in explained]
        gone = [f.pk for key, f in open_flags.items() if key not in mismatches]
        ReconciliationFlag.objects.bulk_create([
            ReconciliationFlag(
                kind=m.kind, key=m.key, line_number=m.line_number, period_start=m.period_start, period_end=m.period_end, figures=m.figures, **holder
            )
            for m in new
        ])
        for key, flag in open_flags.items():  # the figures of a flag still found follow the data
            if key in mismatches and flag.figures != mismatches[key].figures:
                ReconciliationFlag.objects.filter(pk=flag.pk).update(figures=mismatches[key].figures)
        ReconciliationFlag.objects.filter(pk__in=gone).update(resolved_at=timezone.now(), resolution=Resolution.GONE)
        if new or gone:
            event_record(
                actor=None, verb="reconciliation.flags_changed", target=held,
                payload={"raised": sorted(m.key for m in new), "cleared": sorted(k for k, f in open_flags.items() if f.pk in gone)},
            )
    return SyncResult(raised=len(new), cleared=len(gone))


def reconcile_all(*, today: date | None = None) -> SyncResult:
    """Reconcile every licence and registration with write-offs, reports, open flags or conditions that may be unmet
    or contradicted. Returns the totals."""
    licence_ids = (
        set(CustomsWriteOff.objects.filter(licence__isnull=False).values_list("licence_id", flat=True).distinct())
        | set(UsageReport.objects.filter(licence__isnull=False).values_list("licence_id", flat=True).distinct())
        | set(ReconciliationFlag.objects.filter(resolved_at__isnull=True, licence__isnull=False).values_list("licence_id", flat=True))
        | licences_with_condition_mismatches()
    )
    registration_ids = (
        set(CustomsWriteOff.objects.filter(registration__isnull=False).values_list("registration_id", flat=True).distinct())
        | set(UsageReport.objects.filter(registration__isnull=False).values_list("registration_id", flat=True).distinct())
        | set(ReconciliationFlag.objects.filter(resolved_at__isnull=True, registration__isnull=False).values_list("registration_id", flat=True))
    )
    raised = cleared = 0
    for model, ids in ((Licence, licence_ids), (Registration, registration_ids)):
        for held in model.objects.filter(pk__in=sorted(ids)).prefetch_related("destinations" if model is Licence else "general_licence").iterator(chunk_size=500):
            result = flags_sync(held, today=today)
            raised, cleared = raised + result.raised, cleared + result.cleared
    return SyncResult(raised=raised, cleared=cleared)


def flag_explain(*, actor, flag: ReconciliationFlag, note: str) -> ReconciliationFlag:
    """An officer explains a flag (e.g. the report was dated by invoice, the declaration by clearance): it closes and
    is not raised again for the same key."""
    refuse_unless(actor, RESOLVING, _("Only the licensing office explains a reconciliation flag."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the explanation."), fields={"note": [_("Give the explanation.")]})
    with transaction.atomic():
        if not ReconciliationFlag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=Resolution.EXPLAINED, resolved_by=actor, resolution_note=note
        ):
            raise Conflict(_("This flag is closed already."))
        flag.refresh_from_db()
        event_record(actor=actor, verb="reconciliation.flag_explained", target=flag.licence or flag.registration, reason=note, payload={"flag": flag.pk, "key": flag.key})
    return flag
