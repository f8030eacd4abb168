"""
The tables of the annual report (jaarrapportage, seed 002 tables 2-18) and of the monthly overviews
(maandoverzichten), computed for one period from the decisions.

Reads only what the decisions produced: Decision, Licence, LicenceLine, ParliamentNotification and our own
entries in the denial register; never workflow internals (applications, assessments). Every table is a fixed
number of aggregate queries, whatever the number of licences: values are summed in SQL, grouped by destination
and category; only replacement licences (few) are read line by line to split their extra value.

Counting rules, from the report's methodology (seed 002 line 797, "Methodologie", annex 1):

- A decision replaced by a decision on objection (bezwaar, Awb 7:11; Decision.replaced_by) is counted nowhere, its
  licence nor its denial: the new decision counts in the period it was taken (licences.models.in_force).
- "De vergunningwaarde geeft de maximum exportwaarde aan": a licence counts with its maximum authorised value,
  the sum of its lines (LicenceLine.value_eur), in the period of its decision (Decision.decided_on).
- "Vergunningen voor tijdelijke uitvoer zijn in de rapportage buiten beschouwing gelaten": temporary exports
  (Licence.temporary; demonstration, exhibition; they carry a re-import duty) are not counted. Trial and sample
  shipments are counted ("proef- of monsterzendingen worden wel opgenomen"): nothing marks them apart.
- "'retour-na-reparatie' vergunningen": licences to return goods after repair (Licence.return_after_repair) are
  not counted, "Het moet dan echter wel gaan om eerder vanuit Nederland geleverde goederen": only when the goods
  were earlier delivered from the Netherlands (Licence.repaired_goods_from_netherlands), whose value was reported
  when they first left. Goods from elsewhere returned after repair count like any export.
- "vergunningen waarvan de looptijd wordt verlengd" and "vergunningen die worden vervangen": renewals and
  replacements (Licence.replaces) are not counted again, "Indien een verlengings- of vervangingsvergunning met
  een hogere waarde ... wordt die meerwaarde wél gerapporteerd": a replacement with a higher value than the
  licence it replaces counts the difference, split over its lines in proportion to their values (to the cent,
  largest remainder first), so that every table adds up to the same total. A replacement is not counted as a
  new licence where tables count licences (tables 3 and 5).

A decision that issues some goods lines and denies others (issue 18.2) counts once as issued, with the value of its
licence (the issued lines only: LicenceLine), and each denied line counts as one denial with its own value
(denied_lines()): seed 002 line 446 counts the year's denials ("In 2024 zijn in totaal 9 aanvragen ... afgewezen")
as the rows of annex 6 ("Het volledige overzicht van de afgewezen aanvragen staat in bijlage 6"), where a denial
is one kind of goods with its quantity ("Korte omschrijving", "Aantal stuks"), and each denied line is its own row
there (its own register entry). A decision that denies every line is one denied application, as before.
A destination denied in a decision that issued the licence for the others (DecisionDestination) counts as one denial
too (denied_destinations()), its own register entry; its value is unknown (the application gives values per goods
line, not per destination), so it counts with no value, as the tables count a denial whose value is not known.

The methodology is written for the military tables (annex 1); we apply the same rules to the dual-use,
anti-torture, transit and brokering tables, as the report's transparency chapter does not count anything twice
(PROCESS.md 6.4). General-licence registrations (LicenceKind.GENERAL) authorise no value and are never counted
here: their use is reported through usage reports (see usage.py, tables 4 and 9-15).

Destinations (seed 002 line 2628, table 8 rows "EU/NAVO+", "EUROPESE UNIE", "DIVERSE"): a licence with one
destination counts for that country. A licence with several destinations (a global licence whose value cannot
be split by country) counts under a collective row: "EU" when every destination is an EU member state,
"EU_NATO_PLUS" when every destination is in the EU, NATO or NATO+ (AU, JP, NZ, CH), otherwise "VARIOUS".
In table 2 "EU" and "EU_NATO_PLUS" sit in the region eu_nato_plus (seed line 400, "Europese Unie/NAVO+") and
"VARIOUS" in global (seed line 420, "Globaal"). Group memberships are today's (reference data), not the year's.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.applications.choices import EndUse, GoodsKind, Movement
from licensing.denials.models import DenialRegisterEntry
from licensing.core.errors import DomainError
from licensing.licences.models import Decision, DecisionDestination, DecisionLine, Licence, LicenceKind, LicenceLine, Outcome, ParliamentNotification, Source, counted_as_denial, in_force
from licensing.reference.models import GroupCode
from licensing.reference.selectors import country_regions, group_members

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
FIRST_YEAR, LAST_YEAR = 2000, 2100

# Table 2's rows, in the report's order (seed 002 lines 364-437); the API's region codes.
REGIONS = (
    "north_africa",
    "sub_saharan_africa",
    "north_america",
    "central_america_caribbean",
    "south_america",
    "central_asia",
    "north_east_asia",
    "south_east_asia",
    "south_asia",
    "eu_nato_plus",
    "other_europe",
    "middle_east",
    "oceania",
    "global",
)
# Collective rows of table 8 for licences with several destinations (seed 002 line 2628).
EU = "EU"  # "EUROPESE UNIE"
EU_NATO_PLUS = "EU_NATO_PLUS"  # "EU/NAVO+"
VARIOUS = "VARIOUS"  # "DIVERSE"
COLLECTIVE_REGION = {EU: "eu_nato_plus", EU_NATO_PLUS: "eu_nato_plus", VARIOUS: "global"}
# A military line whose control entry gives no ML category (e.g. a dual-use line on a military licence).
UNCLASSIFIED = "unclassified"

# Definitive export of military goods (tables 2, 7, 8): exports and intra-EU transfers (overbrenging).
EXPORT_MOVEMENTS = (Movement.EXPORT, Movement.TRANSFER)
DUAL_USE_GOODS = (GoodsKind.DUAL_USE, GoodsKind.UNLISTED)
# The outcomes of applications for a licence (figure 5's whole): a sondage is a trial application (proefaanvraag).
APPLIED_FOR = (Outcome.ISSUED, Outcome.DENIED, Outcome.ANSWERED)


class DualUseKind:
    """The rows of table 3 (seed 002 lines 466-497), in the report's order."""

    INDIVIDUAL = "individual"  # "Individueel": one transaction to a destination outside the EU
    GLOBAL = "global"  # "Globaal"
    INTRA_EU = "intra_eu"  # "Intra EU": transfer to another member state (Annex IV items)
    CATCH_ALL = "catch_all"  # "Catch All": unlisted goods made licensable for one destination
    ORDER = (INDIVIDUAL, GLOBAL, INTRA_EU, CATCH_ALL)


