"""Officials' API: the queues and triage (claim, release, assign, refer) and questions to the exporter."""
import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications import selectors, services
from licensing.applications.choices import CatchAllGround, Kind
from licensing.applications.models import Application, Mention, Note, days_left
from licensing.core.http import document_response
from licensing.licences.decisions import DECIDING, application_set_aside
from licensing.routing import selectors as queues
from licensing.routing import services as triage
from licensing.routing.search import SearchForm, cases_found
from licensing.routing.selectors import queue_rows, queue_values

from .applications import ApplicationOut, QuestionOut
from .fields import HandlerField
from .idempotency import idempotent
from .pagination import CappedPagination
from .parsers import JSONParser
from .permissions import IsOfficial, allow


class QuestionIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    standard_texts = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20, help_text="Standard questions (GET /api/v1/standard-texts/?kind=question), put before the text."
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="The answer-by date (default: QUESTION_ANSWER_DAYS from today).")


class NoteIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class NoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    mentions = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    def get_mentions(self, obj) -> list[str]:
        return [m.user.username for m in obj.mentions.all()]

    def get_documents(self, obj) -> list[dict]:
        return [{"id": d.pk, "name": d.original_name, "content_type": d.content_type, "size": d.size} for d in obj.documents.all()]


class SetAsideIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class CatchAllIn(serializers.Serializer):
    ground = serializers.ChoiceField(choices=CatchAllGround.choices, help_text="wmd, military_embargo or repression (export only); transit: wmd or military_embargo; brokering: wmd.")
    information = serializers.CharField(max_length=20000, help_text="What the catch-all rests on; officials only, never shown to the exporter.")


class ReferIn(serializers.Serializer):
    note = serializers.CharField(max_length=20000)


class AssignIn(serializers.Serializer):
    assignee = serializers.CharField(help_text="Username of the colleague who takes the case.")


