"""Reads for applications: who may see which, with what loaded, in a constant number of queries."""
from django.db.models import Prefetch, QuerySet

from .models import Application, Question, Status


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


def with_details(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("organisation", "previous", "general_licence", "amendment", "claimed_by").prefetch_related(
        "destinations",
        "goods",
        "parties",
        "documents",
        Prefetch("questions", queryset=Question.objects.order_by("asked_at", "id")),
    )


def with_summary(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("organisation").prefetch_related("destinations")
