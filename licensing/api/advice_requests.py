"""Advice from other bodies (licensing.assessment.advice_requests): the office and the ministry ask and withdraw
(`/office/...`); the Ministry of Defence, the Ministry of Economic Affairs and the intelligence services read their
own queue and answer (`/advice-requests/...`)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.accounts.models import ADVICE_BODY_ROLES
from licensing.applications import selectors as applications
from licensing.assessment import advice_requests as requests
from licensing.assessment.models import AdviceRequest
from licensing.assessment.transitions import ADVICE_REQUEST, ANSWERING_BODIES, ASKING_BODIES

from .permissions import allow


class AdviceRequestOut(serializers.ModelSerializer):
    body_label = serializers.SerializerMethodField()
    application = serializers.CharField(source="application.reference")
    application_id = serializers.IntegerField()
    asked_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = AdviceRequest
        fields = ["id", "application", "application_id", "body", "body_label", "question", "due_on", "status", "asked_by", "asked_at",
                  "answer", "answered_by", "answered_at", "withdrawn_at", "withdrawn_reason", "allowed_actions"]

    def get_body_label(self, obj) -> str:
        return requests.body_label(obj.body)

    def _name(self, user) -> str | None:
        # A body reads who asked as the office or the ministry, not the official's name (as the exporter does).
        if user is None:
            return None
        return user.get_full_name() or user.username if self.context["request"].user.is_official else None

    def get_asked_by(self, obj) -> str | None:
        return self._name(obj.asked_by)

    def get_answered_by(self, obj) -> str | None:
        return self._name(obj.answered_by)

    def get_allowed_actions(self, obj) -> list[str]:
        return ADVICE_REQUEST.allowed_actions(obj, self.context["request"].user)


class AdviceRequestWithCaseOut(AdviceRequestOut):
    """A request with the facts of its case, as the body asked reads them (assessment.advice_requests.BodyCase)."""

    case = serializers.SerializerMethodField()

    class Meta(AdviceRequestOut.Meta):
        fields = [*AdviceRequestOut.Meta.fields, "case"]

    def get_case(self, obj) -> dict:
        return requests.body_case(obj).__dict__


class AskIn(serializers.Serializer):
    body = serializers.ChoiceField(choices=[(r.value, r.label) for r in ADVICE_BODY_ROLES])
    question = serializers.CharField(max_length=requests.MAX_TEXT)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class AdviceAnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=requests.MAX_TEXT)


class AdviceWithdrawIn(serializers.Serializer):
    reason = serializers.CharField(max_length=requests.MAX_TEXT)


class CaseAdviceRequestsView(APIView):
    """The requests for advice on one case (officials), and asking one."""

    permission_classes = [allow(ASKING_BODIES)]

    def _application(self, request, pk):
        return get_object_or_404(applications.applications_visible_to(request.user), pk=pk)

    @extend_schema(responses=AdviceRequestOut(many=True))
    def get(self, request, pk):
        rows = requests.requests_of_case(self._application(request, pk)).select_related("application")
        return Response(AdviceRequestOut(rows, many=True, context={"request": request}).data)

    @extend_schema(request=AskIn, responses={201: AdviceRequestOut})
    def post(self, request, pk):
        application = self._application(request, pk)
        data = AskIn(data=request.data)
        data.is_valid(raise_exception=True)
        made = requests.advice_request_ask(actor=request.user, application=application, **data.validated_data)
        return Response(AdviceRequestOut(made, context={"request": request}).data, status=status.HTTP_201_CREATED)


class WithdrawView(APIView):
    permission_classes = [allow(ASKING_BODIES)]

    @extend_schema(request=AdviceWithdrawIn, responses=AdviceRequestOut)
    def post(self, request, rid):
        made = requests.request_for(request.user, rid)
        data = AdviceWithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        requests.advice_request_withdraw(actor=request.user, request=made, reason=data.validated_data["reason"])
        return Response(AdviceRequestOut(made, context={"request": request}).data)


class BodyQueueView(APIView):
    """A body's requests: open ones first, by their answer-by date."""

    permission_classes = [allow(ANSWERING_BODIES)]

    @extend_schema(responses=AdviceRequestOut(many=True))
    def get(self, request):
        rows = requests.requests_for_body(request.user)[:200]
        return Response(AdviceRequestOut(rows, many=True, context={"request": request}).data)


class BodyRequestView(APIView):
    """One request with the facts of its case (what the body needs to advise, not the case file)."""

    permission_classes = [allow(ANSWERING_BODIES)]

    @extend_schema(responses=AdviceRequestWithCaseOut)
    def get(self, request, rid):
        return Response(AdviceRequestWithCaseOut(requests.request_for(request.user, rid), context={"request": request}).data)


class AnswerView(APIView):
    permission_classes = [allow(ANSWERING_BODIES)]

    @extend_schema(request=AdviceAnswerIn, responses=AdviceRequestOut)
    def post(self, request, rid):
        made = requests.request_for(request.user, rid)
        data = AdviceAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        requests.advice_request_answer(actor=request.user, request=made, answer=data.validated_data["answer"])
        return Response(AdviceRequestOut(made, context={"request": request}).data)
