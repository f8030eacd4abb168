"""The office's decisions, consultations, the denial register and the parliament fast track."""
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from django.utils import translation
from django.utils.translation import gettext as _

from licensing.applications import selectors as applications
from licensing.assessment import services as assessment
from licensing.assessment.models import Consultation
from licensing.denials.models import DenialRegisterEntry
from licensing.core.errors import DomainError
from licensing.core.http import pdf_response
from licensing.denials import exports
from licensing.licences import decisions
from licensing.licences.documents import decision_document as decision_pdf
from licensing.licences.selectors import parliament_notifications, proposals_awaiting_countersignature
from licensing.licences.models import LINE_OUTCOMES, Decision, DecisionDestination, DecisionLine, DecisionProposal, Outcome, ParliamentNotification
from licensing.reference.frameworks import basis_text

from .idempotency import idempotent
from .permissions import IsOfficer, IsOfficial, allow


class LineDecisionIn(serializers.Serializer):
    """The decision on one goods line (its `id` in the application's `goods`)."""

    line = serializers.IntegerField(min_value=1)
    outcome = serializers.ChoiceField(choices=LINE_OUTCOMES)
    criteria = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=99), required=False, default=list, max_length=30)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class DestinationDecisionIn(serializers.Serializer):
    """A destination (ISO country code, one of the application's) that an issued licence leaves out, with its grounds."""

    country = serializers.CharField(min_length=2, max_length=2)
    criteria = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=99), required=False, default=list, max_length=30)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class DecisionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    conditions = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    # Ground numbers (reference.Criterion) of the frameworks the case is assessed against: 1-8 the Common Position's.
    criteria = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=99), required=False, default=list, max_length=30)
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    positive = serializers.BooleanField(required=False, default=True)
    entry = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    not_listed = serializers.BooleanField(required=False, default=False)
    # Per goods line (issue 18.2): issue some lines and deny others; left out, every line has `outcome`.
    lines = LineDecisionIn(many=True, required=False, default=list, max_length=500)
    # Per destination (issue 18.2): an issued licence for several destinations may deny some of them.
    denied_destinations = DestinationDecisionIn(many=True, required=False, default=list, max_length=300)
    # Standard texts (GET /api/v1/standard-texts/): an issued licence's conditions, a denial's refusal reasons.
    standard_conditions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20)
    standard_reasons = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20)