# --- The period ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A report year, or one month of it (monthly overview). `end` is exclusive."""

    year: int
    month: int | None = None

    def __post_init__(self):
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise DomainError(_("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, fields={"year": [_("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}]})
        if self.month is not None and not 1 <= self.month <= 12:
            raise DomainError(_("Choose a month from 1 to 12."), fields={"month": [_("Choose a month from 1 to 12.")]})

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        if self.month is None or self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    @property
    def slug(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


T = TypeVar("T")


def without_jit(function: Callable[..., T]) -> Callable[..., T]:
    """
    Run a table's queries with PostgreSQL's JIT compiler off. The planner overestimates the destination rows
    (then a correlated subquery, now the join in _sum_by_destination), so it JIT-compiles a query that runs in
    tens of milliseconds, spending about two seconds compiling (measured: 2,29 s of 2,36 s for 100.000 licences
    in a year). A no-op on other databases.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        if connection.vendor != "postgresql":
            return function(*args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            return function(*args, **kwargs)

    return wrapper


# --- Rows ---------------------------------------------------------------------------------------------------
class InPeriod:
    """A table of one period: its `year`, and `month` for a monthly overview (what the serializers print)."""

    period: Period

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def month(self) -> int | None:
        return self.period.month


@dataclass
class RegionRow:
    region: str
    value_eur: Decimal
    share: Decimal  # percent of the total: Decimal("0.49") is 0.49 %


@dataclass
class CategoryRow:
    category: str
    value_eur: Decimal
    share: Decimal


@dataclass
class CountryRow:
    country: str  # ISO alpha-2, or EU / EU_NATO_PLUS / VARIOUS
    value_eur: Decimal
    categories: dict[str, Decimal]

    @property
    def collective(self) -> bool:
        return self.country in COLLECTIVE_REGION


@dataclass
class MilitaryTable(InPeriod):
    """Tables 2 (by region), 7 (by ML category) and 8 (by country x ML category); or table 17 for transit."""

    period: Period
    total_eur: Decimal
    by_region: list[RegionRow]
    by_category: list[CategoryRow]
    by_country: list[CountryRow]

    @property
    def categories(self) -> list[str]:
        """The categories with a value, in list order: the columns of table 8."""
        return [row.category for row in self.by_category]


@dataclass
class DualUseRow:
    kind: str
    issued_count: int
    issued_value_eur: Decimal
    denied_count: int
    # The value applied for (Decision.value_eur). None only when no denial of the row has a value recorded.
    denied_value_eur: Decimal | None = ZERO


@dataclass
class DualUseTable(InPeriod):
    """Table 3: dual-use licences issued and denied, counts and values, by kind."""

    period: Period
    rows: list[DualUseRow]
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> DualUseRow:
        denied_values = [r.denied_value_eur for r in self.rows]
        return DualUseRow(
            kind="total",
            issued_count=sum(r.issued_count for r in self.rows),
            issued_value_eur=sum((r.issued_value_eur for r in self.rows), ZERO),
            denied_count=sum(r.denied_count for r in self.rows),
            denied_value_eur=None if None in denied_values else sum(denied_values, ZERO),
        )


@dataclass
class AntiTortureRow:
    annex: str  # "II", "III", "IV"
    licence_count: int
    value_eur: Decimal
    destinations: list[str]
    end_use: str | None = None  # the end uses of the row's licences, "; "-joined (None when none is recorded)


@dataclass
class AntiTortureTable(InPeriod):
    """Table 5: anti-torture licences (Regulation (EU) 2019/125) by annex, with destinations and end use."""

    period: Period
    rows: list[AntiTortureRow]
    missing: list[str] = field(default_factory=list)


@dataclass
class BrokeringRow:
    licence: str
    decided_on: date
    destinations: list[str]
    origin: str | None  # country the goods come from ("land herkomst"), when recorded
    control_entries: list[str]
    description: str
    value_eur: Decimal  # the value of the brokering service, not of the goods (seed 002 footnote 48)
    replaces: str | None = None


@dataclass
class BrokeringTable(InPeriod):
    """Table 18 (first of that number): brokering licences for military goods (tussenhandel)."""

    period: Period
    rows: list[BrokeringRow]
    total_eur: Decimal


@dataclass
class DenialRow:
    reference: str
    destination: str
    goods: str
    control_entry: str
    quantity: str
    consignee: str  # "Ontvanger"
    end_user: str  # "Eindgebruiker"
    denied_on: date  # "Datum afwijzing"
    criteria: list[int]  # "Reden weigering (criterium/criteria)"
    goods_kind: str | None


@dataclass
class DenialTable(InPeriod):
    """Table 18 (second of that number, annex 6): our denials, as notified to the EU partners."""

    period: Period
    rows: list[DenialRow]


@dataclass
class ParliamentRow:
    licence: str
    holder: str
    destinations: list[str]
    value_eur: Decimal
    decided_on: date
    due_on: date
    sent_on: date | None
    status: str  # sent_on_time | sent_late | overdue | pending | not_recorded


@dataclass
class ParliamentTable(InPeriod):
    """The fast track (seed 002 line 436): licences parliament had to be told about within two weeks."""

    period: Period
    rows: list[ParliamentRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def due(self) -> int:
        return len(self.rows)

    @property
    def sent(self) -> int:
        return self.count("sent_on_time") + self.count("sent_late")


@dataclass
class DenialShare:
    """One point of figure 5: denied applications as a share of all applications applied for in a year."""

    year: int
    applied: int
    denied: int

    @property
    def share(self) -> Decimal:
        return _percent(Decimal(self.denied), Decimal(self.applied))


# --- Helpers ------------------------------------------------------------------------------------------------
def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return ZERO
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def category_order(category: str) -> tuple[int, str]:
    """ML1 < ML2 < ... < ML22 < anything else."""
    if category.startswith("ML") and category[2:].isdigit():
        return (int(category[2:]), category)
    return (10_000, category)


def region_of_row(country: str, regions: dict[str, str | None]) -> str:
    """
    The table-2 region of a table-8 row: a country's region in `regions` (country_regions(): one cache read for a
    whole table, not one per row), or the region of a collective row.
    """
    if country in COLLECTIVE_REGION:
        return COLLECTIVE_REGION[country]
    return regions.get(country) or "global"


def _counted(period: Period, goods_kinds: Iterable[str], movements: Iterable[str] | None = None, prefix: str = "") -> Q:
    """
    Licences counted in the period's tables: issued in the period, not temporary, not a return after repair of goods
    earlier delivered from the Netherlands.
    """
    p = prefix
    q = Q(
        **{
            f"{p}decision__outcome": Outcome.ISSUED,
            f"{p}decision__goods_kind__in": list(goods_kinds),
            f"{p}decision__decided_on__gte": period.start,
            f"{p}decision__decided_on__lt": period.end,
            f"{p}temporary": False,
        }
    ) & in_force(f"{p}decision__") & ~Q(**{f"{p}kind": LicenceKind.GENERAL}) & ~Q(**{f"{p}return_after_repair": True, f"{p}repaired_goods_from_netherlands": True})
    if movements is not None:
        q &= Q(**{f"{p}movement__in": list(movements)})
    return q


def destination_rows() -> QuerySet:
    """
    The table-8 row of each licence that has destinations, as rows (licence_id, row): its destination when it
    has one, else the collective row (EU, EU_NATO_PLUS, VARIOUS) its destinations fall in. A licence without
    destinations has no row here and counts as VARIOUS. Filter it by licence_id.

    One GROUP BY over the licences' destinations, so the row is computed once per licence (an index-only scan of
    the (licence, country) key), not once per line as a correlated subquery would: at 1,000,000 applications that
    subquery ran 59,340 times in the military table, in the one process above the parallel workers (0.7 s).
    """
    eu = sorted(group_members(GroupCode.EU))
    allied = sorted(group_members(GroupCode.EU) | group_members(GroupCode.NATO) | group_members(GroupCode.NATO_PLUS))
    row = Case(
        When(Exact(Count("country_id"), 1), then=Min("country_id")),
        When(Exact(Count("country_id", filter=~Q(country_id__in=eu)), 0), then=Value(EU)),
        When(Exact(Count("country_id", filter=~Q(country_id__in=allied)), 0), then=Value(EU_NATO_PLUS)),
        default=Value(VARIOUS),
        output_field=CharField(),
    )
    return Licence.destinations.through.objects.order_by().values("licence_id").annotate(row=row).values("licence_id", "row")


def _sum_by_destination(lines: QuerySet, keys: Sequence[str]) -> dict[tuple, Decimal]:
    """
    {(table-8 row, values of `keys`...): sum of value_eur} over `lines`: the lines once (a CTE), joined to the
    destination row of their licences (destination_rows(), restricted to those licences), then grouped.
    Written as SQL around the ORM's own SQL for both parts, as the ORM cannot join a grouped subquery.
    """
    # Named columns (each an alias), so the outer query does not depend on the order the ORM selects them in.
    names = {f"key_{i}": F(key) for i, key in enumerate(keys)}
    line_sql, line_params = lines.order_by().values(line_licence=F("licence_id"), line_value=F("value_eur"), **names).query.sql_with_params()
    rows_sql, rows_params = destination_rows().filter(licence_id__in=RawSQL("SELECT line_licence FROM counted_line", ())).query.sql_with_params()
    key_list = "".join(f", line.{name}" for name in names)
    sql = (
        f"WITH counted_line AS ({line_sql}) "
        f"SELECT COALESCE(destination.row, %s){key_list}, SUM(line.line_value) "
        f"FROM counted_line line LEFT JOIN ({rows_sql}) destination ON destination.licence_id = line.line_licence "
        f"GROUP BY 1{''.join(f', {i + 2}' for i in range(len(names)))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*line_params, VARIOUS, *rows_params))
        return {tuple(row[:-1]): _decimal(row[-1]) for row in cursor.fetchall()}


def _decimal(value) -> Decimal:
    # PostgreSQL returns Decimal; SQLite a number (what its ORM converter would make a Decimal of).
    return value if isinstance(value, Decimal) or value is None else Decimal(str(value))


def split_to_cents(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `amount` over `weights` in proportion, to the cent, so that the parts add up to `amount` exactly."""
    if not weights:
        return []
    total = sum(weights, Decimal(0))
    if total <= 0:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    exact = [Decimal(cents) * w / total for w in weights]
    parts = [int(e) for e in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def grouped(queryset: QuerySet, keys: Sequence[str], **aggregates: Aggregate) -> dict[tuple, dict[str, Any]]:
    """
    One GROUP BY query: {(values of `keys`): {name: aggregate}}. The aggregation every table is made of (sums and
    counts by destination, category, kind, annex or origin), in one place.
    """
    rows = queryset.order_by().values(*keys).annotate(**aggregates)
    return {tuple(row[k] for k in keys): {name: row[name] for name in aggregates} for row in rows}


def counted_amounts(lines: QuerySet, keys: tuple[str, ...], *, by_destination: bool = False, plain: dict[tuple, Decimal | None] | None = None) -> dict[tuple, Decimal]:
    """
    The counted value of `lines` grouped by `keys` (fields or annotations of the lines): plain licences summed
    in SQL; replacements with their extra value over the licence they replace, split over their lines.
    `by_destination` puts the licence's table-8 row (destination_rows()) before the keys. `plain`: the plain
    licences' sums by key when the caller has them already (from its own grouped query), else they are summed here.
    """
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    if plain is None:
        plain_lines = lines.filter(licence__replaces__isnull=True)
        if by_destination:
            plain = _sum_by_destination(plain_lines, keys)
        else:
            plain = {key: row["total"] for key, row in grouped(plain_lines, keys, total=Sum("value_eur")).items()}
    for key, total in plain.items():
        totals[key] += total or ZERO
    replacements = lines.filter(licence__replaces__isnull=False)
    if by_destination:
        # Few lines: the row as a correlated subquery per line, from the same definition.
        row = Subquery(destination_rows().filter(licence_id=OuterRef("licence_id")).values("row")[:1], output_field=CharField())
        replacements, keys = replacements.annotate(destination_row=Coalesce(row, Value(VARIOUS))), ("destination_row", *keys)
    replacement_lines = replacements.order_by("licence_id", "position", "pk").values(
        "licence_id", "value_eur", "licence__value_eur", "licence__replaces__value_eur", *keys
    )
    by_licence: dict[int, list[dict]] = defaultdict(list)
    for row in replacement_lines:
        by_licence[row["licence_id"]].append(row)
    for rows in by_licence.values():
        extra = rows[0]["licence__value_eur"] - rows[0]["licence__replaces__value_eur"]
        if extra <= 0:
            continue
        for row, part in zip(rows, split_to_cents(extra, [r["value_eur"] for r in rows])):
            totals[tuple(row[k] for k in keys)] += part
    return {key: value.quantize(CENT) for key, value in totals.items() if value}


# --- Tables 2, 7, 8 and 17: military goods by destination and category -----------------------------------------
def military_matrix(period: Period, movements: Iterable[str] = EXPORT_MOVEMENTS) -> dict[tuple[str, str], Decimal]:
    """{(table-8 row, ML category): counted value} for military licences of `movements` issued in the period."""
    lines = LicenceLine.objects.filter(_counted(period, [GoodsKind.MILITARY], movements, prefix="licence__"))
    matrix = counted_amounts(lines, ("ml_category",), by_destination=True)
    return {(row, category or UNCLASSIFIED): value for (row, category), value in matrix.items()}


@without_jit
def military_table(period: Period, movements: Iterable[str] = EXPORT_MOVEMENTS) -> MilitaryTable:
    """
    Tables 2, 7 and 8 (seed 002 lines 364-437, 805-887, 894-2625): the value of licences for the definitive
    export of military goods by region, by ML category and by country x ML category, with shares of the total.
    All three come from one matrix, so their totals are equal by construction.

    Rows: every region in the report's order (zero rows included, as table 2 prints all fourteen); categories
    with a value in ML order (table 7 leaves out empty categories: ML12, ML19 and ML20 in 2024); countries and
    collective rows with a value, by value descending, then code.
    """
    matrix = military_matrix(period, movements)
    total = sum(matrix.values(), ZERO)
    regions: dict[str, Decimal] = dict.fromkeys(REGIONS, ZERO)
    categories: dict[str, Decimal] = defaultdict(Decimal)
    countries: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    region_by_code = country_regions()
    for (country, category), value in matrix.items():
        regions[region_of_row(country, region_by_code)] += value
        categories[category] += value
        countries[country][category] += value
    by_country = [
        CountryRow(country=code, value_eur=sum(cells.values(), ZERO), categories={c: cells[c] for c in sorted(cells, key=category_order)})
        for code, cells in countries.items()
    ]
    by_country.sort(key=lambda row: (-row.value_eur, row.country))
    return MilitaryTable(
        period=period,
        total_eur=total,
        by_region=[RegionRow(region=r, value_eur=v, share=_percent(v, total)) for r, v in regions.items()],
        by_category=[CategoryRow(category=c, value_eur=categories[c], share=_percent(categories[c], total)) for c in sorted(categories, key=category_order)],
        by_country=by_country,
    )


def transit_table(period: Period) -> MilitaryTable:
    """Table 17 (seed 002 lines 3290-3347): licences for the transit (doorvoer) of military goods, by destination x ML."""
    return military_table(period, movements=[Movement.TRANSIT])


# --- Table 3: dual-use licences by kind ------------------------------------------------------------------------
def _dual_use_kind(decision: str) -> Case:
    """The table-3 row, from the decision at path `decision` ("licence__decision__" from a line, "" on Decision)."""
    return Case(
        When(**{f"{decision}catch_all": True}, then=Value(DualUseKind.CATCH_ALL)),
        When(**{f"{decision}movement": Movement.TRANSFER}, then=Value(DualUseKind.INTRA_EU)),
        When(**{f"{decision}licence_kind": LicenceKind.GLOBAL}, then=Value(DualUseKind.GLOBAL)),
        default=Value(DualUseKind.INDIVIDUAL),
        output_field=CharField(),
    )


@without_jit
def dual_use_table(period: Period) -> DualUseTable:
    """
    Table 3 (seed 002 lines 466-497): dual-use licences issued and denied in the period, counts and values, by
    kind: individual, global, intra-EU (transfer of Annex IV items) and catch-all (Decision.catch_all, unlisted
    goods). A catch-all decision counts as catch-all whatever its movement or kind; a transfer as intra-EU.
    A denial counts with the value applied for (Decision.value_eur: the goods lines' values, or the imported
    row's value). Denials recorded before values were kept have none; `missing` says how many.
    """
    # The plain licences counted and their lines summed in one pass over the year's licences (a licence without
    # lines counts, with no value); the replacements' extra value is added by counted_amounts.
    issued = grouped(
        Licence.objects.filter(_counted(period, DUAL_USE_GOODS), replaces__isnull=True).annotate(table_row=_dual_use_kind("decision__")),
        ("table_row",),
        n=Count("pk", distinct=True),
        total=Sum("lines__value_eur"),
    )
    lines = LicenceLine.objects.filter(_counted(period, DUAL_USE_GOODS, prefix="licence__")).annotate(table_row=_dual_use_kind("licence__decision__"))
    values = counted_amounts(lines, ("table_row",), plain={key: row["total"] for key, row in issued.items()})
    denied = grouped(
        Decision.objects.filter(counted_as_denial(), in_force(), goods_kind__in=DUAL_USE_GOODS, decided_on__gte=period.start, decided_on__lt=period.end)
        .exclude(licence_kind=LicenceKind.GENERAL)
        .annotate(table_row=_dual_use_kind("")),
        ("table_row",),
        n=Count("pk"),
        value=Sum("value_eur"),
        unknown=Count("pk", filter=Q(value_eur__isnull=True)),
    )
    # The lines denied in decisions that issued the others: each one denial, with its own value.
    lines_denied = grouped(
        denied_lines(period.start, period.end, DUAL_USE_GOODS).annotate(table_row=_dual_use_kind("decision__")),
        ("table_row",),
        n=Count("pk"),
        value=Sum("value_eur"),
        unknown=Count("pk", filter=Q(value_eur__isnull=True)),
    )
    # The destinations denied in decisions that issued the licence for the others: each one denial, value unknown.
    destinations_denied = grouped(
        denied_destinations(period.start, period.end, DUAL_USE_GOODS).annotate(table_row=_dual_use_kind("decision__")),
        ("table_row",),
        n=Count("pk"),
    )
    _add_denials(denied, lines_denied)
    _add_denials(denied, {key: {"n": row["n"], "value": None, "unknown": row["n"]} for key, row in destinations_denied.items()})
    rows = []
    for kind in DualUseKind.ORDER:
        denials = denied.get((kind,), {"n": 0, "value": ZERO, "unknown": 0})
        rows.append(
            DualUseRow(
                kind=kind,
                issued_count=issued.get((kind,), {"n": 0})["n"],
                issued_value_eur=values.get((kind,), ZERO),
                denied_count=denials["n"],
                denied_value_eur=None if denials["n"] and denials["unknown"] == denials["n"] else (denials["value"] or ZERO).quantize(CENT),
            )
        )
    unknown = sum(d["unknown"] for d in denied.values())
    missing = [
        f"denied_value_eur: {unknown} denial(s) without a known value (recorded before values were kept, or a destination denied on its own) are left out of the sums"
    ] if unknown else []
    return DualUseTable(period=period, rows=rows, missing=missing)


def _add_denials(denied: dict, more: dict) -> None:
    """Add denials counted elsewhere ({key: {"n", "value", "unknown"}}) to table 3's: the counts and the unknown
    values add up, the value stays unknown only where both sides had none."""
    for key, row in more.items():
        before = denied.get(key, {"n": 0, "value": None, "unknown": 0})
        value = None if before["value"] is None and row["value"] is None else (before["value"] or ZERO) + (row["value"] or ZERO)
        denied[key] = {"n": before["n"] + row["n"], "value": value, "unknown": before["unknown"] + row["unknown"]}


def _issued_in_part(start: date, end: date, goods_kinds: Iterable[str]) -> Q:
    """The decisions (prefix decision__) in force that issued a licence in the period, for goods of these kinds: those
    whose denied lines and destinations count as denials of their own."""
    return in_force("decision__") & Q(
        decision__outcome=Outcome.ISSUED, decision__goods_kind__in=list(goods_kinds), decision__decided_on__gte=start, decision__decided_on__lt=end
    ) & ~Q(decision__licence_kind=LicenceKind.GENERAL)


def denied_lines(start: date, end: date, goods_kinds: Iterable[str]) -> QuerySet:
    """The goods lines denied in the period by decisions that issued a licence for the others: each counts as one
    denial (see the module's docstring). A decision that denies every line counts once, as a Decision. A decision
    replaced on objection counts nowhere (its replacement does)."""
    return DecisionLine.objects.filter(_issued_in_part(start, end, goods_kinds), outcome=Outcome.DENIED)


def denied_destinations(start: date, end: date, goods_kinds: Iterable[str]) -> QuerySet:
    """The destinations denied in the period by decisions that issued a licence for the others: each counts as one
    denial, with no known value (see the module's docstring)."""
    return DecisionDestination.objects.filter(_issued_in_part(start, end, goods_kinds))


# --- Table 5: anti-torture goods by annex --------------------------------------------------------------------
def _annex() -> Case:
    # Normalised entries are ANNEX_II, ANNEX_III.2.1, ANNEX_IV...; test III and IV before their prefix II.
    return Case(
        When(control_entry__istartswith="ANNEX_III", then=Value("III")),
        When(control_entry__istartswith="ANNEX_IV", then=Value("IV")),
        When(control_entry__istartswith="ANNEX_II", then=Value("II")),
        default=Value(""),
        output_field=CharField(),
    )


@without_jit
def anti_torture_table(period: Period) -> AntiTortureTable:
    """
    Table 5 (seed 002 lines 583-604): anti-torture licences by annex (III: e.g. riot control, electric-shock
    devices; IV: medicines usable for executions), with the number of licences, their value and destinations.
    The end use ("Eindgebruik": law enforcement, veterinary/medical/pharmaceutical) is the application's, kept on
    the Decision: its description where the exporter gave one, else the end-use kind. Imported decisions carry
    none (see `missing`).
    """
    lines = LicenceLine.objects.filter(_counted(period, [GoodsKind.ANTI_TORTURE], prefix="licence__")).annotate(annex=_annex())
    # The plain licences' count and value in one query; the replacements' extra value added by counted_amounts.
    plain = grouped(lines.filter(licence__replaces__isnull=True), ("annex",), n=Count("licence_id", distinct=True), total=Sum("value_eur"))
    values = counted_amounts(lines, ("annex",), plain={key: row["total"] for key, row in plain.items()})
    counts = {a: row["n"] for (a,), row in plain.items()}
    destinations: dict[str, set[str]] = defaultdict(set)
    end_uses: dict[str, set[str]] = defaultdict(set)
    without_end_use = False
    # Destinations and end uses in one query (each line's licence destinations x its decision's end use).
    for annex, country, end_use, description in (
        lines.order_by().values_list("annex", "licence__destinations", "licence__decision__end_use", "licence__decision__end_use_description").distinct()
    ):
        if country:
            destinations[annex].add(country)
        if description.strip():
            end_uses[annex].add(" ".join(description.split()))
        elif end_use:
            end_uses[annex].add(str(EndUse(end_use).label))
        else:
            without_end_use = True
    order = ("II", "III", "IV", "")
    annexes = sorted({a for (a,) in values} | set(counts), key=lambda a: order.index(a) if a in order else len(order))
    rows = [
        AntiTortureRow(
            annex=a or UNCLASSIFIED,
            licence_count=counts.get(a, 0),
            value_eur=values.get((a,), ZERO),
            destinations=sorted(destinations[a]),
            end_use="; ".join(sorted(end_uses[a])) or None,
        )
        for a in annexes
    ]
    missing = ["end_use: decisions imported from a previous system record no end use"] if without_end_use else []
    return AntiTortureTable(period=period, rows=rows, missing=missing)


# --- Table 18: brokering -------------------------------------------------------------------------------------
@without_jit
def brokering_table(period: Period) -> BrokeringTable:
    """
    Table 18 (seed 002 lines 3359-3493): licences for brokering military goods (tussenhandel), with
    destination, origin, ML entries, goods and the value of the brokering service (footnote 48: not the goods').
    The service's value is Licence.brokering_value_eur when recorded, else the licence value.
    """
    # Values, not model instances: three queries whatever the number of licences, and no instance per row.
    licences = list(
        Licence.objects.filter(_counted(period, [GoodsKind.MILITARY], [Movement.BROKERING]))
        .order_by("decision__decided_on", "number")
        .values(
            "pk", "number", "decision__decided_on", "origin_country_id", "value_eur", "brokering_value_eur",
            "replaces__number", "replaces__value_eur", "replaces__brokering_value_eur",
        )
    )
    ids = [licence["pk"] for licence in licences]
    destinations: dict[int, list[str]] = defaultdict(list)
    lines: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if ids:
        for licence_id, country in Licence.destinations.through.objects.filter(licence_id__in=ids).values_list("licence_id", "country_id"):
            destinations[licence_id].append(country)
        for licence_id, entry, description in LicenceLine.objects.filter(licence_id__in=ids).order_by("licence_id", "position", "pk").values_list("licence_id", "control_entry", "description"):
            lines[licence_id].append((entry, description))
    rows = []
    for licence in licences:
        value = licence["brokering_value_eur"] if licence["brokering_value_eur"] is not None else licence["value_eur"]
        if licence["replaces__number"] is not None:
            before = licence["replaces__brokering_value_eur"] if licence["replaces__brokering_value_eur"] is not None else licence["replaces__value_eur"]
            value = max(value - before, ZERO)
        own_lines = lines[licence["pk"]]
        rows.append(
            BrokeringRow(
                licence=licence["number"],
                decided_on=licence["decision__decided_on"],
                destinations=sorted(destinations[licence["pk"]]),
                origin=licence["origin_country_id"],
                control_entries=list(dict.fromkeys(entry for entry, _ in own_lines)),
                description="; ".join(dict.fromkeys(description for _, description in own_lines if description)),
                value_eur=value,
                replaces=licence["replaces__number"],
            )
        )
    return BrokeringTable(period=period, rows=rows, total_eur=sum((r.value_eur for r in rows), ZERO))


# --- Annex 6: denials ------------------------------------------------------------------------------------------
@without_jit
def denial_table(period: Period, goods_kind: str | None = None) -> DenialTable:
    """
    Our denials in the period (seed 002 lines 3495-3583, "afgewezen vergunningaanvragen"): destination, goods,
    quantity, recipient (consignee), end user, date and criteria, from the denial register (own=True).
    `goods_kind` limits them to one kind through the decision (the report lists military goods).
    """
    entries = DenialRegisterEntry.objects.filter(in_force("decision__"), own=True, notified_on__gte=period.start, notified_on__lt=period.end)
    if goods_kind:
        entries = entries.filter(decision__goods_kind=goods_kind)
    rows = [
        DenialRow(
            reference=e["reference"],
            destination=e["destination_id"],
            goods=e["goods_description"],
            control_entry=e["control_entry"],
            quantity=e["quantity"],
            consignee=e["consignee"],
            end_user=e["end_user"],
            denied_on=e["notified_on"],
            criteria=list(e["criteria"] or []),
            goods_kind=e["decision__goods_kind"],
        )
        for e in entries.order_by("notified_on", "reference").values(
            "reference", "destination_id", "goods_description", "control_entry", "quantity", "consignee", "end_user", "notified_on", "criteria", "decision__goods_kind"
        )
    ]
    return DenialTable(period=period, rows=rows)


@without_jit
def denial_share_by_year(first_year: int, last_year: int, goods_kind: str = GoodsKind.MILITARY) -> list[DenialShare]:
    """
    Figure 5 (seed 002 line 448): denied applications as a percentage of all applications applied for, per year.
    Footnote 27: "Het aantal afgewezen vergunningen wordt uitgedrukt als percentage van het totaal aantal
    aangevraagde vergunningen. Dit omvat mede de vergunningen die zijn aangevraagd met als eindbestemming
    EU/NAVO(+)-landen." So the whole counts every application of the year, the licensing office's own and the
    sondages (proefaanvragen, which line 446 counts among the denials) included; not only those decided either way
    by the ministry. An application counts in the year it was decided (the previous system's history has no
    other date); registrations for a general licence and classification rulings apply for no licence. One query.
    """
    counts = (
        Decision.objects.filter(
            in_force(),
            goods_kind=goods_kind,
            outcome__in=APPLIED_FOR,
            decided_on__gte=date(first_year, 1, 1),
            decided_on__lt=date(last_year + 1, 1, 1),
        )
        .exclude(licence_kind=LicenceKind.GENERAL)
        .annotate(year=ExtractYear("decided_on"))
        .order_by()
        .values("year")
        .annotate(applied=Count("pk"), denied=Count("pk", filter=counted_as_denial()))
    )
    found = {row["year"]: row for row in counts}
    # A goods line (or destination) denied in a decision that issued the others is one more application denied (and applied for).
    lines: dict[int, int] = {}
    for denied in (denied_lines, denied_destinations):
        for year, n in (
            denied(date(first_year, 1, 1), date(last_year + 1, 1, 1), [goods_kind])
            .annotate(year=ExtractYear("decision__decided_on")).order_by().values("year").annotate(n=Count("pk")).values_list("year", "n")
        ):
            lines[year] = lines.get(year, 0) + n
    return [
        DenialShare(
            year=year,
            applied=found.get(year, {}).get("applied", 0) + lines.get(year, 0),
            denied=found.get(year, {}).get("denied", 0) + lines.get(year, 0),
        )
        for year in range(first_year, last_year + 1)
    ]


# --- Parliament fast track -------------------------------------------------------------------------------------
@without_jit
def parliament_table(period: Period, today: date | None = None) -> ParliamentTable:
    """
    Fast-track notifications (PROCESS.md 6.3; seed 002 line 436) for licences decided in the period: due and
    sent, on time (sent by the due date), late, overdue (not sent, past due) or pending (not sent, not yet due).
    A notice of an imported licence that is not marked sent is "not_recorded": the previous system did the
    sending and the import file does not say when.
    """
    today = today or timezone.localdate()
    notifications = (
        ParliamentNotification.objects.filter(licence__decision__decided_on__gte=period.start, licence__decision__decided_on__lt=period.end)
        .select_related("licence__decision")
        .prefetch_related("licence__destinations")
        .order_by("due_on", "licence__number")
    )
    rows = []
    for n in notifications:
        if n.sent_on is not None:
            status = "sent_on_time" if n.sent_on <= n.due_on else "sent_late"
        elif n.licence.decision.source == Source.IMPORT:
            status = "not_recorded"
        else:
            status = "overdue" if today > n.due_on else "pending"
        rows.append(
            ParliamentRow(
                licence=n.licence.number,
                holder=n.licence.holder_name,
                destinations=sorted(c.code for c in n.licence.destinations.all()),
                value_eur=n.licence.value_eur,
                decided_on=n.licence.decision.decided_on,
                due_on=n.due_on,
                sent_on=n.sent_on,
                status=status,
            )
        )
    return ParliamentTable(period=period, rows=rows)
