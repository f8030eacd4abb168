"""
Tables built on reported usage (realisaties), not on licence values: table 4 (dual-use top-10 destinations,
including general licences) and tables 9-15 (military general licences NL003-NL009).

These read licences.UsageReport (one actual export or transit: licence or general-licence registration,
exported_on, destination, movement, origin, ML category, value_eur). Each table is one grouped query.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, Sum

from licensing.applications.choices import Movement
from licensing.licences.models import UsageReport
from licensing.reference.models import GeneralLicenceKind

from .tables import DUAL_USE_GOODS, ZERO, InPeriod, Period, category_order, grouped

DESTINATION, ORIGIN = "destination", "origin"
EXPORTED = (Movement.EXPORT, Movement.TRANSFER)  # "definitieve uitvoer" (NL003-NL006 cover exports and transfers)
TRANSIT = (Movement.TRANSIT,)  # "doorvoer"


class GeneralLicenceTable(NamedTuple):
    """One of tables 9-15: the usage of one general licence, for some movements, by destination or by origin."""

    title: str  # the sheet name
    general_licence: str
    movements: tuple[str, ...]
    by: str  # DESTINATION, or ORIGIN ("per land van herkomst")
    source: str


# The report's tables on general-licence usage (seed 002 lines 2631-3285), keyed as the API answers them. The
# report numbers two tables 14 (NL008 and NL009 export); the second is "table_14_nl009" here.
GENERAL_LICENCE_TABLES = {
    "NL003": GeneralLicenceTable("table_9", "NL003", EXPORTED, DESTINATION, "seed 002 line 2639: exports to the armed forces of EU member states, Norway, Iceland, the UK"),
    "NL004": GeneralLicenceTable("table_10", "NL004", EXPORTED, DESTINATION, "seed 002 line 2719: exports to certified companies (Directive 2009/43/EC)"),
    "NL005": GeneralLicenceTable("table_11", "NL005", EXPORTED, DESTINATION, "seed 002 line 2756: demonstration, evaluation or exhibition"),
    "NL006": GeneralLicenceTable("table_12", "NL006", EXPORTED, DESTINATION, "seed 002 line 2840: repair, maintenance and overhaul"),
    "NL007": GeneralLicenceTable("table_13", "NL007", TRANSIT, DESTINATION, "seed 002 line 2924: transit of goods coming from allies, by destination"),
    "NL008": GeneralLicenceTable("table_14", "NL008", TRANSIT, ORIGIN, "seed 002 line 3031: transit to allies, by country of origin"),
    "NL009": GeneralLicenceTable("table_14_nl009", "NL009", EXPORTED, DESTINATION, "seed 002 line 3156: F-35 programme, export"),
    "NL009_transit": GeneralLicenceTable("table_15", "NL009", TRANSIT, DESTINATION, "seed 002 line 3235: F-35 programme, transit"),
}


@dataclass
class UsageRow:
    country: str | None  # destination, or origin for a table by origin (None: the report gave no origin)
    value_eur: Decimal
    categories: list[str] = field(default_factory=list)  # the ML categories reported ("ML code(s)")


@dataclass
class UsageTable(InPeriod):
    period: Period
    title: str
    rows: list[UsageRow] = field(default_factory=list)
    by: str = DESTINATION
    available: bool = True  # kept in the API's answer: every table is available since usage reports exist
    missing: list[str] = field(default_factory=list)

    @property
    def total_eur(self) -> Decimal:
        return sum((r.value_eur for r in self.rows), ZERO)


def _in_period(period: Period):
    return UsageReport.objects.filter(exported_on__gte=period.start, exported_on__lt=period.end)


def _by_country(reports, country_field: str, limit: int | None = None) -> list[UsageRow]:
    """Reported value by country (and the ML categories reported for it), highest first; one query."""
    rows: dict[str | None, UsageRow] = {}
    for (country, category), sums in grouped(reports, (country_field, "ml_category"), total=Sum("value_eur")).items():
        row = rows.setdefault(country, UsageRow(country=country, value_eur=ZERO))
        row.value_eur += sums["total"] or ZERO
        if category:
            row.categories.append(category)
    for row in rows.values():
        row.categories.sort(key=category_order)
    ordered = sorted(rows.values(), key=lambda r: (-r.value_eur, r.country or "~"))
    return ordered[:limit] if limit else ordered


def dual_use_top_destinations(period: Period, *, limit: int = 10) -> UsageTable:
    """
    Table 4 (seed 002 lines 507-548): the `limit` destinations with the highest reported dual-use exports in the
    period, under individual and global licences and under general licences (EU001-EU008, NL900). One query.
    """
    reports = _in_period(period).filter(
        Q(licence__goods_kind__in=DUAL_USE_GOODS)
        | Q(registration__general_licence__kind__in=[GeneralLicenceKind.DUAL_USE_EU, GeneralLicenceKind.DUAL_USE_NATIONAL])
    )
    return UsageTable(period=period, title="table_4", rows=_by_country(reports, "destination_id", limit))


def general_licence_usage(period: Period, *, table: str) -> UsageTable:
    """One of tables 9-15 (`table` is a key of GENERAL_LICENCE_TABLES): reported usage in the period. One query."""
    spec = GENERAL_LICENCE_TABLES[table]
    reports = _in_period(period).filter(registration__general_licence_id=spec.general_licence, movement__in=spec.movements)
    rows = _by_country(reports, "origin_id" if spec.by == ORIGIN else "destination_id")
    missing = []
    if spec.by == ORIGIN and any(r.country is None for r in rows):
        missing.append("origin: some transit under this general licence was reported without its country of origin")
    return UsageTable(period=period, title=spec.title, rows=rows, by=spec.by, missing=missing)


def general_licence_tables(period: Period) -> dict[str, UsageTable]:
    """Tables 9-15, keyed as GENERAL_LICENCE_TABLES."""
    return {key: general_licence_usage(period, table=key) for key in GENERAL_LICENCE_TABLES}