class DecisionLineOut(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    legal_basis = serializers.SerializerMethodField()

    class Meta:
        model = DecisionLine
        fields = ["number", "goods_line", "outcome", "description", "control_entry", "quantity", "unit", "value_eur", "criteria", "frameworks", "legal_basis", "reasons"]

    def get_number(self, obj) -> int:
        return obj.position + 1

    def get_legal_basis(self, obj) -> str:
        return basis_text(obj.criteria, language=translation.get_language()) if obj.criteria else ""


class DecisionDestinationOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id")
    legal_basis = serializers.CharField(read_only=True)

    class Meta:
        model = DecisionDestination
        fields = ["country", "outcome", "criteria", "frameworks", "legal_basis", "reasons"]


class DecisionOut(serializers.ModelSerializer):
    licence_number = serializers.CharField(source="licence.number", allow_null=True, default=None)
    legal_basis = serializers.SerializerMethodField()
    lines = DecisionLineOut(many=True, read_only=True)
    denied_destinations = DecisionDestinationOut(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "reference", "outcome", "decided_on", "reasons", "criteria", "frameworks", "legal_basis", "indicative_answer", "negative_answer", "ruling_entry",
            "ruling_not_listed", "licence_number", "lines", "denied_destinations",
        ]

    def get_legal_basis(self, obj) -> str:
        """The cited grounds with their acts, in the request's language (what the letter says)."""
        return basis_text(obj.criteria, language=translation.get_language()) if obj.criteria else ""


def _application(request, pk):
    return get_object_or_404(applications.applications_visible_to(request.user), pk=pk)


def _decision_of(application) -> Decision:
    return Decision.objects.select_related("licence").prefetch_related("lines", "denied_destinations").get(application=application)


class DecideView(APIView):
    """Record the decision: `issued` (licence), `denied` (criteria + reasons), `answered` (sondage), `ruled` (classification)."""

    permission_classes = [allow(decisions.DECIDING)]

    @extend_schema(request=DecisionIn, responses={201: DecisionOut})
    @idempotent
    def post(self, request, pk):
        application = _application(request, pk)
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = decisions.decide(actor=request.user, application=application, command=decisions.DecideCommand.of(data.validated_data))
        if isinstance(result, DecisionProposal):
            # Four eyes: nothing is decided yet; the proposal waits for a second officer (202, its body says why).
            return Response(ProposalOut(result, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
        return Response(DecisionOut(_decision_of(application)).data, status=status.HTTP_201_CREATED)


class ProposalOut(serializers.ModelSerializer):
    """A decision proposed by one officer, awaiting (or past) a second officer's countersignature."""

    application = serializers.IntegerField(source="application_id")
    reference = serializers.CharField(source="application.reference")
    organisation = serializers.CharField(source="application.organisation.name")
    proposed_by = serializers.CharField(source="proposed_by.username")
    countersigned_by = serializers.CharField(source="countersigned_by.username", allow_null=True, default=None)
    grounds = serializers.SerializerMethodField()
    yours = serializers.SerializerMethodField()
    decision = DecisionOut(read_only=True, allow_null=True)  # once countersigned: the decision in effect

    class Meta:
        model = DecisionProposal
        fields = [
            "id", "application", "reference", "organisation", "status", "outcome", "command", "grounds", "proposed_by", "proposed_at", "yours",
            "countersigned_by", "countersigned_at", "sent_back_reason", "decision",
        ]

    def get_grounds(self, obj) -> list[str]:
        """Why a second officer must countersign, in the request's language."""
        return decisions.grounds_text(obj.grounds)

    def get_yours(self, obj) -> bool:
        """Proposed by the one asking, who cannot countersign it."""
        request = self.context.get("request")
        return bool(request) and obj.proposed_by_id == request.user.pk


class ProposalListView(generics.ListAPIView):
    """The countersignature queue: decisions proposed by one officer that take effect once another countersigns."""

    permission_classes = [allow(decisions.DECIDING)]
    serializer_class = ProposalOut

    def get_queryset(self):
        return proposals_awaiting_countersignature()


class DecisionCountersignIn(serializers.Serializer):
    proposal = serializers.IntegerField(help_text="The id of the proposal read (another one waiting is a 409, not a signature).")
    agree = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class CountersignView(APIView):
    """A second officer countersigns the proposed decision (`agree`: it takes effect, 200 with the decision) or sends it
    back (`agree` false, with the `reason`). The author is refused (403)."""

    permission_classes = [allow(decisions.DECIDING)]

    @extend_schema(request=DecisionCountersignIn, responses={200: ProposalOut})
    def post(self, request, pk):
        application = _application(request, pk)
        data = DecisionCountersignIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        proposal = decisions.decision_countersign(actor=request.user, application=application, proposal_id=d["proposal"], agree=d["agree"], reason=d["reason"])
        return Response(ProposalOut(proposal, context={"request": request}).data)


class BlockersView(APIView):
    """What still keeps the office from approving or denying."""

    permission_classes = [IsOfficial]

    @extend_schema(responses=inline_serializer("Blockers", {"approve": serializers.ListField(child=serializers.CharField()), "deny": serializers.ListField(child=serializers.CharField())}))
    def get(self, request, pk):
        application = _application(request, pk)
        return Response(decisions.case_blockers(application))


class ConsultationOut(serializers.ModelSerializer):
    denial_reference = serializers.CharField(source="denial.reference")
    notifying_state = serializers.CharField(source="denial.notifying_state_id")

    class Meta:
        model = Consultation
        fields = ["id", "denial_reference", "notifying_state", "match_reason", "status", "started_at", "answer", "answered_at"]


class ConsultationsView(generics.ListAPIView):
    permission_classes = [IsOfficial]
    serializer_class = ConsultationOut
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Consultation.objects.none()
        return Consultation.objects.filter(application=_application(self.request, self.kwargs["pk"])).select_related("denial")


class ConsultationAnswerIn(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    timed_out = serializers.BooleanField(required=False, default=False)


def _consultation(request, cid) -> Consultation:
    visible = applications.applications_visible_to(request.user)
    return get_object_or_404(Consultation.objects.select_related("denial", "application").filter(application__in=visible), pk=cid)


class ConsultationStartView(APIView):
    permission_classes = [allow(assessment.CONSULTING)]

    @extend_schema(request=None, responses=ConsultationOut)
    def post(self, request, cid):
        return Response(ConsultationOut(assessment.consultation_start(actor=request.user, consultation=_consultation(request, cid))).data)


class ConsultationAnswerView(APIView):
    permission_classes = [allow(assessment.CONSULTING)]

    @extend_schema(request=ConsultationAnswerIn, responses=ConsultationOut)
    def post(self, request, cid):
        data = ConsultationAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = assessment.consultation_answer(actor=request.user, consultation=_consultation(request, cid), **data.validated_data)
        return Response(ConsultationOut(consultation).data)


class DenialOut(serializers.ModelSerializer):
    notifying_state = serializers.CharField(source="notifying_state_id")
    destination = serializers.CharField(source="destination_id")

    class Meta:
        model = DenialRegisterEntry
        # revoked_on: withdrawn (ours: when a decision on objection replaced the denial; no longer exchanged or screened against).
        fields = [
            "reference", "own", "notifying_state", "notified_on", "destination", "goods_description", "quantity", "control_entry", "consignee", "end_user", "criteria",
            "frameworks", "revoked_on",
        ]


class DenialListView(generics.ListAPIView):
    """The denial register: `?own=true` for ours, `?own=false` for other member states'."""

    permission_classes = [IsOfficial]
    serializer_class = DenialOut

    def get_queryset(self):
        queryset = DenialRegisterEntry.objects.order_by("-notified_on", "reference")
        own = self.request.query_params.get("own")
        if own in ("true", "false"):
            queryset = queryset.filter(own=own == "true")
        return queryset


class DenialExportView(APIView):
    """Our denials in the EU exchange format: `?format=csv` (default) or `?format=json`."""

    permission_classes = [IsOfficial]

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["csv", "json"])], responses={(200, "text/csv"): str, (200, "application/json"): DenialOut(many=True)})
    def get(self, request):
        fmt = request.query_params.get("format", "csv")
        if fmt == "json":
            return Response(exports.denial_rows(exports.own_denials()))
        if fmt != "csv":
            raise DomainError(_("Choose format csv or json."), fields={"format": [_("Choose csv or json.")]})
        response = HttpResponse(exports.denials_csv(exports.own_denials()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="denials.csv"'
        return response


class ParliamentOut(serializers.ModelSerializer):
    licence = serializers.CharField(source="licence.number")
    holder = serializers.CharField(source="licence.holder_name")
    value_eur = serializers.DecimalField(source="licence.value_eur", max_digits=16, decimal_places=2)
    decided_on = serializers.DateField(source="licence.decision.decided_on")

    class Meta:
        model = ParliamentNotification
        fields = ["id", "licence", "holder", "value_eur", "decided_on", "due_on", "sent_on"]


class ParliamentListView(generics.ListAPIView):
    """Licences to be reported to parliament within two weeks of the decision; `?due=true` for unsent ones."""

    permission_classes = [IsOfficial]
    serializer_class = ParliamentOut

    def get_queryset(self):
        return parliament_notifications(due=self.request.query_params.get("due") == "true")


class ParliamentSentView(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses=ParliamentOut)
    def post(self, request, nid):
        notification = get_object_or_404(ParliamentNotification.objects.select_related("licence__decision__application"), pk=nid)
        return Response(ParliamentOut(decisions.parliament_notification_sent(actor=request.user, notification=notification)).data)


def decision_document(decision: Decision) -> HttpResponse:
    """The licence PDF for an issued decision, else the decision letter."""
    return pdf_response(*decision_pdf(decision))
