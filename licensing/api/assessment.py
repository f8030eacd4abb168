"""The ministry's API: assessments against the frameworks that apply to the case, advice, countersignature, prior
information. A finding is put per ground (`criterion`: its reference.Criterion number, 1-8 the Common Position's)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from django.utils.translation import gettext as _

from licensing.applications import selectors as applications
from licensing.assessment import selectors, services
from licensing.assessment.models import Advice, Assessment, CriterionFinding, Finding
from licensing.core.errors import DomainError, NotFound
from licensing.licences.selectors import prior_information

from .permissions import IsOfficial, allow


class FindingOut(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    framework = serializers.CharField(source="criterion.framework_id")
    code = serializers.CharField(source="criterion.code")

    class Meta:
        model = CriterionFinding
        fields = ["criterion", "framework", "code", "finding", "sub_points", "reasoning"]


class AssessmentOut(serializers.ModelSerializer):
    advisor = serializers.CharField(source="advisor.username")
    countersigned_by = serializers.CharField(source="countersigned_by.username", allow_null=True, default=None)
    findings = FindingOut(many=True)
    needs_countersignature = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id", "status", "frameworks", "advisor", "advice", "conditions", "weighing", "override_reason", "countersigned_by",
            "countersigned_at", "return_reason", "submitted_at", "findings", "needs_countersignature", "line_advice",
        ]

    def get_needs_countersignature(self, obj) -> bool:
        return bool(obj.advice) and services.needs_countersignature(obj)


class FindingIn(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    reasoning = serializers.CharField(max_length=20000)
    sub_points = serializers.ListField(child=serializers.CharField(max_length=5), required=False, default=list, max_length=10)


class LineAdviceIn(serializers.Serializer):
    """The advice on one goods line (its `id` in the application's `goods`) where it differs from the advice."""

    line = serializers.IntegerField(min_value=1)
    advice = serializers.ChoiceField(choices=Advice.choices)


class AdviceIn(serializers.Serializer):
    advice = serializers.ChoiceField(choices=Advice.choices)
    line_advice = LineAdviceIn(many=True, required=False, default=list, max_length=500)
    conditions = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    weighing = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class CountersignIn(serializers.Serializer):
    agree = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


def _application(request, pk):
    return get_object_or_404(applications.applications_visible_to(request.user), pk=pk)


def _assessment(application) -> Assessment:
    assessment = selectors.current_assessment(application)
    if assessment is None:
        raise NotFound(_("No assessment has been started for this application."))
    return assessment


def _out(assessment) -> dict:
    fresh = Assessment.objects.select_related("advisor", "countersigned_by", "application").prefetch_related("findings__criterion", "application__destinations").get(pk=assessment.pk)
    return AssessmentOut(fresh).data


class AssessmentView(APIView):
    """GET the current assessment (officials); POST starts one (an advisor, on a referred application)."""

    def get_permissions(self):
        return [IsOfficial()] if self.request.method == "GET" else [allow(services.ADVISING)()]

    @extend_schema(responses=AssessmentOut)
    def get(self, request, pk):
        return Response(_out(_assessment(_application(request, pk))))

    @extend_schema(request=None, responses={201: AssessmentOut})
    def post(self, request, pk):
        assessment = services.assessment_start(actor=request.user, application=_application(request, pk))
        return Response(_out(assessment), status=status.HTTP_201_CREATED)


class FindingView(APIView):
    permission_classes = [allow(services.ADVISING)]

    @extend_schema(request=FindingIn, responses=FindingOut)
    def put(self, request, pk, criterion):
        data = FindingIn(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_record(actor=request.user, assessment=_assessment(_application(request, pk)), criterion=criterion, **data.validated_data)
        return Response(FindingOut(finding).data)


class AdviceView(APIView):
    permission_classes = [allow(services.ADVISING)]

    @extend_schema(request=AdviceIn, responses=AssessmentOut)
    def post(self, request, pk):
        data = AdviceIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines = fields.pop("line_advice")
        if len({line["line"] for line in lines}) != len(lines):
            raise DomainError(_("Give each goods line one advice."), fields={"line_advice": [_("Give each goods line one advice.")]})
        fields["line_advice"] = {line["line"]: line["advice"] for line in lines}
        assessment = services.assessment_submit(actor=request.user, assessment=_assessment(_application(request, pk)), **fields)
        return Response(_out(assessment))


class CountersignView(APIView):
    permission_classes = [allow(services.ADVISING)]

    @extend_schema(request=CountersignIn, responses=AssessmentOut)
    def post(self, request, pk):
        data = CountersignIn(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_countersign(actor=request.user, assessment=_assessment(_application(request, pk)), **data.validated_data)
        return Response(_out(assessment))


PriorOut = inline_serializer("PriorInformation", {"decisions": serializers.ListField(child=serializers.DictField()), "denials": serializers.ListField(child=serializers.DictField())})


class PriorInformationView(APIView):
    """Earlier decisions and denials for the same destination and parties, shown beside the assessment."""

    permission_classes = [IsOfficial]

    @extend_schema(responses=PriorOut)
    def get(self, request, pk):
        return Response(prior_information(_application(request, pk)))
