"""The queues: open cases on the licensing office's or the ministry's desk, in a constant number of queries."""
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from rest_framework import serializers

from licensing.accounts.models import Organisation
from licensing.applications.models import QUEUE_OF_STATUS, Application, days_left
from licensing.applications.selectors import answer_unseen

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


def queue_values(cases):
    """Open cases as values of QUEUE_COLUMNS, for queue_rows (the API's queue and the office's queue page).

    The organisation's and the claimant's names as subqueries, not joins: the page's count drops them.
    """
    return (
        cases.prefetch_related(None)
        .annotate(
            # order_by(): one row by its key needs no sort (the organisation's default ordering put one in each).
            organisation_name=Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("name")),
            claimed_by_username=Subquery(get_user_model().objects.filter(pk=OuterRef("claimed_by_id")).values("username")),
            answer_received=answer_unseen(),
        )
        .values(*QUEUE_COLUMNS)
    )


QUEUE_COLUMNS = (
    "id", "reference", "version", "kind", "movement", "status", "organisation_name", "handler", "claimed_by_username",
    "submitted_at", "deadline_at", "clock_stopped_at", "determination", "answer_received",
)


def queue_rows(rows) -> list[dict]:
    """Queue rows (values of QUEUE_COLUMNS) as the API's QueueItemOut (licensing.api.office) writes them, with their
    destinations in one query; the office's queue page shows the same rows."""
    rows = list(rows)
    # The API's datetime format, as QueueItemOut writes it, with the request's time zone read once, not for each of
    # the page's 150 datetimes; DRF's own field, so the rows cannot drift from what the API's serializers write.
    api_datetime = serializers.DateTimeField(default_timezone=timezone.get_current_timezone() if settings.USE_TZ else None)
    destinations: dict[int, list[str]] = {row["id"]: [] for row in rows}
    through = Application.destinations.through.objects.filter(application_id__in=list(destinations)).order_by("country__name_en")
    for application_id, country in through.values_list("application_id", "country_id"):
        destinations[application_id].append(country)
    now = timezone.now()
    out = []
    for row in rows:
        determination = row["determination"] or {}
        submitted_at = row["submitted_at"]
        out.append(
            {
                "id": row["id"],
                "reference": row["reference"],
                "version": row["version"],
                "kind": row["kind"],
                "movement": row["movement"],
                "status": row["status"],
                "queue": QUEUE_OF_STATUS.get(row["status"]),
                "organisation": row["organisation_name"],
                "destinations": destinations[row["id"]],
                "handler": row["handler"] or None,
                "claimed_by": row["claimed_by_username"],
                "submitted_at": api_datetime.to_representation(submitted_at),
                "age_days": (now - submitted_at).days if submitted_at else None,
                "deadline_at": api_datetime.to_representation(row["deadline_at"]),
                "clock_stopped_at": api_datetime.to_representation(row["clock_stopped_at"]),
                "days_left": days_left(row["deadline_at"], row["clock_stopped_at"], now),
                "answer_received": row["answer_received"],
                "flags": flags_of_values(row, now),
                "fast_track_parliament": bool(determination.get("fast_track_parliament")),
                "general_licences": list(determination.get("general_licences", [])),
            }
        )
    return out
