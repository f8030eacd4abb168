"""Licences in use: licences and registrations, their lifecycle, usage reports (single, list, file) and periods."""
import hashlib
import json

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView
from django.utils.translation import gettext as _

from licensing.core.errors import DomainError
from licensing.core.limits import body_limit
from licensing.licences import lifecycle, selectors, usage, usage_periods, usage_writer
from licensing.licences.models import Licence, LicenceLine, Registration, UsageReport

from .permissions import IsExporter, IsOfficer, IsOfficial


class LicenceLineOut(serializers.ModelSerializer):
    class Meta:
        model = LicenceLine
        fields = ["control_entry", "description", "quantity", "unit", "value_eur", "complete_system", "used_quantity", "used_value_eur"]


class LicenceOut(serializers.ModelSerializer):
    destinations = serializers.SerializerMethodField()
    lines = LicenceLineOut(many=True)
    replaces = serializers.CharField(source="replaces.number", allow_null=True, default=None)
    application = serializers.CharField(source="decision.reference")

    class Meta:
        model = Licence
        fields = [
            "id", "number", "application", "holder_name", "kind", "goods_kind", "movement", "status", "status_reason", "destinations",
            "consignee", "end_user", "valid_from", "valid_to", "conditions", "value_eur", "replaces", "lines",
        ]

    def get_destinations(self, obj) -> list[str]:
        return [c.code for c in obj.destinations.all()]


