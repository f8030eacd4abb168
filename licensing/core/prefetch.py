"""Related objects read once per request: a page's query prefetches what several parts of the page read."""
from django.db.models import Model, QuerySet


def prefetched_or(instance: Model, name: str, queryset: QuerySet) -> list:
    """`instance`'s related objects `name` as its query prefetched them (the case page reads its questions, requests
    for advice and the like once, for the timeline, the panels and the blockers alike), else `queryset` read now.

    Only reads the prefetch a query made: never fills it, so a caller that changes the objects and reads them again
    on the same instance reads the database again."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else list(queryset)
