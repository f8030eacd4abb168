"""Reads for applications: who may see which, with what loaded, in a constant number of queries."""
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from licensing.audit.models import Event
from licensing.reference.frameworks import frameworks_for

from .models import Application, NoteDocument, Notification, Question, Status


def applications_visible_to(user) -> QuerySet[Application]:
    """Exporters see their own organisation's applications; officials see everything that was submitted."""
    queryset = Application.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if user.is_exporter:
        return queryset.filter(organisation_id=user.organisation_id)
    if user.is_official:
        return queryset.exclude(status=Status.DRAFT)
    return queryset.none()


def with_details(queryset: QuerySet[Application], *, amendment: bool = True) -> QuerySet[Application]:
    """One application with everything its page and the API show, in a number of queries that does not grow with it.

    The forward keys are joined; the amendment and the decision (with its licence) come as two prefetches of their
    own. Joined into one 8-table query, PostgreSQL spent 5-30 ms planning it (execution: under 1 ms) at 200,000
    applications; the split plans in about 1 ms in all (bench/README.md, issue 10). Reverse one-to-ones always run
    their prefetch, so the count stays the same whether or not the application has either. `amendment`: the API
    shows the amendment's reference; the pages (amendment=False) do not, and save its query.
    """
    queryset = queryset.prefetch_related("amendment") if amendment else queryset
    return queryset.select_related("organisation", "previous", "general_licence", "claimed_by").prefetch_related(
        # The decision is licensing.licences's model, a layer above this one: reached through the application's
        # reverse relation rather than imported.
        Prefetch("decision", queryset=Application.decision.related.related_model.objects.select_related("licence").prefetch_related("lines", "denied_destinations")),
        "destinations",
        "goods",
        "parties",
        "documents",
        Prefetch("questions", queryset=Question.objects.order_by("asked_at", "id").prefetch_related("documents")),
    )


def with_summary(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("organisation").prefetch_related("destinations")


# What an exporter may read of its application's history: the moves, never internal notes or advice.
EXPORTER_VERBS = frozenset(
    {
        "application.created", "application.submit", "application.route", "application.refer", "application.advise",
        "application.return_to_ministry", "application.issue", "application.deny", "application.answer_sondage",
        "application.rule", "application.withdraw", "application.supersede", "application.amendment_started",
        "application.ask_question", "application.answer_question", "application.set_aside", "document.added",
        "document.deleted", "application.impose_catch_all",
    }
)
EXPORTER_REASON_VERBS = frozenset({"application.withdraw", "application.deny", "application.supersede", "application.set_aside"})


def application_history(application: Application, user) -> list:
    """The application's events as this user may read them, oldest first."""
    return history_as_seen_by(application_events(application, user), user)


def application_events(application: Application, user) -> QuerySet:
    """The events this user may read, as a query (the API pages through it); `history_as_seen_by` scrubs a page."""
    events = Event.objects.filter(target_type="applications.application", target_id=str(application.pk)).select_related("actor").order_by("at", "id")
    if user.is_exporter:
        events = events.filter(verb__in=EXPORTER_VERBS)
    return events


def history_as_seen_by(events, user) -> list:
    events = list(events)
    if not user.is_exporter:
        return events
    for event in events:
        if event.verb not in EXPORTER_REASON_VERBS:
            event.reason = ""
        if event.actor_id and event.actor.is_official:
            event.actor = None  # the office speaks as the office, not as a named official
            event.actor_id = None
    return events


def document_or_404(application: Application, document_id: int):
    """One of the application's documents (from its prefetched set when there is one), or 404."""
    document = next((d for d in application.documents.all() if d.pk == int(document_id)), None)
    if document is None:
        raise Http404("No such document.")
    return document


def questions_of(application: Application) -> QuerySet[Question]:
    """The case's questions with their answers' documents, oldest first (two queries). Exporters and officials alike
    read them: questions and answers are no internal matter."""
    return Question.objects.filter(application=application).select_related("asked_by").prefetch_related("documents").order_by("asked_at", "id")


def note_document_or_404(application: Application, document_id: int) -> NoteDocument:
    """An internal document of the case's notes, or 404. Callers are officials only (the views' allow-lists)."""
    document = NoteDocument.objects.filter(note__application=application, pk=int(document_id)).first()
    if document is None:
        raise Http404("No such document.")
    return document


def application_frameworks(application: Application) -> list[str]:
    """The assessment frameworks this application is assessed against: its goods lines' kinds and its end use, as
    licensing.reference.frameworks.frameworks_for decides (uses prefetched goods when the caller loaded them)."""
    return frameworks_for(goods_kinds={line.goods_kind for line in application.goods.all()}, end_use=application.end_use)


def unread_application_ids(user, application_ids) -> set[int]:
    """Which of these applications have something new for `user` (an unread Notification): one query."""
    if not getattr(user, "pk", None):
        return set()
    return set(
        Notification.objects.filter(recipient_id=user.pk, application_id__in=list(application_ids), read_at__isnull=True)
        .values_list("application_id", flat=True)
        .distinct()
    )


def with_open_question(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotates `question_waiting`: a question to the exporter is open (the exporter's list shows "action needed")."""
    return queryset.annotate(question_waiting=Exists(Question.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)))


def answer_unseen() -> Exists:
    """An answer from the exporter that no official it was told to has opened the case since (the queue's
    "answer received"): an unread Notification of kind answer on the case, whoever it is for."""
    return Exists(Notification.objects.filter(application=OuterRef("pk"), kind=Notification.Kind.ANSWER, read_at__isnull=True))


def with_unread(queryset: QuerySet[Application], user) -> QuerySet[Application]:
    """Annotates `unread`: something new on the case for `user` (an unread Notification), in the list's own query."""
    return queryset.annotate(unread=Exists(Notification.objects.filter(recipient_id=user.pk, application=OuterRef("pk"), read_at__isnull=True)))
