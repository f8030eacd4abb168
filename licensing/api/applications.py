"""Applications API: exporters file, edit drafts, submit, withdraw, amend, answer questions, upload documents."""
import dataclasses

import django_filters
from django.utils import timezone
from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from django.utils.translation import gettext as _

from licensing.applications import selectors, services
from licensing.applications.choices import EndUse, GoodsKind, Kind, Movement, Purpose
from licensing.applications.models import Application, Document, GoodsLine, Party, Status
from licensing.applications.workflow import allowed_actions
from licensing.audit.models import Event
from licensing.casework.timeline import case_timeline
from licensing.core.errors import NotAllowed, NotFound
from licensing.core.http import document_response, pdf_response
from licensing.licences.documents import application_document
from licensing.reference.models import GeneralLicence
from licensing.routing.rules import rule_text
from licensing.routing.visibility import visible_determination

from .decisions import DecisionOut
from .fields import CountryCodeField, HandlerField
from .idempotency import HEADER, idempotent
from .parsers import JSONParser

IDEMPOTENCY_PARAMETER = OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, description="Makes a retried POST safe: the first answer is returned again.")

MAX_GOODS_LINES = 500
MAX_PARTIES = 100


# --- input -----------------------------------------------------------------------------------------
class ProductIn(serializers.Serializer):
    """A product's fields (applications.models.Product): a goods line's and a goods-library item's, checked alike."""

    goods_kind = serializers.ChoiceField(choices=GoodsKind.choices)
    description = serializers.CharField(allow_blank=True, max_length=5000)
    control_entry = serializers.CharField(allow_blank=True, required=False, default="", max_length=60)
    unit = serializers.ChoiceField(choices=GoodsLine.Unit.choices, required=False, default=GoodsLine.Unit.PIECES)
    complete_system = serializers.BooleanField(required=False, default=False)
    manufacturer = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    part_number = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
    hs_code = serializers.RegexField(r"^[0-9]{4}([.]?[0-9]{2}){0,3}$", allow_blank=True, required=False, default="", max_length=12)
    is_aluminium = serializers.BooleanField(required=False, default=False, help_text="Aluminium goods (an HS code of chapter 76 counts too).")

    def validate_control_entry(self, value):
        return value.strip()


class GoodsLineIn(ProductIn):
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False, allow_null=True, min_value=0)
    value_eur = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    serial_numbers = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)
    lot_numbers = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)
    # Seed 000 question 8: ranked by share of the metal, not by the order of the steps; aluminium goods only.
    first_smelt_country = CountryCodeField(required=False, allow_null=True, default=None, help_text="Aluminium only: country of the most important smelt.")
    second_smelt_country = CountryCodeField(required=False, allow_null=True, default=None, help_text="Aluminium only: country of the second most important smelt.")
    last_cast_country = CountryCodeField(required=False, allow_null=True, default=None, help_text="Aluminium only: country of the last cast.")


class PartyIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    name = serializers.CharField(max_length=300)
    address = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)
    country = CountryCodeField(required=False, allow_null=True, default=None)
    party_type = serializers.ChoiceField(choices=Party.PartyType.choices, required=False, default=Party.PartyType.COMPANY)
    website = serializers.URLField(allow_blank=True, required=False, default="")
    certificate_number = serializers.CharField(allow_blank=True, required=False, default="", max_length=60)


class ApplicationIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    movement = serializers.ChoiceField(choices=Movement.choices, required=False, default=Movement.EXPORT)
    title = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    destinations = CountryCodeField(many=True, required=False)
    end_use = serializers.ChoiceField(choices=EndUse.choices, required=False, default=EndUse.CIVIL)
    end_use_description = serializers.CharField(allow_blank=True, required=False, default="", max_length=10000)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, default=Purpose.SALE)
    temporary = serializers.BooleanField(required=False, default=False)
    reimport_date = serializers.DateField(required=False, allow_null=True, default=None)
    repaired_goods_from_netherlands = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Purpose repair: were the goods earlier delivered from the Netherlands?"
    )
    general_licence = serializers.SlugRelatedField(
        slug_field="code", queryset=GeneralLicence.objects.filter(active=True), required=False, allow_null=True, default=None
    )
    conditions_confirmed = serializers.BooleanField(required=False, default=False)
    origin_country = CountryCodeField(required=False, allow_null=True, default=None, help_text="Transit: where the goods come from.")
    brokering_value_eur = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, min_value=0)
    goods = GoodsLineIn(many=True, required=False, max_length=MAX_GOODS_LINES)
    parties = PartyIn(many=True, required=False, max_length=MAX_PARTIES)


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=20000)


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationPatch(ApplicationIn):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


# --- output ----------------------------------------------------------------------------------------
class GoodsLineOut(serializers.ModelSerializer):
    first_smelt_country = serializers.CharField(source="first_smelt_country_id", allow_null=True)
    second_smelt_country = serializers.CharField(source="second_smelt_country_id", allow_null=True)
    last_cast_country = serializers.CharField(source="last_cast_country_id", allow_null=True)

    class Meta:
        model = GoodsLine
        exclude = ["application"]


class PartyOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", allow_null=True)

    class Meta:
        model = Party
        exclude = ["application"]


