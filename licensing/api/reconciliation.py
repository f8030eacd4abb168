"""Officials' API of the three-way reconciliation: a licence's or registration's authorised, written-off (customs) and
reported figures per line and period with their mismatches, and the compliance list of open flags."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.customs import reconciliation
from licensing.customs.models import ReconciliationFlag
from licensing.licences.models import Licence, Registration

from .pagination import Pagination
from .permissions import allow


class AmountOut(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    value_eur = serializers.DecimalField(max_digits=18, decimal_places=2)


class PeriodOut(serializers.Serializer):
    period_start = serializers.DateField(source="start")
    period_end = serializers.DateField(source="end")
    customs = AmountOut()
    reported = AmountOut()


class LineOut(serializers.Serializer):
    line = serializers.IntegerField(source="number", allow_null=True, help_text="1 for the licence's first line; null for a registration, or reported goods not on the licence.")
    control_entry = serializers.CharField()
    unit = serializers.CharField()
    compared_in = serializers.SerializerMethodField(help_text="quantity (the line's unit) or value_eur.")
    authorised = AmountOut(allow_null=True, help_text="null for a registration: it authorises no quantities.")
    customs = AmountOut(help_text="Written off by Customs (write-offs that stand).")
    reported = AmountOut(help_text="Reported by the holder (usage reports).")
    periods = PeriodOut(source="period_rows", many=True)

    def get_compared_in(self, obj) -> str:
        return "quantity" if obj.by_quantity else "value_eur"


class MismatchOut(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.CharField()
    line = serializers.IntegerField(source="line_number", allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    figures = serializers.DictField()


class ReconciliationFlagOut(serializers.ModelSerializer):
    licence = serializers.CharField(source="number", help_text="The licence's or registration's number.")
    licence_kind = serializers.SerializerMethodField()
    holding_id = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()
    line = serializers.IntegerField(source="line_number", allow_null=True)

    class Meta:
        model = ReconciliationFlag
        fields = ["id", "licence", "licence_kind", "holding_id", "holder", "kind", "key", "line", "period_start", "period_end", "figures", "raised_at", "resolved_at", "resolution", "resolution_note"]

    def get_licence_kind(self, obj) -> str:
        return "licence" if obj.licence_id else "registration"

    def get_holding_id(self, obj) -> int:
        return obj.licence_id or obj.registration_id

    def get_holder(self, obj) -> str:
        return obj.licence.holder_name if obj.licence_id else obj.registration.organisation.name


class ReconciliationOut(serializers.Serializer):
    licence = serializers.CharField(source="held.number")
    kind = serializers.SerializerMethodField()
    status = serializers.CharField(source="held.status")
    lines = LineOut(many=True)
    mismatches = MismatchOut(many=True, help_text="As found now.")
    flags = serializers.SerializerMethodField(help_text="The open flags kept for the compliance work (raised nightly).")

    def get_kind(self, obj) -> str:
        return "registration" if isinstance(obj.held, Registration) else "licence"

    @extend_schema(responses=ReconciliationFlagOut(many=True))
    def get_flags(self, obj) -> list[dict]:
        holder = {"registration": obj.held} if isinstance(obj.held, Registration) else {"licence": obj.held}
        flags = ReconciliationFlag.objects.filter(resolved_at__isnull=True, **holder).select_related("licence", "registration__organisation").order_by("pk")
        return ReconciliationFlagOut(flags, many=True).data


class LicenceReconciliationView(APIView):
    """A licence's three sources per line (authorised, written off by Customs, reported by the holder), per half-year,
    with the mismatches found now and the open flags."""

    permission_classes = [allow(reconciliation.READING)]

    @extend_schema(responses=ReconciliationOut)
    def get(self, request, pk):
        licence = get_object_or_404(Licence.objects.prefetch_related("destinations"), pk=pk)
        return Response(ReconciliationOut(reconciliation.reconciliation_of(licence)).data)


class RegistrationReconciliationView(APIView):
    """A registration's written-off and reported figures per half-year (in euro; it authorises no quantities)."""

    permission_classes = [allow(reconciliation.READING)]

    @extend_schema(responses=ReconciliationOut)
    def get(self, request, pk):
        registration = get_object_or_404(Registration.objects.select_related("general_licence"), pk=pk)
        return Response(ReconciliationOut(reconciliation.reconciliation_of(registration)).data)


class FlagListView(generics.ListAPIView):
    """The compliance list: open reconciliation flags, newest first (`?kind=` one kind; `?closed=1` the closed)."""

    permission_classes = [allow(reconciliation.READING)]
    serializer_class = ReconciliationFlagOut
    pagination_class = Pagination

    def get_queryset(self):
        closed = self.request.query_params.get("closed") in ("1", "true")
        flags = ReconciliationFlag.objects.filter(resolved_at__isnull=not closed).select_related("licence", "registration__organisation").order_by("-raised_at", "-id")
        kind = self.request.query_params.get("kind")
        return flags.filter(kind=kind) if kind else flags


class ExplainIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class FlagExplainView(APIView):
    """The licensing office explains a flag: it closes and is not raised again for the same mismatch."""

    permission_classes = [allow(reconciliation.RESOLVING)]

    @extend_schema(request=ExplainIn, responses=ReconciliationFlagOut)
    def post(self, request, fid):
        flag = get_object_or_404(ReconciliationFlag, pk=fid)
        data = ExplainIn(data=request.data)
        data.is_valid(raise_exception=True)
        flag = reconciliation.flag_explain(actor=request.user, flag=flag, note=data.validated_data["note"])
        return Response(ReconciliationFlagOut(flag).data)
