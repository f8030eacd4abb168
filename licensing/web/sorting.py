"""Sortable list pages: an allow-list of columns, `?sort=key` or `?sort=-key`, and the headers that link to them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str
    key: str = ""  # empty: the column cannot be sorted on
    fields: tuple[str, ...] = ()  # order_by fields for ascending; descending reverses each


@dataclass(frozen=True)
class Header:
    label: str
    sort: str  # the ?sort= value the header links to, or "" when the column is not sortable
    aria_sort: str  # ascending / descending / none, for screen readers (WAI-ARIA sortable tables)


def sorted_by(request, columns: list[Column], *, default: str) -> tuple[str, list[str], list[Header]]:
    """(the sort in force, its order_by, the table's headers) for `?sort=`; an unknown value means the default."""
    sortable = {c.key: c for c in columns if c.key}
    requested = request.GET.get("sort", "")
    current = requested if requested.lstrip("-") in sortable else default
    descending, key = current.startswith("-"), current.lstrip("-")
    order = [f"-{f}" if descending else f for f in sortable[key].fields] + ["-id" if descending else "id"]
    headers = []
    for column in columns:
        if not column.key:
            headers.append(Header(column.label, "", ""))
        elif column.key == key:
            headers.append(Header(column.label, column.key if descending else f"-{column.key}", "descending" if descending else "ascending"))
        else:
            headers.append(Header(column.label, column.key, "none"))
    return current, order, headers