class QueueItemOut(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    handler = HandlerField()
    destinations = serializers.SerializerMethodField()
    claimed_by = serializers.CharField(source="claimed_by.username", allow_null=True, default=None)
    age_days = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    queue = serializers.CharField()
    fast_track_parliament = serializers.SerializerMethodField()
    general_licences = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(help_text="Whole days to the statutory deadline; negative once passed; standing still while a question is open.")
    answer_received = serializers.SerializerMethodField(help_text="The exporter answered a question and no official told of it has opened the case since.")

    class Meta:
        model = Application
        fields = [
            "id", "reference", "version", "kind", "movement", "status", "queue", "organisation", "destinations", "handler",
            "claimed_by", "submitted_at", "age_days", "deadline_at", "clock_stopped_at", "days_left", "answer_received", "flags",
            "fast_track_parliament", "general_licences",
        ]

    def get_destinations(self, obj) -> list[str]:
        return [c.code for c in obj.destinations.all()]

    def get_age_days(self, obj) -> int | None:
        return (timezone.now() - obj.submitted_at).days if obj.submitted_at else None

    def get_flags(self, obj) -> list[str]:
        return queues.flags_of(obj)

    def get_fast_track_parliament(self, obj) -> bool:
        return bool((obj.determination or {}).get("fast_track_parliament"))

    def get_general_licences(self, obj) -> list[str]:
        return list((obj.determination or {}).get("general_licences", []))

    def get_days_left(self, obj) -> int | None:
        return days_left(obj.deadline_at, obj.clock_stopped_at)

    def get_answer_received(self, obj) -> bool:
        return bool(getattr(obj, "answer_received", False))


class AnyOfFilter(django_filters.MultipleChoiceFilter):
    """`?kind=a&kind=b` as one `kind IN (a, b)`, not django-filter's `kind = a OR kind = b`.

    PostgreSQL uses an IN list as an index condition (the (status, kind) index answers the queue's count by itself);
    the OR is checked row by row after the index scan: the count took 1.3 against 2.0 ms (bench/README.md, third round).
    """

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class QueueFilter(django_filters.FilterSet):
    queue = django_filters.ChoiceFilter(choices=[("licensing_office", "licensing_office"), ("ministry", "ministry")], method="noop")
    # A column of the application itself: no join to de-duplicate. (The default DISTINCT over every column made
    # the page and its count sort the whole queue: 145 ms each at 200,000 applications.)
    kind = AnyOfFilter(choices=Kind.choices, distinct=False)
    handler = django_filters.ChoiceFilter(choices=[("licensing_office", "licensing_office"), ("ministry", "ministry")])
    claimed = django_filters.ChoiceFilter(choices=[("me", "me"), ("none", "none"), ("others", "others")], method="filter_claimed")
    flag = django_filters.ChoiceFilter(choices=[(f, f) for f in queues.FLAGS], method="filter_flag")

    class Meta:
        model = Application
        fields = ["kind", "handler"]

    def get_form_class(self):
        # The form checks fixed choices and depends on nothing of the request: build its class once per process, not
        # per request (a new class and five fields with their choices each time; each form still copies its fields).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def noop(self, queryset, name, value):
        return queryset  # the view picks the queue

    def filter_claimed(self, queryset, name, value):
        user = self.request.user
        if value == "me":
            return queryset.filter(claimed_by=user)
        if value == "none":
            return queryset.filter(claimed_by__isnull=True)
        return queryset.exclude(claimed_by__isnull=True).exclude(claimed_by=user)

    def filter_flag(self, queryset, name, value):
        return queues.with_flag(queryset, value)


class QueueView(generics.ListAPIView):
    """
    Open cases on a desk: `?queue=licensing_office` (default for officers) or `ministry` (default for advisors),
    filtered by kind, handler, claimant and flag, sorted by deadline (`?ordering=-deadline_at`, `submitted_at`).
    """

    permission_classes = [IsOfficial]
    serializer_class = QueueItemOut
    filterset_class = QueueFilter
    ordering_fields = ["deadline_at", "submitted_at", "reference"]
    ordering = ["deadline_at"]

    def get_queryset(self):
        role = getattr(self.request.user, "effective_role", None)  # None while drf-spectacular builds the schema
        default = "ministry" if role == "advisor" else "licensing_office"
        queue = self.request.query_params.get("queue") or default
        return queues.queue_cases(queue if queue in ("licensing_office", "ministry") else default)

    def list(self, request, *args, **kwargs):
        # The rows as values, written out by queue_rows (QueueItemOut's shape, which documents them): building and
        # serialising 50 model instances through the ModelSerializer was most of this endpoint's time.
        page = self.paginate_queryset(queue_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(queue_rows(page))


class SearchView(generics.GenericAPIView):
    """
    Find cases (officials only): `?q=` a reference, an organisation, a party's name (however transliterated), a goods
    description, a control entry, a part, serial or lot number; filters `status` and `kind` (repeatable), `handler`
    (desk), `claimed` (`me`, `none`), `claimed_by` (username), `flag`, `deadline_before` (date). Rows as the queue's,
    newest submission first.
    """

    permission_classes = [IsOfficial]
    serializer_class = QueueItemOut
    filter_backends = []  # SearchForm reads every parameter: one set of rules for this and the search page
    pagination_class = CappedPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words to find; all must match (as typed, or as the name normaliser folds them)."),
            OpenApiParameter("status", str, many=True), OpenApiParameter("kind", str, many=True), OpenApiParameter("handler", str),
            OpenApiParameter("claimed", str, enum=["me", "none"]), OpenApiParameter("claimed_by", str), OpenApiParameter("flag", str, enum=list(queues.FLAGS)),
            OpenApiParameter("deadline_before", OpenApiTypes.DATE),
        ],
        responses=QueueItemOut(many=True),
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({field: list(messages) for field, messages in form.errors.items()})
        page = self.paginate_queryset(queue_values(cases_found(request.user, form.cleaned_data)))
        return self.get_paginated_response(queue_rows(page))


def _case(request, pk) -> Application:
    return get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)


def _detail(request, application, status_code=status.HTTP_200_OK):
    fresh = selectors.with_details(Application.objects.filter(pk=application.pk)).get()
    return Response(ApplicationOut(fresh, context={"request": request}).data, status=status_code)


