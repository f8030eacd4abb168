"""List pages sort on the columns that allow it (an allow-list), say so to screen readers, and keep the sort across pages."""
import re

import pytest
from django.test import Client

from tests.factories import application_payload

pytestmark = pytest.mark.django_db


def page_of(user, url: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def references(html: str) -> list[str]:
    return re.findall(r'<td><a href="/[^"]+/\d+/">([^<]+)</a></td>', html)


@pytest.fixture
def three_drafts(api_as, exporter_a):
    client = api_as(exporter_a)
    return [client.post("/api/v1/applications/", application_payload(title=title), format="json").json()["reference"] for title in ("B", "C", "A")]


def test_the_exporters_list_sorts_by_a_column_both_ways_and_says_so(exporter_a, three_drafts):
    newest_first = references(page_of(exporter_a, "/applications/"))
    assert newest_first == list(reversed(three_drafts))
    ascending = page_of(exporter_a, "/applications/?sort=title")
    assert [three_drafts[i] for i in (2, 0, 1)] == references(ascending)
    assert re.search(r'<th scope="col" aria-sort="ascending"><a class="sort" href="\?sort=-title">Title', ascending)
    assert references(page_of(exporter_a, "/applications/?sort=-title")) == [three_drafts[i] for i in (1, 0, 2)]


def test_an_unknown_sort_is_the_default_not_an_error(exporter_a, three_drafts):
    assert references(page_of(exporter_a, "/applications/?sort=organisation__name")) == list(reversed(three_drafts))
    assert references(page_of(exporter_a, "/applications/?sort=-destinations")) == list(reversed(three_drafts))


def test_pages_and_filters_keep_the_sort(exporter_a, api_as):
    client = api_as(exporter_a)
    for n in range(26):
        client.post("/api/v1/applications/", application_payload(title=f"T{n:02d}"), format="json")
    html = page_of(exporter_a, "/applications/?sort=title&status=draft")
    assert 'href="?sort=title&amp;status=draft&amp;page=2"' in html
    assert '<input type="hidden" name="sort" value="title">' in html


def test_the_queue_sorts_by_deadline_by_default_and_by_submission_on_request(officer, exporter_a, submit):
    first, second = submit(exporter_a), submit(exporter_a)
    type(first).objects.filter(pk=first.pk).update(deadline_at=second.deadline_at + (second.deadline_at - second.submitted_at))
    by_deadline = references(page_of(officer, "/office/?queue=licensing_office"))
    assert by_deadline == [second.reference, first.reference]
    assert references(page_of(officer, "/office/?queue=licensing_office&sort=submitted")) == [first.reference, second.reference]
    assert 'aria-sort="ascending"><a class="sort" href="?queue=licensing_office&amp;sort=-submitted">Submitted' in page_of(
        officer, "/office/?queue=licensing_office&sort=submitted"
    )
