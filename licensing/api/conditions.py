"""A licence's conditions as obligations: the holder and officials read them, the holder meets one (a certificate
uploaded, a re-import recorded); the standard texts officials choose from."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.licences import conditions, selectors
from licensing.licences.models import ConditionDocument, LicenceCondition
from licensing.licences.transitions import MEETING_CONDITIONS
from licensing.reference.models import StandardText, StandardTextKind
from licensing.reference.standard_texts import standard_texts_offered

from .idempotency import idempotent
from .permissions import IsOfficial, allow


class ConditionDocumentOut(serializers.ModelSerializer):
    class Meta:
        model = ConditionDocument
        fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]


class ConditionOut(serializers.ModelSerializer):
    text = serializers.CharField(help_text="In the request's language.")
    documents = ConditionDocumentOut(many=True)

    class Meta:
        model = LicenceCondition
        fields = ["id", "obligation", "text", "text_en", "text_nl", "due_on", "status", "met_at", "re_imported_on", "note", "documents"]


def _licence(request, pk):
    # Another organisation's licence (and every licence, for Customs outside its own API): 404.
    return get_object_or_404(selectors.licences_visible_to(request.user), pk=pk)


class LicenceConditionsView(APIView):
    """`GET /api/v1/licences/{id}/conditions/`: the licence's conditions with their due dates and status."""

    @extend_schema(responses=ConditionOut(many=True))
    def get(self, request, pk):
        return Response(ConditionOut(conditions.conditions_of(_licence(request, pk)), many=True).data)


class ConditionMeetView(APIView):
    """`POST /api/v1/licences/{id}/conditions/{condition_id}/meet/`: multipart `file` (the certificate, one or more),
    or `re_imported_on` for a re-import; optional `note`."""

    permission_classes = [allow(MEETING_CONDITIONS)]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ConditionMeetIn",
                {"file": serializers.ListField(child=serializers.FileField(), required=False), "re_imported_on": serializers.DateField(required=False), "note": serializers.CharField(required=False)},
            )
        },
        responses=ConditionOut,
    )
    @idempotent
    def post(self, request, pk, condition_id):
        data = MeetIn(data={k: request.data.get(k) for k in ("re_imported_on", "note") if request.data.get(k) not in (None, "")})
        data.is_valid(raise_exception=True)
        condition = get_object_or_404(LicenceCondition.objects.select_related("licence"), pk=condition_id, licence=_licence(request, pk))
        conditions.condition_meet(actor=request.user, condition=condition, files=request.FILES.getlist("file"), **data.validated_data)
        return Response(ConditionOut(conditions.conditions_of(condition.licence).get(pk=condition.pk)).data)


class MeetIn(serializers.Serializer):
    re_imported_on = serializers.DateField(required=False, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class StandardTextOut(serializers.ModelSerializer):
    class Meta:
        model = StandardText
        fields = ["id", "code", "kind", "title_en", "title_nl", "text_en", "text_nl", "obligation", "due_days"]


class StandardTextListView(generics.ListAPIView):
    """`GET /api/v1/standard-texts/?kind=condition|refusal|question`: the active standard texts (officials)."""

    permission_classes = [IsOfficial]
    serializer_class = StandardTextOut
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("kind", enum=StandardTextKind.values, required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        if kind in StandardTextKind.values:
            return standard_texts_offered(kind)
        return StandardText.objects.filter(active=True).order_by("kind", "position", "code")
