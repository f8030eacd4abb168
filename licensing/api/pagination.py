from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from licensing.routing.search import COUNT_CAP, CappedPaginator


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


class CappedPagination(Pagination):
    """Pagination for searches: the count stops at COUNT_CAP + 1 (licensing.routing.search.CappedPaginator) and
    `count_capped` says when there are more matches than that."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean", "description": f"More than {COUNT_CAP} matches; `count` stops at {COUNT_CAP + 1}."}
        return schema
