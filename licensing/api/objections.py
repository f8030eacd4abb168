"""Objections (bezwaar): the holder lodges one against a decision; the office and the ministry list them by due date."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications import selectors as applications
from licensing.licences import objections
from licensing.licences.models import Objection

from .idempotency import idempotent
from .pagination import Pagination
from .permissions import allow


class ObjectionOut(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    reference = serializers.CharField(source="decision.reference")
    decision_outcome = serializers.CharField(source="decision.outcome")
    decided_on = serializers.DateField(source="decision.decided_on")

    class Meta:
        model = Objection
        fields = ["id", "status", "due_on", "term_ends_on", "late", "lodged_at", "application", "reference", "decision_outcome", "decided_on", "grounds"]


class ObjectionLodgeView(APIView):
    """`POST /api/v1/applications/{id}/objections/`: multipart `grounds` and zero or more `file`."""

    permission_classes = [allow(objections.OBJECTING)]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("ObjectionIn", {"grounds": serializers.CharField(), "file": serializers.ListField(child=serializers.FileField(), required=False)})},
        responses={201: ObjectionOut},
    )
    @idempotent
    def post(self, request, pk):
        # Another organisation's application: 404, as for everything of theirs.
        application = get_object_or_404(applications.applications_visible_to(request.user), pk=pk)
        objection = objections.objection_lodge(
            actor=request.user, application=application, grounds=request.data.get("grounds", ""), files=request.FILES.getlist("file")
        )
        return Response(ObjectionOut(objection).data, status=status.HTTP_201_CREATED)


class OfficeObjectionListView(generics.ListAPIView):
    """`GET /api/v1/office/objections/`: every objection with its due date, soonest first (officials)."""

    permission_classes = [allow(objections.OBJECTIONS_READING)]
    serializer_class = ObjectionOut
    pagination_class = Pagination

    def get_queryset(self):
        return objections.objections_for_office()
