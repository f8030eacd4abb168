"""
The annual report's tables and the monthly overviews, for officials: one endpoint per table, downloads as CSV
and XLSX, the share of denials over the years, and report runs through Celery with progress.
"""
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from django.utils.translation import gettext as _

from licensing.core.errors import DomainError
from licensing.reporting import aluminium, exports, services, tables
from licensing.reporting.models import ReportRun
from licensing.reporting.serializers import ReportDenialShare

from .permissions import IsOfficial


class TableView(APIView):
    """One table of the report for a year (annual) or a month (monthly overview)."""

    permission_classes = [IsOfficial]
    table_name = ""

    def get(self, request, year: int, month: int | None = None):
        return Response(services.report_table_json(name=self.table_name, year=year, month=month))


def table_view(name: str) -> type[TableView]:
    """A view class per table, so that each has its own response schema."""
    table = services.TABLES[name]

    @extend_schema(responses=table.serializer, summary=f"Report: {table.seed}")
    def get(self, request, year: int, month: int | None = None):
        return TableView.get(self, request, year, month)

    class_name = f"{name.title().replace('-', '')}TableView"
    return type(class_name, (TableView,), {"table_name": name, "get": get, "__doc__": f"Report table: {table.seed}."})


class ExportView(APIView):
    """
    Downloads: `?format=xlsx` (default) gives a workbook with every table; `?format=csv&sheet=table_8` one table.
    Sheets: table_2, table_3, table_4, table_5, table_7, table_8, table_9 .. table_14, table_14_nl009, table_15, table_17, table_18,
    denials, parliament.
    """

    permission_classes = [IsOfficial]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["xlsx", "csv"]),
            OpenApiParameter("sheet", str, description="Required for CSV: the table, e.g. table_8."),
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, year: int, month: int | None = None):
        period = tables.Period(year, month)
        kind = request.query_params.get("format", "xlsx")
        if kind not in ("xlsx", "csv"):
            raise DomainError(_("Choose format=xlsx or format=csv."), fields={"format": [_("Choose xlsx or csv.")]})
        sheets = exports.report_sheets(period)
        if kind == "xlsx":
            response = HttpResponse(
                exports.sheets_xlsx(sheets, title=f"Report {period.slug}"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="report-{period.slug}.xlsx"'
            return response
        by_name = {sheet.name: sheet for sheet in sheets}
        name = request.query_params.get("sheet", "")
        if name not in by_name:
            raise DomainError(_("Name the table to download as CSV."), fields={"sheet": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(by_name)}]})
        response = HttpResponse(exports.sheet_csv(by_name[name]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="report-{period.slug}-{name}.csv"'
        return response


class DenialShareView(APIView):
    """Figure 5: denied applications as a share of all applications applied for (footnote 27), per year (`?from=2005&to=2024`)."""

    permission_classes = [IsOfficial]

    @extend_schema(
        parameters=[OpenApiParameter("from", int), OpenApiParameter("to", int), OpenApiParameter("goods_kind", str)],
        responses=ReportDenialShare(many=True),
    )
    def get(self, request):
        params = DenialShareIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        d = params.validated_data
        last = d.get("to") or timezone.localdate().year
        first = d.get("from") or max(tables.FIRST_YEAR, last - 19)
        if first > last:
            raise DomainError(_("`from` must not be after `to`."), fields={"from": [_("Must not be after `to`.")]})
        rows = tables.denial_share_by_year(first, last, goods_kind=d["goods_kind"])
        return Response(ReportDenialShare(rows, many=True).data)


class DenialShareIn(serializers.Serializer):
    to = serializers.IntegerField(min_value=tables.FIRST_YEAR, max_value=tables.LAST_YEAR, required=False)
    goods_kind = serializers.ChoiceField(choices=["military", "dual_use", "anti_torture"], default="military")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(min_value=tables.FIRST_YEAR, max_value=tables.LAST_YEAR, required=False)
        return fields


class ReportRunIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=tables.FIRST_YEAR, max_value=tables.LAST_YEAR)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True, default=None)


class ReportRunSummaryOut(serializers.ModelSerializer):
    # A plain string in the schema: an enum named after the field would collide with the other "status" enums.
    status = serializers.CharField(help_text="queued, running, done or failed")

    class Meta:
        model = ReportRun
        fields = ["id", "year", "month", "status", "progress", "step", "error", "created_at", "started_at", "finished_at"]


class ReportRunOut(ReportRunSummaryOut):
    class Meta(ReportRunSummaryOut.Meta):
        fields = [*ReportRunSummaryOut.Meta.fields, "result"]


class ReportRunListView(APIView):
    """Start a run of the whole report (a worker computes it); list the recent runs."""

    permission_classes = [IsOfficial]

    @extend_schema(request=ReportRunIn, responses={202: ReportRunOut})
    def post(self, request):
        data = ReportRunIn(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.report_run_start(actor=request.user, **data.validated_data)
        return Response(ReportRunOut(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ReportRunSummaryOut(many=True))
    def get(self, request):
        runs = ReportRun.objects.defer("result").order_by("-created_at", "-id")[:20]
        return Response(ReportRunSummaryOut(runs, many=True).data)


class ReportRunView(APIView):
    """A run's status and progress (percent, the table being computed); `result` holds every table when done."""

    permission_classes = [IsOfficial]

    @extend_schema(responses=ReportRunOut)
    def get(self, request, pk: int):
        return Response(ReportRunOut(get_object_or_404(ReportRun, pk=pk)).data)


class AluminiumOriginOut(serializers.Serializer):
    step = serializers.ChoiceField(choices=aluminium.STEPS, help_text="first_smelt_country: the most important smelt (by share); second_smelt_country; last_cast_country")
    country = serializers.CharField(allow_null=True, help_text="ISO code; null: the line does not declare this step")
    hs_heading = serializers.CharField(help_text="4 digits; empty when the line gives no HS code")
    unit = serializers.CharField()
    lines = serializers.IntegerField()
    applications = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)
    value_eur = serializers.DecimalField(max_digits=20, decimal_places=2)


class AluminiumOriginsView(APIView):
    """Declared smelt and cast origins of aluminium goods by country, product (HS heading) and volume, for the
    applications submitted in a year or month (seed 000, question 5). `?format=csv` downloads the same rows."""

    permission_classes = [IsOfficial]

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "csv"])], responses=AluminiumOriginOut(many=True))
    def get(self, request, year: int, month: int | None = None):
        period = tables.Period(year, month)
        kind = request.query_params.get("format", "json")
        if kind not in ("json", "csv"):
            raise DomainError(_("Choose format=json or format=csv."), fields={"format": [_("Choose json or csv.")]})
        if kind == "csv":
            sheet = exports.aluminium_sheet(period)
            response = HttpResponse(exports.sheet_csv(sheet), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{sheet.name}.csv"'
            return response
        return Response(AluminiumOriginOut(aluminium.aluminium_origins(period), many=True).data)


class AluminiumOriginsMonthlyView(AluminiumOriginsView):
    """The same rows for one month (its own operation in the schema)."""

    @extend_schema(operation_id="v1_reports_aluminium_origins_monthly", parameters=[OpenApiParameter("format", str, enum=["json", "csv"])], responses=AluminiumOriginOut(many=True))
    def get(self, request, year: int, month: int | None = None):
        return super().get(request, year, month)
