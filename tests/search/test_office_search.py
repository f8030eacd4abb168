"""The office's search (issue 17, point 5): one box finds a case by reference, organisation, party name however it is
transliterated, goods description, control entry, serial or lot number; filters; saved searches; officials only;
a constant number of queries a page. Runs on SQLite (the LIKE path) and on PostgreSQL (the GIN-indexed tsvector)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from licensing.accounts.models import SavedSearch
from licensing.applications.models import Application, SearchDocument, Status
from licensing.applications.search import search_document_refresh
from tests.conftest import skip_unless
from tests.factories import logged_in

pytestmark = pytest.mark.django_db

RUSSIAN_BUYER = [
    {"role": "consignee", "name": "ООО Северная Звезда", "address": "Мурманск", "country": "NO", "party_type": "company"},
    {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
]
LOT_GOODS = [{"goods_kind": "military", "description": "Night vision goggles", "control_entry": "ML15", "quantity": "2", "value_eur": "9000.00",
              "serial_numbers": "NVG-77310\nNVG-77311", "lot_numbers": "LOT-2026-0042"}]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cases(submit, exporter_a, exporter_b):
    """Three submitted cases of two organisations and a draft, which no search may find."""
    radar = submit(exporter_a)  # Radar transmitter module, SN-1..4, Forsvarsmateriell
    star = submit(exporter_a, parties=RUSSIAN_BUYER, title="Spares")
    goggles = submit(exporter_b, goods=LOT_GOODS)
    draft = Application.objects.create(reference="NL-DRAFT-1", organisation=exporter_a.organisation, created_by=exporter_a, kind="individual")
    return {"radar": radar, "star": star, "goggles": goggles, "draft": draft}


def found(client, **params) -> list[str]:
    response = client.get("/api/v1/office/search/", params)
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def refs(*applications) -> list[str]:
    return sorted(a.reference for a in applications)


@pytest.mark.parametrize("query", ["Severnaya Zvezda", "severnaja zvezda", "Sewernaja Swesda", "Северная Звезда", "severnaya"])
def test_a_party_written_in_cyrillic_is_found_by_its_transliterations(api_as, officer, cases, query):
    assert found(api_as(officer), q=query) == refs(cases["star"])


@pytest.mark.parametrize(
    "query,which",
    [
        ("NVG-77311", ["goggles"]),  # a serial number, as typed on the goods
        ("nvg 7731", ["goggles"]),  # its beginning
        ("LOT-2026-0042", ["goggles"]),  # a lot number
        ("SN-3", ["radar", "star"]),  # the payload's own serials (both of A's cases carry them)
        ("transmitter", ["radar", "star"]),  # goods description
        ("night vision", ["goggles"]),
        ("ML15", ["goggles"]),  # control entry
        ("Company A", ["radar", "star"]),  # organisation ("Company B B.V." has no word "a"; both have "b", of B.V.)
        ("TX-400", ["radar", "star"]),  # part number
    ],
)
def test_goods_serials_lots_entries_and_organisations_are_found(api_as, officer, cases, query, which):
    assert found(api_as(officer), q=query) == refs(*(cases[w] for w in which))


def test_a_case_is_found_by_its_reference_and_a_draft_never(api_as, officer, cases):
    client = api_as(officer)
    assert found(client, q=cases["goggles"].reference) == refs(cases["goggles"])
    assert found(client, q="NL-DRAFT-1") == []
    assert not SearchDocument.objects.filter(application=cases["draft"]).exists()


@pytest.mark.parametrize("query", ["!!!", "   ", "\u200b\u200b", "'; DROP TABLE x; --", "a & b | !c:*", "(((", "\x00"])
def test_odd_queries_find_nothing_and_break_nothing(api_as, officer, cases, query):
    response = api_as(officer).get("/api/v1/office/search/", {"q": query})
    # NUL is refused by the form (400); the rest are words or no words, never tsquery syntax.
    assert response.status_code in (200, 400)
    if response.status_code == 200 and not any(ch.isalnum() for ch in query):
        assert response.json()["results"] == [] or query.strip() == ""


def test_an_oversized_query_is_refused_clearly(api_as, officer, cases):
    response = api_as(officer).get("/api/v1/office/search/", {"q": "x" * 201})
    assert response.status_code == 400 and "q" in str(response.json())


def test_all_words_must_match(api_as, officer, cases):
    assert found(api_as(officer), q="radar goggles") == []


def test_filters_narrow_the_search(api_as, officer, officer2, cases):
    client = api_as(officer)
    star = cases["star"]
    client.post(f"/api/v1/office/applications/{star.pk}/claim/")
    assert found(client, q="transmitter", claimed="me") == refs(star)
    assert found(client, q="transmitter", claimed="none") == refs(cases["radar"])
    assert found(client, claimed_by="officer1") == refs(star)
    assert found(api_as(officer2), claimed="me") == []
    assert found(client, kind="sondage") == []
    assert found(client, kind="individual", status=[Status.SUBMITTED, Status.IN_REVIEW]) == refs(cases["radar"], star, cases["goggles"])
    assert found(client, status=Status.ISSUED) == []
    assert found(client, handler="licensing_office", q="goggles") == refs(cases["goggles"])
    # The deadline: eight weeks ahead; moving one case's forward makes it the only one due within a week.
    Application.objects.filter(pk=cases["goggles"].pk).update(deadline_at=timezone.now() + timedelta(days=3))
    soon = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert found(client, deadline_before=soon) == refs(cases["goggles"])
    Application.objects.filter(pk=cases["goggles"].pk).update(deadline_at=timezone.now() - timedelta(days=1))
    assert found(client, flag="overdue") == refs(cases["goggles"])


def test_unknown_filter_values_are_refused(api_as, officer, cases):
    client = api_as(officer)
    for params in ({"status": "nonsense"}, {"flag": "nonsense"}, {"claimed_by": "exporter_a"}, {"deadline_before": "31-31-2026"}, {"status": "draft"}):
        assert client.get("/api/v1/office/search/", params).status_code == 400, params


def test_exporters_and_customs_may_not_search(api_as, exporter_a, cases):
    from tests.factories import UserFactory

    customs = UserFactory(username="customs1", role="customs", organisation=None)
    assert api_as(exporter_a).get("/api/v1/office/search/", {"q": "radar"}).status_code == 403
    assert api_as(customs).get("/api/v1/office/search/", {"q": "radar"}).status_code == 403


def test_search_runs_a_constant_number_of_queries(api_as, officer, submit, exporter_a, cases, django_assert_num_queries):
    client = api_as(officer)
    client.get("/api/v1/office/search/", {"q": "transmitter"})  # the token is cached after the first request

    def queries(**params):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/office/search/", params).status_code == 200
        return len(ctx.captured_queries)

    few = queries(q="transmitter")
    for _ in range(4):
        submit(exporter_a)
    assert len(found(client, q="transmitter")) == 6
    assert queries(q="transmitter") == few <= 5  # token, count, page, destinations (+ the token's user)


def test_the_page_finds_and_runs_a_constant_number_of_queries(officer, submit, exporter_a, cases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(officer)
    page = client.get("/office/search/", {"q": "Severnaya Zvezda"}).content.decode()
    assert cases["star"].reference in page and cases["radar"].reference not in page and "1 case found" in page

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/office/search/", {"q": "transmitter"}).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(3):
        submit(exporter_a)
    assert queries() == few



@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_page_reads_the_deadline_as_its_language_writes_a_date(officer, cases, language):
    """The page's deadline is typed as every date on the pages is (web.fields.DateField), not a browser date picker;
    a month before the day is refused with the reason, as on the exporter's pages."""
    Application.objects.filter(pk=cases["goggles"].pk).update(deadline_at=timezone.now() + timedelta(days=3))
    soon = timezone.localdate() + timedelta(days=7)
    client = logged_in(officer, language)
    month = {"nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
             "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]}[language]
    for typed in (soon.strftime("%d-%m-%Y"), f"{soon.day} {month[soon.month - 1]} {soon.year}", soon.isoformat()):
        page = client.get("/office/search/", {"deadline_before": typed}).content.decode()
        assert cases["goggles"].reference in page and cases["radar"].reference not in page, typed
    page = client.get("/office/search/", {"deadline_before": "12/31/2026"}).content.decode()
    assert 'type="date"' not in page and cases["goggles"].reference not in page
    assert {"nl": "Schrijf de dag vóór de maand.", "en": "Write the day before the month."}[language] in page


def test_a_search_that_finds_nothing_says_so_and_can_still_be_saved(officer, cases):
    page = logged_in(officer).get("/office/search/", {"q": "Severnaya", "status": "issued"}).content.decode()
    assert "No case matches." in page and "0 cases found" in page and 'name="query"' in page


def test_a_blank_page_shows_the_form_not_every_case(officer, cases):
    page = logged_in(officer).get("/office/search/").content.decode()
    assert 'role="search"' in page and cases["radar"].reference not in page


def test_saved_searches_belong_to_one_official(officer, officer2, cases):
    client = logged_in(officer)
    response = client.post("/office/search/saved/", {"name": "  Night   vision ", "query": "q=night+vision&status=in_review&status=submitted&bogus=1"})
    saved = SavedSearch.objects.get(owner=officer)
    assert saved.name == "Night vision"
    # Only what the form accepts is kept, re-encoded.
    assert "bogus" not in saved.query and "q=night+vision" in saved.query
    assert response.url.endswith("?" + saved.query)
    page = client.get("/office/search/").content.decode()
    assert "Night vision" in page
    assert cases["goggles"].reference in client.get(response.url).content.decode()
    # Saved again under the same name: replaced, not doubled.
    client.post("/office/search/saved/", {"name": "Night vision", "query": "q=goggles"})
    assert SavedSearch.objects.filter(owner=officer).count() == 1 and SavedSearch.objects.get(owner=officer).query == "q=goggles"

    other = logged_in(officer2)
    assert "Night vision" not in other.get("/office/search/").content.decode()
    assert other.post(f"/office/search/saved/{saved.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    client.post(f"/office/search/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_an_empty_or_nameless_search_is_not_saved(officer, cases):
    client = logged_in(officer)
    client.post("/office/search/saved/", {"name": "All", "query": ""})
    client.post("/office/search/saved/", {"name": "   ", "query": "q=radar"})
    client.post("/office/search/saved/", {"name": "x" * 81, "query": "q=radar"})
    assert not SavedSearch.objects.exists()


def test_rebuilding_the_documents_writes_what_submission_wrote(cases):
    before = dict(SearchDocument.objects.values_list("application_id", "words"))
    SearchDocument.objects.all().delete()
    ids = list(Application.objects.values_list("pk", flat=True))
    assert search_document_refresh(application_ids=ids) == 3
    assert dict(SearchDocument.objects.values_list("application_id", "words")) == before


def test_the_search_page_is_linked_from_the_queue_and_the_header(officer, cases):
    page = logged_in(officer).get("/office/").content.decode()
    assert page.count('href="/office/search/"') >= 2


def test_results_are_queue_rows(api_as, officer, cases):
    (row,) = api_as(officer).get("/api/v1/office/search/", {"q": cases["goggles"].reference}).json()["results"]
    queue = api_as(officer).get("/api/v1/office/queue/").json()["results"]
    assert row == next(r for r in queue if r["id"] == row["id"])
    assert row["organisation"] == "Company B B.V." and row["status"] in (Status.SUBMITTED, Status.IN_REVIEW) and row["days_left"] in (55, 56)


def test_a_renamed_organisation_is_found_by_its_new_name(api_as, officer, cases, django_capture_on_commit_callbacks):
    organisation = cases["goggles"].organisation
    organisation.name = "Noordzee Optronics B.V."
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
    client = api_as(officer)
    assert found(client, q="Noordzee Optronics") == refs(cases["goggles"])
    assert " company " not in SearchDocument.objects.get(application=cases["goggles"]).words  # the old name is gone


def test_a_broad_search_counts_up_to_the_cap_and_says_there_are_more(api_as, officer, cases, monkeypatch):
    monkeypatch.setattr("licensing.routing.search.COUNT_CAP", 2)
    answer = api_as(officer).get("/api/v1/office/search/", {"q": "Company", "page_size": 2}).json()
    assert answer["count"] == 3 and answer["count_capped"] is True and len(answer["results"]) == 2
    assert api_as(officer).get("/api/v1/office/search/", {"q": "night vision"}).json()["count_capped"] is False
    page = logged_in(officer).get("/office/search/", {"q": "Company"}).content.decode()
    assert "More than 2 cases found" in page


def test_a_search_with_few_matches_hands_their_ids_to_the_page_and_a_broad_one_keeps_the_join(cases, monkeypatch):
    """At 1,000,000 applications PostgreSQL guessed 18,942 documents for the prefix "radar:*" (a few hundred matched),
    walked the newest-first index probing every case and took 9 s a page: the ids of a query matching few documents
    are fetched first and the page is read by primary key; a broad query's matches are dense, so it keeps the join
    (on SQLite the LIKE path; PostgreSQL walks, below)."""
    from licensing.applications import search

    few = search.matching(Application.objects.all(), "radar")
    assert "applications_searchdocument" not in str(few.query)
    assert set(few) == {cases["radar"], cases["star"]}  # both carry the radar transmitter module
    monkeypatch.setattr(search, "FEW_MATCHES", 1)
    broad = search.matching(Application.objects.all(), "radar")
    assert "applications_searchdocument" in str(broad.query)
    assert set(broad) == set(few)


def _plan(queryset) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def postgresql():
    from django.db import connection

    skip_unless(connection.vendor == "postgresql", "the plan PostgreSQL chooses: needs PostgreSQL")


@pytest.mark.parametrize("dense", [True, False])
def test_a_broad_search_walks_the_newest_cases_probing_each_document_and_never_reads_the_whole_index(postgresql, cases, monkeypatch, django_assert_num_queries, dense):
    """At 1,000,000 applications "Bench Manufacturing" (931,379 matches) took 2.3 s warm, 10 s cold: PostgreSQL guessed
    775 matches for two prefix terms, read both terms' whole posting lists from the GIN index (0.4 s before the first
    row, which the ids-first probe paid too) and sorted the matches. A query that most of the newest cases match
    (dense) walks at once, without the GIN index; one matching more documents than FEW_MATCHES walks after the probe.
    The walk is a correlated scalar subquery that PostgreSQL cannot turn into a join from the GIN index, and starts
    past the drafts, which the newest-first index holds first."""
    from licensing.applications import search

    monkeypatch.setattr(search, "DENSE", 1 if dense else 1000)
    monkeypatch.setattr(search, "FEW_MATCHES", 1000 if dense else 1)
    officials = Application.objects.exclude(status=Status.DRAFT)
    with django_assert_num_queries(1 if dense else 2):  # the newest cases' sample, then (not dense) the GIN probe
        walk = search.matching(officials, "radar")
    page = walk.order_by("-submitted_at", "-id")
    assert set(page) == {cases["radar"], cases["star"]}
    sql = str(page.query)
    assert 'U0."application_id" = ("applications_application"."id")' in sql and '"submitted_at" IS NOT NULL' in sql
    plan = _plan(page)
    assert "SubPlan" in plan and "applications_search_vector_gin" not in plan and "Semi Join" not in plan, plan
    # The capped count (routing.search.CappedPaginator) probes the same way, up to the cap.
    count = _plan(walk.order_by().values("pk")[:1001])
    assert "SubPlan" in count and "applications_search_vector_gin" not in count, count


def test_the_walk_starts_past_the_drafts(postgresql, cases, monkeypatch):
    """The newest-first index holds the drafts first (NULL submitted_at sorts first in a descending index): the walk
    passed 30,000 of them at 1,000,000 applications before its first match. Its condition lets the index skip them."""
    from django.db import connection

    from licensing.applications import search

    monkeypatch.setattr(search, "DENSE", 1)
    page = search.matching(Application.objects.exclude(status=Status.DRAFT), "radar").order_by("-submitted_at", "-id")[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = _plan(page)
    assert "application_newest_submitted" in plan and "Index Cond: (submitted_at IS NOT NULL)" in plan, plan
