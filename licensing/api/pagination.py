from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StableOrderingFilter(OrderingFilter):
    """DRF's `?ordering=` with the primary key as the last key (descending with a descending first key): rows that
    share the ordered values keep one order from page to page, so none shows on two pages or on none."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(key.lstrip("-") in ("id", "pk") for key in ordering):
            return ordering
        return [*ordering, "-id" if ordering[0].startswith("-") else "id"]
