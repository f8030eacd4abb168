"""The officials' page of declared smelt and cast origins of aluminium goods (seed 000), with its CSV download."""
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from licensing.core.errors import DomainError
from licensing.reporting import exports, tables

from .access import official_required
from .reporting import PeriodForm


@official_required
def aluminium_origins(request, year: int, month: int | None = None):
    """The period's rows; `?format=csv` downloads them (cells escaped as every export's: core.spreadsheets)."""
    try:
        period = tables.Period(year, month)
    except DomainError:
        return redirect("reports:index")
    if request.GET.get("year"):  # the period form on the page: show the chosen period
        form = PeriodForm(request.GET)
        if form.is_valid():
            chosen = [form.cleaned_data["year"], *([form.cleaned_data["month"]] if form.cleaned_data["month"] else [])]
            return redirect("reports:aluminium-monthly" if len(chosen) == 2 else "reports:aluminium", *chosen)
    sheet = exports.aluminium_sheet(period)
    if request.GET.get("format") == "csv":
        response = HttpResponse(exports.sheet_csv(sheet), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{sheet.name}.csv"'
        return response
    here = reverse("reports:aluminium-monthly", args=[year, month]) if month else reverse("reports:aluminium", args=[year])
    form = PeriodForm(initial={"year": period.year, "month": period.month})
    return render(request, "reporting/aluminium.html", {"period": period, "sheet": sheet, "form": form, "here": here})
