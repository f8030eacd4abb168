"""Objections (bezwaar): the holder lodges one against a decision and follows it; the office and the ministry list them
by due date; the office handles each through its moves (licences.transitions.OBJECTION)."""
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, parsers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications import selectors as applications
from licensing.core.http import pdf_response
from licensing.licences import decisions, objections
from licensing.licences.documents import objection_document
from licensing.licences.models import Objection, ObjectionOutcome

from .decisions import DecisionIn
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
        fields = [
            "id", "status", "due_on", "term_ends_on", "late", "lodged_at", "application", "reference", "decision_outcome", "decided_on", "grounds",
            "extended_at", "outcome", "outcome_reasons", "decided_at", "new_decision_reference",
        ]

    new_decision_reference = serializers.CharField(source="new_decision.reference", allow_null=True, default=None)


class OfficeObjectionOut(ObjectionOut):
    """What the office sees besides: who handles it, the hearing, the extension's reason, the documents, the moves."""

    handler = serializers.CharField(source="handler.username", allow_null=True, default=None)
    decision_author = serializers.CharField(source="decision.decided_by.username", allow_null=True, default=None)
    documents = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ObjectionOut.Meta):
        fields = ObjectionOut.Meta.fields + ["handler", "decision_author", "taken_at", "hearing_on", "hearing_minutes", "extension_reason", "documents", "allowed_actions"]

    def get_documents(self, obj) -> list[dict]:
        return [{"id": d.pk, "name": d.original_name, "content_type": d.content_type, "size": d.size, "sha256": d.sha256} for d in obj.documents.all()]

    def get_allowed_actions(self, obj) -> list[str]:
        return objections.objection_allowed_actions(obj, self.context["request"].user)


class ObjectionLodgeView(APIView):
    """`POST /api/v1/applications/{id}/objections/`: multipart `grounds` and zero or more `file`; `GET`: the
    application's objections and their status (the holder's exporters and the officials)."""

    parser_classes = [parsers.MultiPartParser]

    def get_permissions(self):
        # Reading: whoever sees the application (applications_visible_to: the holder, the officials; else 404).
        return [allow(objections.OBJECTING)()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(responses={200: ObjectionOut(many=True)})
    def get(self, request, pk):
        application = get_object_or_404(applications.applications_visible_to(request.user), pk=pk)
        return Response(ObjectionOut(objections.objections_of_application(application), many=True).data)

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


class ObjectionLetterView(APIView):
    """`GET /api/v1/applications/{id}/objections/{oid}/letter/`: the sealed letter with the decision on the objection,
    for whoever sees the application (the holder, the officials)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk, oid):
        application = get_object_or_404(applications.applications_visible_to(request.user), pk=pk)
        objection = get_object_or_404(Objection.objects.select_related("application__organisation", "decision", "new_decision"), pk=oid, application=application)
        return pdf_response(*objection_document(objection))


def _office_objection(pk) -> Objection:
    try:
        return objections.objection_for_office(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


class OfficeObjectionView(APIView):
    """`GET /api/v1/office/objections/{id}/`: one objection with its documents and the moves the caller may make."""

    permission_classes = [allow(objections.OBJECTIONS_READING)]

    @extend_schema(responses={200: OfficeObjectionOut})
    def get(self, request, oid):
        return Response(OfficeObjectionOut(_office_objection(oid), context={"request": request}).data)


class _Move(APIView):
    permission_classes = [allow(objections.HANDLING_OBJECTIONS)]

    def answer(self, request, objection):
        return Response(OfficeObjectionOut(_office_objection(objection.pk), context={"request": request}).data)


class ObjectionTakeView(_Move):
    """`POST .../take/`: the caller handles the objection (never the decision's author)."""

    @extend_schema(request=None, responses={200: OfficeObjectionOut})
    @idempotent
    def post(self, request, oid):
        return self.answer(request, objections.objection_take(actor=request.user, objection=_office_objection(oid)))


class HearingIn(serializers.Serializer):
    held_on = serializers.DateField()
    minutes = serializers.CharField(max_length=objections.MAX_TEXT_CHARS)


class ObjectionHearingView(_Move):
    """`POST .../hearing/` `{"held_on", "minutes"}`: the hearing held (Awb 7:2) and its minutes."""

    @extend_schema(request=HearingIn, responses={200: OfficeObjectionOut})
    @idempotent
    def post(self, request, oid):
        objection = _office_objection(oid)
        data = HearingIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self.answer(request, objections.objection_hearing_record(actor=request.user, objection=objection, **data.validated_data))


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=objections.MAX_TEXT_CHARS)


class ObjectionExtendView(_Move):
    """`POST .../extend/` `{"reason"}`: the decision term extended once by six weeks (Awb 7:10(3))."""

    @extend_schema(request=ReasonIn, responses={200: OfficeObjectionOut})
    @idempotent
    def post(self, request, oid):
        objection = _office_objection(oid)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self.answer(request, objections.objection_extend(actor=request.user, objection=objection, reason=data.validated_data["reason"]))


class ObjectionDecideIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ObjectionOutcome.choices)
    reasons = serializers.CharField(max_length=objections.MAX_TEXT_CHARS)
    # The new decision, for a well-founded or partly well-founded objection: the office's decision input.
    new_decision = DecisionIn(required=False, allow_null=True, default=None)


class ObjectionDecideView(_Move):
    """`POST .../decide/` `{"outcome", "reasons", "new_decision"?}`: the decision on the objection (Awb 7:11)."""

    @extend_schema(request=ObjectionDecideIn, responses={200: OfficeObjectionOut})
    @idempotent
    def post(self, request, oid):
        objection = _office_objection(oid)
        data = ObjectionDecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        new = data.validated_data["new_decision"]
        command = decisions.DecideCommand.of(new) if new else None
        decided = objections.objection_decide(actor=request.user, objection=objection, outcome=data.validated_data["outcome"], reasons=data.validated_data["reasons"], command=command)
        return self.answer(request, decided)
