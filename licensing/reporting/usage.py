"""
Tables built on reported usage (realisaties), not on licence values: table 4 (dual-use top-10 destinations,
including general licences) and tables 9-15 (military general licences NL003-NL009).

These read licences.UsageReport (one actual export: licence or general-licence registration, exported_on,
destination, value_eur). While that model is not installed the functions answer `available=False` with the
reason, so the report pages and the API show the gap instead of a wrong zero.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum

from licensing.reference.models import GeneralLicenceKind

from .tables import DUAL_USE_GOODS, ZERO, Period

# The report's tables on general-licence usage (seed 002 lines 2631-3285), by general licence.
GENERAL_LICENCE_TABLES = {
    "NL003": ("table_9", "seed 002 line 2639: exports to the armed forces of EU member states, Norway, Iceland, the UK"),
    "NL004": ("table_10", "seed 002 line 2719: exports to certified companies (Directive 2009/43/EC)"),
    "NL005": ("table_11", "seed 002 line 2756: demonstration, evaluation or exhibition"),
    "NL006": ("table_12", "seed 002 line 2840: repair, maintenance and overhaul"),
    "NL007": ("table_13", "seed 002 line 2924: transit of goods coming from allies"),
    "NL008": ("table_14", "seed 002 line 3031: transit to allies, by country of ORIGIN"),
    "NL009": ("table_14_15", "seed 002 lines 3156 and 3235: F-35 programme, export (table 14) and transit (table 15)"),
}
# What the report asks that usage reports do not record (yet).
GAPS = {
    "NL008": "table 14 lists NL008 transit by country of origin; a usage report records no origin, so this table is by destination",
    "NL009": "tables 14 and 15 split NL009 into export and transit; a usage report records no movement, so both are one table",
}


@dataclass
class UsageRow:
    country: str
    value_eur: Decimal


@dataclass
class UsageTable:
    period: Period
    title: str
    rows: list[UsageRow] = field(default_factory=list)
    available: bool = True
    missing: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def month(self) -> int | None:
        return self.period.month

    @property
    def total_eur(self) -> Decimal:
        return sum((r.value_eur for r in self.rows), ZERO)


def _usage_model():
    try:
        return apps.get_model("licences", "UsageReport")
    except LookupError:
        return None


def _unavailable(period: Period, title: str) -> UsageTable:
    return UsageTable(
        period=period,
        title=title,
        available=False,
        missing=["usage reports: needs licences.UsageReport (licence or registration, exported_on, destination, value_eur)"],
    )


def _by_destination(reports, limit: int | None = None) -> list[UsageRow]:
    grouped = reports.order_by().values("destination_id").annotate(total=Sum("value_eur")).order_by("-total", "destination_id")
    if limit:
        grouped = grouped[:limit]
    return [UsageRow(country=row["destination_id"], value_eur=row["total"] or ZERO) for row in grouped]


def dual_use_top_destinations(period: Period, *, limit: int = 10) -> UsageTable:
    """
    Table 4 (seed 002 lines 507-548): the `limit` destinations with the highest reported dual-use exports in the
    period, under individual and global licences and under general licences (EU001-EU008, NL900). One query.
    """
    title = "table_4"
    model = _usage_model()
    if model is None:
        return _unavailable(period, title)
    reports = model.objects.filter(exported_on__gte=period.start, exported_on__lt=period.end).filter(
        Q(licence__goods_kind__in=DUAL_USE_GOODS)
        | Q(registration__general_licence__kind__in=[GeneralLicenceKind.DUAL_USE_EU, GeneralLicenceKind.DUAL_USE_NATIONAL])
    )
    return UsageTable(period=period, title=title, rows=_by_destination(reports, limit))


def general_licence_usage(period: Period, *, general_licence: str) -> UsageTable:
    """Tables 9-15: reported usage under one military general licence (NL003-NL009) in the period, by destination."""
    title = GENERAL_LICENCE_TABLES.get(general_licence, (general_licence, ""))[0]
    model = _usage_model()
    if model is None:
        return _unavailable(period, title)
    reports = model.objects.filter(
        exported_on__gte=period.start, exported_on__lt=period.end, registration__general_licence_id=general_licence
    )
    missing = [GAPS[general_licence]] if general_licence in GAPS else []
    return UsageTable(period=period, title=title, rows=_by_destination(reports), missing=missing)


def general_licence_tables(period: Period) -> dict[str, UsageTable]:
    """Tables 9-15, one per general licence NL003-NL009."""
    return {code: general_licence_usage(period, general_licence=code) for code in GENERAL_LICENCE_TABLES}
