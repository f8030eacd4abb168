"""
Declared smelt and cast origins of aluminium goods, by country, product and volume (seed 000).

Seed 000, question 5: "Heeft het kabinet zicht op de omvang van indirecte importstromen van aluminiumproducten waarin
Russisch primair aluminium is verwerkt, uitgesplitst naar herkomstland, productcategorie en importvolume?" One row per
step of the declaration (most important smelt, second most important smelt, last cast), country, product (HS heading,
4 digits) and unit, with the goods lines, applications, quantity and value. A line without that step declared counts
in the step's "not declared" row (country None), so each step's rows add up to every aluminium line.

Counted: the aluminium goods lines (applications.aluminium) of applications submitted in the period, not withdrawn and
not superseded (an amendment carries the same goods again and counts instead).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from licensing.applications.aluminium import HS_CHAPTER, ORIGIN_FIELDS, ORIGIN_LABELS
from licensing.applications.models import GoodsLine, Status

from .tables import Period

NOT_COUNTED = (Status.DRAFT, Status.WITHDRAWN, Status.SUPERSEDED)
STEPS = ORIGIN_FIELDS  # the report's order: most important smelt, second most important smelt, last cast


@dataclass(frozen=True)
class OriginRow:
    step: str  # one of STEPS
    country: str | None  # ISO code; None: not declared
    hs_heading: str  # 4 digits; "" when the line gives no HS code (marked aluminium by the exporter)
    unit: str  # GoodsLine.Unit value: quantities add up only within one unit
    lines: int
    applications: int
    quantity: Decimal
    value_eur: Decimal


def aluminium_lines(period: Period):
    """The aluminium goods lines the report counts. The HS code's first four characters are digits (the input
    fields' pattern), so the chapter is its first two."""
    return GoodsLine.objects.filter(
        Q(is_aluminium=True) | Q(hs_code__startswith=HS_CHAPTER),
        application__submitted_at__date__gte=period.start,
        application__submitted_at__date__lt=period.end,
    ).exclude(application__status__in=NOT_COUNTED)


def aluminium_origins(period: Period) -> list[OriginRow]:
    """The rows, by step, then the larger volume first (value, then country and heading). One query per step."""
    lines = aluminium_lines(period).annotate(hs_heading=Substr("hs_code", 1, 4))
    rows = []
    for step in STEPS:
        grouped = (
            lines.values(f"{step}_id", "hs_heading", "unit")
            .annotate(n=Count("pk"), applications=Count("application", distinct=True), quantity=Sum("quantity"), value=Sum("value_eur"))
            .order_by()
        )
        found = [
            OriginRow(
                step=step,
                country=g[f"{step}_id"],
                hs_heading=g["hs_heading"] or "",
                unit=g["unit"],
                lines=g["n"],
                applications=g["applications"],
                quantity=g["quantity"] or Decimal("0"),
                value_eur=g["value"] or Decimal("0"),
            )
            for g in grouped
        ]
        found.sort(key=lambda r: (r.country is None, -r.value_eur, r.country or "", r.hs_heading, r.unit))
        rows.extend(found)
    return rows


def step_label(step: str) -> str:
    return str(ORIGIN_LABELS[step])
