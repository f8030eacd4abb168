"""The officials' search page: the box and its filters (licensing.routing.search.SearchForm, which the API reads
too), the results as queue rows, and each person's saved searches."""
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing.accounts.models import SavedSearch
from licensing.accounts.searches import saved_search_delete, saved_search_save
from licensing.core.errors import DomainError, NotFound
from licensing.routing.search import CappedPaginator, SearchForm, cases_found
from licensing.routing.selectors import queue_values

from .access import official_required
from .fields import DateField
from .office import QUEUE_COLUMNS, queue_table_rows
from .sorting import Header

PAGE_SIZE = 50


class SearchPageForm(SearchForm):
    """The API's form (the same words, filters and refusals) with the deadline typed as every date on the pages is,
    in the page's language ("31-12-2026", "31 december 2026"; web.fields.DateField), not a browser's date picker,
    whose order follows the browser's locale rather than the page's."""

    deadline_before = DateField(label=SearchForm.base_fields["deadline_before"].label, required=False)


def _query_of(form: SearchForm) -> str:
    """The form's accepted values as a query string (what a saved search keeps): nothing it did not accept."""
    query = QueryDict(mutable=True)
    for name in form.fields:
        value = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name, "")]
        query.setlist(name, [v for v in value if v])
    return query.urlencode()


@official_required
def search(request):
    form = SearchPageForm(request.GET or None)
    page = rows = None
    if form.is_bound and form.is_valid() and not form.is_blank():
        page = CappedPaginator(queue_values(cases_found(request.user, form.cleaned_data)), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = queue_table_rows(page, request.user)
    return render(
        request,
        "office/search.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "searched": page is not None,  # an empty page is falsy: "nothing found" must still show
            "headers": [Header(column.label, "", "") for column in QUEUE_COLUMNS],
            "saved": SavedSearch.objects.filter(owner=request.user),
            "filters_used": form.is_bound and any(form.data.get(name) for name in form.fields if name != "q"),
            "query": _query_of(form) if form.is_bound and form.is_valid() else "",
        },
    )


@require_POST
@official_required
def search_save(request):
    """Save the search in `query` (the page's own query string) under `name`; only what the form accepts is kept."""
    form = SearchPageForm(QueryDict(request.POST.get("query", "")[:2000]))
    if not form.is_valid() or form.is_blank():
        messages.error(request, _("Search for something before saving the search."))
        return redirect("office:search")
    try:
        saved = saved_search_save(owner=request.user, name=request.POST.get("name", ""), query=_query_of(form))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('office:search')}?{_query_of(form)}")
    messages.success(request, _("Search saved as “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse('office:search')}?{saved.query}")


@require_POST
@official_required
def search_delete(request, saved_id):
    try:
        saved_search_delete(owner=request.user, saved_id=saved_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Saved search deleted."))
    return redirect("office:search")