class DocumentOut(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "doc_type", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class QuestionOut(serializers.Serializer):
    """A question and, once given, its answer with the documents sent with it (exporter and officials alike)."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    asked_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    is_open = serializers.BooleanField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    documents = DocumentOut(many=True)


class AnswerToQuestionIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class TimelineDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    internal = serializers.BooleanField()


class TimelineRuleOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    internal = serializers.BooleanField()


class TimelineEntryOut(serializers.Serializer):
    """One entry of the case's timeline as the requester may read it (licensing.casework.timeline)."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    verb = serializers.CharField()
    label = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    question = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    rules = TimelineRuleOut(many=True)
    documents = TimelineDocumentOut(many=True)
    internal = serializers.BooleanField()


class ApplicationSummaryOut(serializers.ModelSerializer):
    destinations = serializers.SerializerMethodField()
    handler = HandlerField()
    organisation = serializers.CharField(source="organisation.name")
    status_label = serializers.CharField(source="get_status_display")
    is_sondage = serializers.BooleanField()

    class Meta:
        model = Application
        fields = [
            "id", "reference", "version", "kind", "is_sondage", "movement", "status", "status_label", "title",
            "destinations", "organisation", "handler", "created_at", "submitted_at", "decided_at",
        ]

    def get_destinations(self, obj) -> list[str]:
        return [c.code for c in obj.destinations.all()]


class ApplicationOut(ApplicationSummaryOut):
    goods = GoodsLineOut(many=True)
    parties = PartyOut(many=True)
    documents = DocumentOut(many=True)
    questions = QuestionOut(many=True)
    previous = serializers.CharField(source="previous.reference", allow_null=True, default=None)
    amendment = serializers.SerializerMethodField()
    general_licence = serializers.CharField(source="general_licence_id", allow_null=True)
    origin_country = serializers.CharField(source="origin_country_id", allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    claimed_by = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    catch_all = serializers.SerializerMethodField()

    class Meta(ApplicationSummaryOut.Meta):
        fields = ApplicationSummaryOut.Meta.fields + [
            "deadline_at", "clock_stopped_at", "claimed_by", "previous", "amendment", "end_use", "end_use_description", "purpose", "temporary", "reimport_date",
            "repaired_goods_from_netherlands",
            "general_licence", "conditions_confirmed", "origin_country", "brokering_value_eur", "goods", "parties", "documents", "questions", "determination",
            "allowed_actions", "decision", "catch_all",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        determination = data.get("determination")
        if determination and determination.get("rules"):
            # Stored with the routing; each rule's text read in the requester's language (ids and codes unchanged),
            # the internal rules only for officials.
            request = self.context.get("request")
            determination = visible_determination(determination, getattr(request, "user", None))
            rules = [{**r, "text": rule_text(r.get("id", ""), r.get("text", ""))} for r in determination["rules"]]
            data["determination"] = {**determination, "rules": rules}
        return data

    def get_amendment(self, obj) -> str | None:
        amendment = getattr(obj, "amendment", None)
        return amendment.reference if amendment else None

    def get_decision(self, obj) -> dict | None:
        """The decision as the exporter may see it: outcome, reasons, cited criteria, licence; never the advice."""
        try:
            decision = obj.decision
        except ObjectDoesNotExist:
            return None
        return DecisionOut(decision).data

    def get_catch_all(self, obj) -> dict | None:
        """A catch-all imposed on the application: its ground in plain words for everyone who sees the case; what the
        information is, and who imposed it, for officials only."""
        try:
            requirement = obj.catch_all_requirement
        except ObjectDoesNotExist:
            return None
        out = {"ground": requirement.ground, "imposed_by": requirement.imposed_by_desk, "imposed_at": serializers.DateTimeField().to_representation(requirement.imposed_at), "text": requirement.told()}
        if self.context["request"].user.is_official:
            out |= {"information": requirement.information, "official": requirement.imposed_by.username}
        return out

    def get_claimed_by(self, obj) -> str | None:
        # Which official works on the case is internal to the office and the ministry.
        if obj.claimed_by_id and self.context["request"].user.is_official:
            return obj.claimed_by.username
        return None

    def get_allowed_actions(self, obj) -> list[str]:
        return allowed_actions(obj, self.context["request"].user)


class EventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["at", "verb", "from_state", "to_state", "reason", "actor"]

    def get_actor(self, obj) -> str | None:
        return obj.actor.get_full_name() or obj.actor.username if obj.actor_id else None


def _timeline_row(entry) -> dict:
    row = dataclasses.asdict(entry)
    row["at"] = timezone.localtime(entry.at).isoformat()
    row["answered_at"] = timezone.localtime(entry.answered_at).isoformat() if entry.answered_at else None
    row["due_on"] = entry.due_on.isoformat() if entry.due_on else None
    return row


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    movement = django_filters.ChoiceFilter(choices=Movement.choices)

    class Meta:
        model = Application
        fields = ["status", "kind", "movement"]


def _is_exporter(request):
    if not request.user.is_exporter:
        raise NotAllowed(_("Only the exporter that filed the application can do this."))


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exporters see their own organisation's applications only (others' give 404); officials see submitted ones."""

    filterset_class = ApplicationFilter
    ordering_fields = ["created_at", "submitted_at", "reference", "status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        queryset = selectors.applications_visible_to(self.request.user)
        if self.action == "list":
            return selectors.with_summary(queryset)
        if self.action in ("timeline", "questions", "question_answer"):
            return queryset  # these read what they show themselves
        return selectors.with_details(queryset)

    def get_serializer_class(self):
        return ApplicationSummaryOut if self.action == "list" else ApplicationOut

    def _detail(self, application, status_code=status.HTTP_200_OK):
        fresh = selectors.with_details(Application.objects.filter(pk=application.pk)).get()
        return Response(ApplicationOut(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=ApplicationIn, responses={201: ApplicationOut}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        _is_exporter(request)
        data = ApplicationIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_create(actor=request.user, data=data.validated_data)
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationPatch, responses=ApplicationOut)
    def partial_update(self, request, pk=None):
        _is_exporter(request)
        application = self.get_object()
        data = ApplicationPatch(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        application = services.application_update(actor=request.user, application=application, data=data.validated_data)
        return self._detail(application)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        _is_exporter(request)
        services.application_delete(actor=request.user, application=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        _is_exporter(request)
        application = services.application_submit(actor=request.user, application=self.get_object())
        return self._detail(application)

    @extend_schema(request=WithdrawIn, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        _is_exporter(request)
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_withdraw(actor=request.user, application=self.get_object(), reason=data.validated_data["reason"])
        return self._detail(application)

    @extend_schema(request=None, responses={201: ApplicationOut}, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"])
    @idempotent
    def amend(self, request, pk=None):
        _is_exporter(request)
        amendment = services.application_amend(actor=request.user, application=self.get_object())
        return self._detail(amendment, status.HTTP_201_CREATED)

    @extend_schema(request=AnswerIn, responses=QuestionOut)
    @action(detail=True, methods=["post"], url_path="answer")
    def answer(self, request, pk=None):
        """Answer the oldest open question (kept for callers from before several questions could be open; new
        callers answer a named question: `questions/{id}/answer/`)."""
        _is_exporter(request)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_answer(actor=request.user, application=self.get_object(), answer=data.validated_data["answer"])
        return Response(QuestionOut(question).data)

    @extend_schema(responses=QuestionOut(many=True))
    @action(detail=True, methods=["get"], url_path="questions", filter_backends=[], pagination_class=None)
    def questions(self, request, pk=None):
        """The case's questions, oldest first, each with its answer-by date, answer and the answer's documents."""
        return Response(QuestionOut(selectors.questions_of(self.get_object()), many=True).data)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("AnswerWithFilesIn", {"text": serializers.CharField(), "file": serializers.ListField(child=serializers.FileField(), required=False)})},
        responses={201: QuestionOut},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"questions/(?P<question_id>[0-9]+)/answer",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser, JSONParser],
    )
    def question_answer(self, request, pk=None, question_id=None):
        """Answer one open question with text (`text`) and zero or more documents (`file`, repeated)."""
        _is_exporter(request)
        application = self.get_object()
        data = AnswerToQuestionIn(data=request.data)  # a JSON list or null is refused here, as by every serializer
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("file") if hasattr(request.FILES, "getlist") else []
        question = services.question_answer(actor=request.user, application=application, question_id=int(question_id), answer=data.validated_data["text"], files=files)
        fresh = selectors.questions_of(application).get(pk=question.pk)
        return Response(QuestionOut(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TimelineEntryOut(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def timeline(self, request, pk=None):
        """The case's timeline as the requester may read it, oldest first (exporters: no internal notes, no referral
        notes, no claims, no screening, no rule ids)."""
        # The entries written out directly in TimelineEntryOut's shape (which documents them): through the serializer,
        # 50 entries with their nested documents and rules took a third of the request.
        return Response([_timeline_row(e) for e in case_timeline(self.get_object(), request.user)])

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="decision/document")
    def decision_document(self, request, pk=None):
        """The licence (PDF) or the decision letter: denial notice citing the criteria, sondage answer, ruling, or the
        letter setting the application aside."""
        document = application_document(self.get_object())
        if document is None:
            raise NotFound(_("No decision has been taken on this application yet."))
        return pdf_response(*document)

    @extend_schema(responses=EventOut(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """The application's events, oldest first, in pages (`?page=`, `?page_size=` up to 200)."""
        events = self.paginate_queryset(selectors.application_events(self.get_object(), request.user))
        return self.get_paginated_response(EventOut(selectors.history_as_seen_by(events, request.user), many=True).data)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("DocumentIn", {"doc_type": serializers.ChoiceField(choices=Document.DocType.choices), "file": serializers.FileField()})},
        responses={201: DocumentOut},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser], url_path="documents")
    @idempotent
    def upload(self, request, pk=None):
        _is_exporter(request)
        application = self.get_object()
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise serializers.ValidationError({"file": [_("Choose a file to upload.")]})
        document = services.document_add(actor=request.user, application=application, doc_type=request.data.get("doc_type", ""), uploaded_file=uploaded)
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 204: None})
    @action(detail=True, methods=["get", "delete"], url_path=r"documents/(?P<document_id>[0-9]+)")
    def document(self, request, pk=None, document_id=None):
        document = selectors.document_or_404(self.get_object(), document_id)
        if request.method == "DELETE":
            _is_exporter(request)
            services.document_delete(actor=request.user, document=document)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return document_response(document)


