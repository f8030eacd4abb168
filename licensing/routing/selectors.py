"""The queues: open cases on the licensing office's or the ministry's desk, in a constant number of queries."""
from django.db.models import Q, QuerySet
from django.utils import timezone

from licensing.applications.models import QUEUE_OF_STATUS, Application

FLAGS = ("fast_track", "prohibited", "ministry", "question_open", "sondage", "general_licence", "overdue", "amended")


def statuses_of(queue: str) -> list[str]:
    return [status for status, q in QUEUE_OF_STATUS.items() if q == queue]


def queue_cases(queue: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(status__in=statuses_of(queue))
        .select_related("organisation", "claimed_by")
        .prefetch_related("destinations")
        .order_by("deadline_at", "id")
    )


def with_flag(queryset: QuerySet[Application], flag: str) -> QuerySet[Application]:
    conditions = {
        "fast_track": Q(determination__fast_track_parliament=True),
        "prohibited": Q(determination__prohibited=True),
        "ministry": Q(handler="ministry"),
        "question_open": Q(clock_stopped_at__isnull=False),
        "sondage": Q(kind="sondage"),
        "general_licence": ~Q(determination__general_licences=[]) & Q(determination__isnull=False),
        "overdue": Q(deadline_at__lt=timezone.now(), clock_stopped_at__isnull=True),
        "amended": Q(version__gt=1),
    }
    return queryset.filter(conditions[flag])


def flags_of(application: Application, now=None) -> list[str]:
    """The flags shown beside a case; computed from the row alone (no queries)."""
    now = now or timezone.now()
    determination = application.determination or {}
    flags = []
    if determination.get("fast_track_parliament"):
        flags.append("fast_track")
    if determination.get("prohibited"):
        flags.append("prohibited")
    if application.handler == "ministry":
        flags.append("ministry")
    if application.clock_stopped_at:
        flags.append("question_open")
    if application.kind == "sondage":
        flags.append("sondage")
    if determination.get("general_licences"):
        flags.append("general_licence")
    if application.deadline_at and not application.clock_stopped_at and application.deadline_at < now:
        flags.append("overdue")
    if application.version > 1:
        flags.append("amended")
    return flags
