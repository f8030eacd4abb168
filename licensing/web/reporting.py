"""The officials' report pages: the annual report's tables, the monthly overviews, charts, downloads, runs."""
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.applications.choices import GoodsKind
from licensing.core.errors import DomainError
from licensing.licences.models import Decision
from licensing.reporting import charts, services, tables, usage
from licensing.reporting.labels import DUAL_USE_KINDS, PARLIAMENT_STATUSES, Names
from licensing.reporting.models import ReportRun

from .access import official_required

DENIAL_SHARE_YEARS = 20  # figure 5 covers 2005-2024
# The CSV downloads (exports.report_sheets names them so).
SHEETS = ["table_2", "table_3", "table_4", "table_5", "table_7", "table_8", *[t.title for t in usage.GENERAL_LICENCE_TABLES.values()], "table_17", "table_18", "denials", "parliament"]


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=tables.FIRST_YEAR, max_value=tables.LAST_YEAR)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("The whole year")), *MONTHS.items()],  # month names translate per request
    )


def _millions(value: Decimal) -> str:
    """EUR million with two decimals, rounded half up as the report rounds (0,755 -> 0,76)."""
    amount = (value / 1_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _("€ %(amount)s mln") % {"amount": formats.number_format(amount, 2, use_l10n=True, force_grouping=True)}


def _years_with_decisions() -> list[int]:
    return sorted(
        Decision.objects.annotate(year=ExtractYear("decided_on")).order_by().values_list("year", flat=True).distinct(), reverse=True
    )


@official_required
def report_index(request):
    years = _years_with_decisions()
    if request.GET.get("year"):
        form = PeriodForm(request.GET)
        if form.is_valid():
            year, month = form.cleaned_data["year"], form.cleaned_data["month"]
            return redirect("reports:monthly", year, month) if month else redirect("reports:annual", year)
    else:
        form = PeriodForm(initial={"year": (years[0] if years else timezone.localdate().year)})
    runs = ReportRun.objects.defer("result").select_related("requested_by")[:10]
    run_form = PeriodForm(prefix="run", initial={"year": form["year"].value()})
    return render(request, "reporting/index.html", {"form": form, "run_form": run_form, "years": years, "runs": runs})


def _region_rows(military: tables.MilitaryTable, names: Names) -> list[dict]:
    return [{"code": r.region, "name": names.region(r.region), "value": r.value_eur, "share": r.share} for r in military.by_region]


def _matrix(table: tables.MilitaryTable, names: Names) -> dict:
    categories = table.categories
    return {
        "categories": [names.category(c) for c in categories],
        "rows": [
            {"code": r.country, "name": names.country(r.country), "collective": r.collective, "cells": [r.categories.get(c) for c in categories], "total": r.value_eur}
            for r in table.by_country
        ],
        "totals": [r.value_eur for r in table.by_category],
        "total": table.total_eur,
    }


def _report_context(period: tables.Period) -> dict:
    """Every table of the period for the page; a fixed number of queries whatever the number of licences."""
    names = Names()
    military = tables.military_table(period)
    dual_use = tables.dual_use_table(period)
    anti_torture = tables.anti_torture_table(period)
    top = usage.dual_use_top_destinations(period)
    general = usage.general_licence_tables(period)
    transit = tables.transit_table(period)
    brokering = tables.brokering_table(period)
    denials = tables.denial_table(period, goods_kind=GoodsKind.MILITARY)
    parliament = tables.parliament_table(period)
    first = max(tables.FIRST_YEAR, period.year - DENIAL_SHARE_YEARS + 1)
    shares = tables.denial_share_by_year(first, period.year)
    return {
        "period": period,
        "military": military,
        "regions": _region_rows(military, names),
        "categories": [{"code": c.category, "name": names.category(c.category), "value": c.value_eur, "share": c.share} for c in military.by_category],
        "matrix": _matrix(military, names),
        "region_chart": charts.bar_chart(
            _("Value of licences issued by region"), [(names.region(r.region), r.value_eur, _millions(r.value_eur)) for r in military.by_region]
        ),
        "category_chart": charts.bar_chart(
            _("Value of licences issued by ML category"), [(names.category(c.category), c.value_eur, _millions(c.value_eur)) for c in military.by_category]
        ),
        "dual_use": dual_use,
        "dual_use_rows": [{"name": DUAL_USE_KINDS[r.kind], "row": r} for r in [*dual_use.rows, dual_use.total]],
        "top": top,
        "top_rows": [{"name": names.country(r.country), "value": r.value_eur} for r in top.rows],
        "anti_torture": anti_torture,
        "anti_torture_rows": [{"row": r, "destinations": names.countries_of(r.destinations)} for r in anti_torture.rows],
        "general": [
            {
                "code": usage.GENERAL_LICENCE_TABLES[key].general_licence,
                "movement": usage.GENERAL_LICENCE_TABLES[key].movements[0],
                "table": table,
                "rows": [{"name": names.country(r.country), "value": r.value_eur, "categories": r.categories} for r in table.rows],
            }
            for key, table in general.items()
        ],
        "transit": transit,
        "transit_matrix": _matrix(transit, names),
        "brokering": brokering,
        "brokering_rows": [
            {"row": r, "destinations": names.countries_of(r.destinations), "origin": names.country(r.origin)} for r in brokering.rows
        ],
        "denials": [{"row": r, "destination": names.country(r.destination)} for r in denials.rows],
        "parliament": parliament,
        "parliament_rows": [
            {"row": r, "destinations": names.countries_of(r.destinations), "status": PARLIAMENT_STATUSES[r.status]} for r in parliament.rows
        ],
        "share_chart": charts.column_chart(
            _("Denied applications for military goods, as a share of all applications applied for"),
            [(str(s.year), s.share, f"{formats.number_format(s.share, 1)}%") for s in shares],
        ),
        "shares": shares,
        "sheets": [(name, _sheet_label(name)) for name in SHEETS],
    }


def _sheet_label(name: str) -> str:
    if name.startswith("table_"):
        number = name.removeprefix("table_")
        if "_nl" in number:  # the report's second table 14 (NL009 export): "Table 14 (NL009)"
            head, code = number.split("_", 1)
            number = f"{head} ({code.upper()})"
        return _("Table %(number)s") % {"number": number.replace("_", "/")}
    return {"denials": _("Denials"), "parliament": _("Parliament")}.get(name, name)


def _render_report(request, period: tables.Period):
    context = _report_context(period)
    if period.month:
        export = reverse("api:report-monthly-export", args=[period.year, period.month])
    else:
        export = reverse("api:report-export", args=[period.year])
    context.update({"export_url": export, "form": PeriodForm(initial={"year": period.year, "month": period.month})})
    return render(request, "reporting/report.html", context)


@official_required
def report_annual(request, year: int):
    try:
        period = tables.Period(year)
    except DomainError:
        return redirect("reports:index")
    return _render_report(request, period)


@official_required
def report_monthly(request, year: int, month: int):
    try:
        period = tables.Period(year, month)
    except DomainError:
        return redirect("reports:index")
    return _render_report(request, period)


@official_required
@require_POST
def run_start(request):
    form = PeriodForm(request.POST, prefix="run")
    if not form.is_valid():
        return redirect("reports:index")
    run = services.report_run_start(actor=request.user, year=form.cleaned_data["year"], month=form.cleaned_data["month"])
    return redirect("reports:run", run.pk)


@official_required
def run_detail(request, pk: int):
    run = get_object_or_404(ReportRun.objects.select_related("requested_by"), pk=pk)
    # While it runs, static/js/progress.js refreshes the progress in place from this same page (a link reloads it
    # without script); no Refresh header, which would reload the page and move the reader's focus.
    return render(request, "reporting/run.html", {"run": run, "step_label": _step_label(run.step), "running": not run.finished})


def _step_label(step: str) -> str:
    table = services.TABLES.get(step)
    return f"{step} ({table.seed})" if table else step

