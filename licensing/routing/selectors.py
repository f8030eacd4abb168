"""The queues: open cases on the licensing office's or the ministry's desk, in a constant number of queries."""
from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.utils import timezone

from licensing.applications.models import QUEUE_OF_STATUS, Application

FLAGS = ("fast_track", "prohibited", "party_country", "ministry", "question_open", "sondage", "general_licence", "overdue", "amended")


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
        # A party (not the destination) in a country under an arms embargo or a sanctions ban.
        "party_country": Q(determination__has_key="flagged_countries") & ~Q(determination__flagged_countries=[]),
        "ministry": Q(handler="ministry"),
        "question_open": Q(clock_stopped_at__isnull=False),
        "sondage": Q(kind="sondage"),
        "general_licence": ~Q(determination__general_licences=[]) & Q(determination__isnull=False),
        "overdue": Q(deadline_at__lt=timezone.now(), clock_stopped_at__isnull=True),
        "amended": Q(version__gt=1),
    }
    return queryset.filter(conditions[flag])


# What flags_of reads: a queue page may fetch just these (values()) instead of whole model rows.
FLAG_COLUMNS = ("determination", "handler", "clock_stopped_at", "kind", "deadline_at", "version")


def flags_of(application: Application, now=None) -> list[str]:
    """The flags shown beside a case; computed from the row alone (no queries)."""
    return flags_of_values({name: getattr(application, name) for name in FLAG_COLUMNS}, now)


def flags_of_values(row: Mapping, now=None) -> list[str]:
    """flags_of for a row of values (the FLAG_COLUMNS)."""
    now = now or timezone.now()
    determination = row["determination"] or {}
    flags = []
    if determination.get("fast_track_parliament"):
        flags.append("fast_track")
    if determination.get("prohibited"):
        flags.append("prohibited")
    if determination.get("flagged_countries"):
        flags.append("party_country")
    if row["handler"] == "ministry":
        flags.append("ministry")
    if row["clock_stopped_at"]:
        flags.append("question_open")
    if row["kind"] == "sondage":
        flags.append("sondage")
    if determination.get("general_licences"):
        flags.append("general_licence")
    if row["deadline_at"] and not row["clock_stopped_at"] and row["deadline_at"] < now:
        flags.append("overdue")
    if row["version"] > 1:
        flags.append("amended")
    return flags