class LicenceMoveIn(serializers.Serializer):
    move = serializers.ChoiceField(choices=list(lifecycle.MOVES))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ExtendIn(serializers.Serializer):
    valid_to = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReplaceIn(serializers.Serializer):
    value_eur = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True, default=None, min_value=0)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    conditions = serializers.CharField(required=False, allow_null=True, default=None, max_length=20000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class LicenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Holders see their own licences (others' give 404); officials see all. Moves: suspend, reinstate, revoke (officers), surrender (holder)."""

    serializer_class = LicenceOut
    filterset_fields = ["status", "kind", "goods_kind"]
    ordering = ["-valid_from"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Licence.objects.none()
        return selectors.licences_visible_to(self.request.user).select_related("replaces")

    def _fresh(self, licence):
        return Response(LicenceOut(self.get_queryset().get(pk=licence.pk)).data)

    @extend_schema(request=LicenceMoveIn, responses=LicenceOut)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = LicenceMoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(lifecycle.licence_move(actor=request.user, licence=self.get_object(), **data.validated_data))

    @extend_schema(request=ExtendIn, responses=LicenceOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def extend(self, request, pk=None):
        data = ExtendIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(lifecycle.licence_extend(actor=request.user, licence=self.get_object(), **data.validated_data))

    @extend_schema(request=ReplaceIn, responses={201: LicenceOut})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def replace(self, request, pk=None):
        data = ReplaceIn(data=request.data)
        data.is_valid(raise_exception=True)
        new = lifecycle.licence_replace(actor=request.user, licence=self.get_object(), **data.validated_data)
        return Response(LicenceOut(self.get_queryset().get(pk=new.pk)).data, status=status.HTTP_201_CREATED)


class RegistrationOut(serializers.ModelSerializer):
    general_licence = serializers.CharField(source="general_licence_id")
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Registration
        fields = ["id", "number", "general_licence", "organisation", "status", "registered_on", "revoked_on", "revoked_reason"]


class RevokeIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class RegistrationMoveIn(serializers.Serializer):
    move = serializers.ChoiceField(choices=list(lifecycle.REGISTRATION_MOVES))
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return selectors.registrations_visible_to(self.request.user)

    @extend_schema(request=RevokeIn, responses=RegistrationOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def revoke(self, request, pk=None):
        data = RevokeIn(data=request.data)  # a body that is no object ([null, null]) is a 400, not a 500
        data.is_valid(raise_exception=True)
        registration = lifecycle.registration_revoke(actor=request.user, registration=self.get_object(), reason=data.validated_data["reason"])
        return Response(RegistrationOut(registration).data)

    @extend_schema(request=RegistrationMoveIn, responses=RegistrationOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def move(self, request, pk=None):
        """Suspend (e.g. its holder found on a list), reinstate or revoke: the holder is told by e-mail."""
        data = RegistrationMoveIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(RegistrationOut(lifecycle.registration_move(actor=request.user, registration=self.get_object(), **data.validated_data)).data)


class UsageRowIn(serializers.Serializer):
    licence = serializers.CharField(max_length=60, help_text="Licence number or general-licence registration number.")
    exported_on = serializers.CharField(max_length=10)
    destination = serializers.CharField(max_length=3)
    control_entry = serializers.CharField(max_length=60)
    quantity = serializers.CharField(max_length=30)
    value_eur = serializers.CharField(max_length=30)
    recipient = serializers.CharField(max_length=300)
    serial_numbers = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    lot_numbers = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    movement = serializers.CharField(required=False, allow_blank=True, default="", max_length=20, help_text="export, transfer or transit; default: the licence's movement (for NL009: export).")
    origin = serializers.CharField(required=False, allow_blank=True, default="", max_length=3, help_text="Country the goods in transit come from (ISO alpha-2).")


class UsageReportOut(serializers.ModelSerializer):
    licence = serializers.SerializerMethodField()
    destination = serializers.CharField(source="destination_id")
    origin = serializers.CharField(source="origin_id", allow_null=True)

    class Meta:
        model = UsageReport
        fields = ["id", "licence", "exported_on", "destination", "movement", "origin", "control_entry", "quantity", "value_eur", "recipient", "serial_numbers", "lot_numbers", "created_at"]

    def get_licence(self, obj) -> str:
        return obj.licence.number if obj.licence_id else obj.registration.number


UsageResultOut = inline_serializer(
    "UsageResult",
    {
        "created": serializers.IntegerField(),
        "duplicate": serializers.BooleanField(),
        "upload_id": serializers.IntegerField(allow_null=True),
        "flagged": serializers.ListField(child=serializers.CharField(), help_text="Rows recorded outside a general licence's terms, flagged for the office."),
    },
)


def _result(result: usage.UsageResult) -> Response:
    if result.errors:
        raise DomainError(_("Nothing was recorded: fix the rows listed and send the whole batch again."), code="invalid_rows", fields={"rows": result.errors})
    return Response({"created": result.created, "duplicate": result.duplicate, "upload_id": result.upload_id, "flagged": result.flagged}, status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED)


# A list of up to MAX_ROWS rows is as large as the file that holds them.
@body_limit(usage.MAX_FILE_BYTES)
class UsageReportsView(generics.ListAPIView):
    """GET: usage reports (holders: their own). POST: a list of rows, all or nothing; send an `Idempotency-Key` header to make retries safe."""

    serializer_class = UsageReportOut

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsExporter()]
        return [IsExporter() if getattr(self.request.user, "is_exporter", False) else IsOfficial()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UsageReport.objects.none()
        return selectors.usage_visible_to(self.request.user).select_related("registration")

    @extend_schema(request=UsageRowIn(many=True), parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)], responses={201: UsageResultOut, 200: UsageResultOut})
    def post(self, request):
        data = UsageRowIn(data=request.data, many=True, max_length=usage.MAX_ROWS)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "")[:100]
        content = json.dumps(data.validated_data, sort_keys=True).encode()
        sha = hashlib.sha256((b"key:" + key.encode() + b":" if key else b"") + content).hexdigest()
        return _result(usage_writer.usage_import(actor=request.user, rows=usage.list_rows(data.validated_data), sha256=sha, idempotency_key=key))


@body_limit(usage.MAX_FILE_BYTES)
class UsageUploadView(APIView):
    """Upload usage reports as a CSV (UTF-8) or XLSX file with the columns licence, exported_on, destination,
    control_entry, quantity, value_eur, recipient, serial_numbers, lot_numbers. All or nothing; the same file twice counts once."""

    permission_classes = [IsExporter]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("UsageFileIn", {"file": serializers.FileField()})}, responses={201: UsageResultOut, 200: UsageResultOut})
    def post(self, request):
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise DomainError(_("Choose a file to upload."), fields={"file": [_("Choose a file to upload.")]})
        if uploaded.size > usage.MAX_FILE_BYTES:
            raise DomainError(_("The file is too large."), code="bad_file", fields={"file": [_("At most %(mb)d MB.") % {"mb": usage.MAX_FILE_BYTES // 1024 // 1024}]})
        rows = usage.file_rows(uploaded)
        sha = usage.content_hash(uploaded.chunks())
        return _result(usage_writer.usage_import(actor=request.user, rows=rows, sha256=sha, idempotency_key=request.headers.get("Idempotency-Key", "")[:100], filename=uploaded.name or ""))


class PeriodIn(serializers.Serializer):
    licence = serializers.CharField(max_length=60)
    period_start = serializers.DateField()
    nothing_to_report = serializers.BooleanField(required=False, default=False)


class PeriodDeclareView(APIView):
    """Declare a half-year's report complete (possibly with nothing to report)."""

    permission_classes = [IsExporter]

    @extend_schema(request=PeriodIn, responses={201: None})
    def post(self, request):
        data = PeriodIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        usage_periods.period_declare(actor=request.user, number=d["licence"], period_start=d["period_start"], nothing_to_report=d["nothing_to_report"])
        return Response(status=status.HTTP_201_CREATED)


class UsageOutsideTermsView(APIView):
    """Compliance follow-up: realisations recorded outside a general licence's terms, with the term each breaks."""

    permission_classes = [IsOfficial]

    @extend_schema(
        responses=inline_serializer(
            "UsageOutsideTerms",
            {
                "report_id": serializers.IntegerField(), "holder": serializers.CharField(), "number": serializers.CharField(),
                "exported_on": serializers.DateField(), "destination": serializers.CharField(), "movement": serializers.CharField(),
                "value_eur": serializers.DecimalField(max_digits=16, decimal_places=2), "recipient": serializers.CharField(), "outside_terms": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request):
        rows = selectors.usage_outside_terms()
        return Response([row | {"value_eur": f"{row['value_eur']:.2f}"} for row in rows])


class OverdueReportsView(APIView):
    """The office's dashboard: usage reports that are overdue."""

    permission_classes = [IsOfficial]

    @extend_schema(responses=inline_serializer("Overdue", {"holder": serializers.CharField(), "number": serializers.CharField(), "kind": serializers.CharField(), "period_start": serializers.DateField(), "period_end": serializers.DateField(), "due_on": serializers.DateField()}, many=True))
    def get(self, request):
        return Response(selectors.overdue_reports())