class ClaimView(APIView):
    """Claim the case (one winner; the other gets 409)."""

    permission_classes = [IsOfficial]

    @extend_schema(request=None, responses=ApplicationOut)
    def post(self, request, pk):
        return _detail(request, triage.case_claim(actor=request.user, application=_case(request, pk)))


class ReleaseView(APIView):
    permission_classes = [IsOfficial]

    @extend_schema(request=None, responses=ApplicationOut)
    def post(self, request, pk):
        return _detail(request, triage.case_release(actor=request.user, application=_case(request, pk)))


class AssignView(APIView):
    permission_classes = [IsOfficial]

    @extend_schema(request=AssignIn, responses=ApplicationOut)
    def post(self, request, pk):
        data = AssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = get_user_model().objects.filter(username=data.validated_data["assignee"]).first()
        return _detail(request, triage.case_assign(actor=request.user, application=_case(request, pk), assignee=assignee))


class ReferView(APIView):
    """Refer the case to the ministry with a note."""

    permission_classes = [allow(triage.REFERRING)]

    @extend_schema(request=ReferIn, responses=ApplicationOut)
    def post(self, request, pk):
        data = ReferIn(data=request.data)
        data.is_valid(raise_exception=True)
        return _detail(request, triage.application_refer(actor=request.user, application=_case(request, pk), note=data.validated_data["note"]))


class CatchAllView(APIView):
    """Impose the catch-all (Art. 4 of Regulation (EU) 2021/821) on the case's unlisted goods: the desk that holds the
    case, once; the application becomes licensable, is routed again (the ministry decides) and the exporter is told."""

    permission_classes = [allow(triage.IMPOSING)]

    @extend_schema(request=CatchAllIn, responses=ApplicationOut)
    def post(self, request, pk):
        application = _case(request, pk)
        data = CatchAllIn(data=request.data)
        data.is_valid(raise_exception=True)
        triage.catch_all_impose(actor=request.user, application=application, ground=data.validated_data["ground"], information=data.validated_data["information"])
        return _detail(request, application)


class QuestionAskView(APIView):
    """Ask the exporter a question, to be answered by `due_on`; several may be open at once, and the statutory clock
    stands still while any is."""

    permission_classes = [allow(services.ASKING)]

    @extend_schema(request=QuestionIn, responses={201: QuestionOut})
    @idempotent
    def post(self, request, pk):
        application = _case(request, pk)
        data = QuestionIn(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_ask(actor=request.user, application=application, **data.validated_data)
        return Response(QuestionOut(selectors.questions_of(application).get(pk=question.pk)).data, status=status.HTTP_201_CREATED)


class NoteView(APIView):
    """An internal note on the case (never shown to the exporter), `@username` mentioning colleagues, with internal
    documents (`file`, repeated, in a multipart body)."""

    permission_classes = [allow(services.NOTING)]
    parser_classes = [JSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request=NoteIn, responses={201: NoteOut})
    @idempotent
    def post(self, request, pk):
        application = _case(request, pk)
        data = NoteIn(data=request.data)  # a JSON list or null is refused here, as by every serializer
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("file") if hasattr(request.FILES, "getlist") else []
        note = services.note_add(actor=request.user, application=application, text=data.validated_data["text"], files=files)
        note = Note.objects.prefetch_related("documents", Prefetch("mentions", queryset=Mention.objects.select_related("user"))).get(pk=note.pk)
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


class NoteDocumentView(APIView):
    """An internal document of the case's notes (officials only)."""

    permission_classes = [allow(services.NOTING)]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk, note_document_id):
        return document_response(selectors.note_document_or_404(_case(request, pk), note_document_id))


class SetAsideView(APIView):
    """Set the application aside (Awb 4:5) when a question went unanswered past its date; the holder gets a letter."""

    permission_classes = [allow(DECIDING)]

    @extend_schema(request=SetAsideIn, responses=ApplicationOut)
    def post(self, request, pk):
        data = SetAsideIn(data=request.data)
        data.is_valid(raise_exception=True)
        return _detail(request, application_set_aside(actor=request.user, application=_case(request, pk), reason=data.validated_data["reason"]))
