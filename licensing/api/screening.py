"""Screening API, for officials only: name screening, an application's hits and flags with dispositions,
the serial-number search, and (administrators) list imports with the re-screen's progress."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.applications import selectors as applications
from licensing.core.errors import DomainError, NotFound
from licensing.core.limits import body_limit
from licensing.licences.selectors import shipments_by_serial
from licensing.screening import cases, lists, rescreen, selectors
from licensing.screening.importers import FORMATS
from licensing.screening.models import Disposition, HitKind, ListKind, ScreeningRun

from .fields import CountryCodeField
from .permissions import HasRole, IsOfficial, allow

MAX_MATCHES = 50
MAX_UPLOAD = 200 * 1024 * 1024


class IsAdministrator(HasRole):
    roles = (Role.ADMINISTRATOR,)


# --- POST /api/v1/screening/ -----------------------------------------------------------------------
class ScreenIn(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    country = CountryCodeField(required=False, allow_null=True, default=None)


class MatchOut(serializers.Serializer):
    list = serializers.ChoiceField(choices=["sanctions", "denials"], source="list_kind")
    reference = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(min_value=0, max_value=1)
    matched_name = serializers.CharField()


class ScreenView(APIView):
    """Screen one name against the sanctions lists and the denial register; best match first."""

    permission_classes = [IsOfficial]

    @extend_schema(request=ScreenIn, responses=inline_serializer("ScreenOut", {"matches": MatchOut(many=True)}))
    def post(self, request):
        data = ScreenIn(data=request.data)
        data.is_valid(raise_exception=True)
        country = data.validated_data["country"]
        lists.denials_refresh_if_changed()  # re-read only when the denial register may have changed
        matches = selectors.name_matches(data.validated_data["name"], country.code if country else None)[:MAX_MATCHES]
        return Response({"matches": MatchOut(matches, many=True).data})


# --- An application's hits and flags ------------------------------------------------------------------
class HitOut(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.SerializerMethodField()
    list = serializers.CharField(source="list_kind")
    source = serializers.CharField()
    reference = serializers.CharField(source="entry_reference")
    name = serializers.CharField(source="entry_name")
    matched_name = serializers.CharField()
    score = serializers.FloatField()
    kind = serializers.ChoiceField(
        choices=HitKind.choices, help_text="match: at or above the threshold, blocks the decision until disposed of; possible: in the review band below it, blocks nothing"
    )
    algorithm = serializers.CharField()
    disposition = serializers.CharField()
    reason = serializers.CharField()
    disposed_by = serializers.CharField(source="disposed_by.username", allow_null=True, default=None)
    disposed_at = serializers.DateTimeField(allow_null=True)
    escalation = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_escalation(self, obj) -> dict | None:
        """For a confirmed sanctions match: who decided the escalation, when and why (all null while it blocks approval)."""
        if obj.disposition != Disposition.TRUE_MATCH or obj.list_kind != ListKind.SANCTIONS:
            return None
        return {
            "decided_by": obj.escalation_decided_by.username if obj.escalation_decided_by_id else None,
            "decided_at": obj.escalation_decided_at,
            "reason": obj.escalation_reason,
        }

    def get_party(self, obj) -> dict:
        return {"id": obj.party_id, "role": obj.party.role, "name": obj.party.name, "country": obj.party.country_id}


class FlagOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField()
    goods_line = serializers.IntegerField(source="goods_line_id", allow_null=True)
    party = serializers.IntegerField(source="party_id", allow_null=True)


class CaseScreeningOut(serializers.Serializer):
    screened_at = serializers.DateTimeField(allow_null=True)
    blocker = serializers.CharField(allow_null=True)
    hits = HitOut(many=True)
    flags = FlagOut(many=True)


def _application(request, pk):
    return get_object_or_404(applications.applications_visible_to(request.user), pk=pk)


class ApplicationScreeningView(APIView):
    """The screening hits (open first) and the circumvention flags of an application."""

    permission_classes = [IsOfficial]

    @extend_schema(responses=CaseScreeningOut)
    def get(self, request, pk):
        application = _application(request, pk)
        case = selectors.application_screening(application.pk)
        blocker = selectors.decision_blocker(application, approving=True) if case.blocking_hits else None
        return Response(CaseScreeningOut({"screened_at": case.screened_at, "blocker": blocker, "hits": case.hits, "flags": case.flags}).data)


class DispositionIn(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=[Disposition.TRUE_MATCH, Disposition.FALSE_POSITIVE])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DispositionView(APIView):
    """Record whether a hit is the listed party (the case is escalated) or a false positive (with the reason)."""

    permission_classes = [allow(cases.DISPOSING)]

    @extend_schema(request=DispositionIn, responses=HitOut)
    def post(self, request, pk, hit_id):
        application = _application(request, pk)
        data = DispositionIn(data=request.data)
        data.is_valid(raise_exception=True)
        hit = cases.hit_dispose(actor=request.user, application=application, hit_id=hit_id, **data.validated_data)
        return Response(HitOut(hit).data)


class EscalationIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class EscalationView(APIView):
    """Decide the escalation of a confirmed match (another official than the one who confirmed it, with the reason):
    only then may the case be approved."""

    permission_classes = [allow(cases.DISPOSING)]

    @extend_schema(request=EscalationIn, responses=HitOut)
    def post(self, request, pk, hit_id):
        application = _application(request, pk)
        data = EscalationIn(data=request.data)
        data.is_valid(raise_exception=True)
        hit = cases.hit_escalation_decide(actor=request.user, application=application, hit_id=hit_id, **data.validated_data)
        return Response(HitOut(hit).data)


# --- Serial and lot numbers -------------------------------------------------------------------------
class SerialOut(serializers.Serializer):
    application_id = serializers.IntegerField()
    application_reference = serializers.CharField()
    status = serializers.CharField()
    goods_line = inline_serializer("SerialGoodsLine", {"id": serializers.IntegerField(), "position": serializers.IntegerField(), "description": serializers.CharField()})
    kind = serializers.CharField()
    value = serializers.CharField()
    licence_number = serializers.CharField(allow_null=True)


class ShipmentOut(serializers.Serializer):
    report_id = serializers.IntegerField()
    licence_number = serializers.CharField(allow_null=True)
    registration_number = serializers.CharField(allow_null=True)
    holder = serializers.CharField()
    exported_on = serializers.DateField()
    destination = serializers.CharField()
    control_entry = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    recipient = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField()


class SerialSearchView(APIView):
    """
    Applications whose goods carry a serial or lot number (exact after dropping case, spaces and dashes), and the
    reported shipments that carried it: which licence, which shipment, which recipient.
    """

    permission_classes = [IsOfficial]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="The serial or lot number, e.g. SN-123.")],
        responses=inline_serializer("SerialSearchOut", {"results": SerialOut(many=True), "shipments": ShipmentOut(many=True)}),
    )
    def get(self, request):
        q = request.query_params.get("q", "")
        if not selectors.serial_normalise(q):
            raise DomainError(_("Invalid input."), fields={"q": [_("Give a serial or lot number.")]})
        return Response({"results": SerialOut(selectors.serial_search(q), many=True).data, "shipments": ShipmentOut(shipments_by_serial(q), many=True).data})


# --- Imports and runs (administrators) ------------------------------------------------------------
class RunOut(serializers.ModelSerializer):
    progress = serializers.IntegerField()
    started_by = serializers.CharField(source="started_by.username", allow_null=True, default=None)

    class Meta:
        model = ScreeningRun
        fields = [
            "id", "kind", "source", "status", "file_name", "file_sha256", "created", "updated", "removed", "unchanged",
            "total", "done", "progress", "errors", "started_by", "created_at", "finished_at",
        ]


class ImportIn(serializers.Serializer):
    format = serializers.ChoiceField(choices=sorted(FORMATS))
    file = serializers.FileField()

    def validate_file(self, value):
        if value.size > MAX_UPLOAD:
            raise serializers.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD // (1024 * 1024)})
        return value


@body_limit(MAX_UPLOAD)
class ImportView(APIView):
    """Upload a list (EU XML or FollowTheMoney JSON lines); the worker imports it and re-screens open cases."""

    permission_classes = [IsAdministrator]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request={"multipart/form-data": ImportIn}, responses={202: RunOut})
    def post(self, request):
        data = ImportIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        run = rescreen.list_import_start(
            actor=request.user, source=FORMATS[data.validated_data["format"]], content=upload.read(), file_name=upload.name or ""
        )
        return Response(RunOut(selectors.run_get(run.pk)).data, status=status.HTTP_202_ACCEPTED)


class RunListView(APIView):
    """Recent imports and re-screens, newest first, with their progress."""

    permission_classes = [IsAdministrator]

    @extend_schema(operation_id="screening_runs_list", responses=inline_serializer("RunListOut", {"results": RunOut(many=True)}))
    def get(self, request):
        return Response({"results": RunOut(selectors.runs_recent(), many=True).data})


class RunView(APIView):
    permission_classes = [IsAdministrator]

    @extend_schema(responses=RunOut)
    def get(self, request, run_id):
        run = selectors.run_get(run_id)
        if run is None:
            raise NotFound(_("No such run."))
        return Response(RunOut(run).data)
