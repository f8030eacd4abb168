"""The guided application: start, task list, one short page per section, check your answers, submission, confirmation."""
import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from licensing.applications import services
from licensing.applications.models import Application, Status
from tests.factories import PASSWORD, UserFactory, logged_in, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"



def started(client, kind="individual", movement="export") -> Application:
    response = client.post("/applications/guided/start/", {"kind": kind, "movement": movement})
    application = Application.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/tasks/"
    return application


def statuses(client, application) -> dict[str, str]:
    html = client.get(f"/applications/{application.pk}/tasks/").content.decode()
    return {key: status for status, key in re.findall(r'<strong class="tag task-(\w+)" id="status-(\w+)">', html)}


GOODS_LINE = {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "quantity": "4", "unit": "pieces", "value_eur": "120000"}
CONSIGNEE = {"role": "consignee", "name": "Forsvarsmateriell", "address": "Postboks 800, Lillehammer", "country": "NO", "party_type": "government"}
END_USER = {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, Bergen", "country": "NO", "party_type": "armed_forces"}


def filled_in(client) -> Application:
    """An individual licence for radar parts to Norway, every section answered through its own page."""
    application = started(client)
    base = f"/applications/{application.pk}/tasks"
    assert client.post(f"{base}/about/", {"title": "Radar spares", "purpose": "sale"})["Location"] == f"{base}/destinations/"
    assert client.post(f"{base}/destinations/", {"destinations": "Norway", "continue": "1"})["Location"] == f"{base}/end-use/"
    assert client.post(f"{base}/end-use/", {"end_use": "military", "end_use_description": "Coastal radars."})["Location"] == f"{base}/goods/"
    assert client.post(f"{base}/goods/add/", GOODS_LINE)["Location"] == f"{base}/goods/"
    assert client.post(f"{base}/parties/add/", CONSIGNEE)["Location"] == f"{base}/parties/"
    assert client.post(f"{base}/parties/add/", END_USER)["Location"] == f"{base}/parties/"
    response = client.post(f"/applications/{application.pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload(), "back": "guided"})
    assert response["Location"] == f"{base}/documents/"
    return application


def test_start_chooses_nothing_for_the_exporter(exporter_a):
    client = logged_in(exporter_a)
    html = client.get("/applications/guided/start/").content.decode()
    assert 'name="kind"' in html and 'name="movement"' in html and " checked" not in html
    response = client.post("/applications/guided/start/", {"kind": "individual"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Application.objects.exists()  # nothing half-made
    application = started(client)
    assert (application.kind, application.movement, application.status) == ("individual", "export", Status.DRAFT)
    assert application.end_use == "" and application.purpose == ""  # asked on their own pages, not defaulted
    about = client.get(f"/applications/{application.pk}/tasks/about/").content.decode()
    assert 'name="purpose"' in about and 'value="sale" selected' not in about


def test_the_list_page_starts_the_guided_application(exporter_a):
    html = logged_in(exporter_a).get("/applications/").content.decode()
    assert 'href="/applications/guided/start/"' in html and 'href="/applications/new/"' in html  # the one-page form stays


@pytest.mark.parametrize(
    "kind,movement,sections",
    [
        ("individual", "export", ["about", "destinations", "end_use", "goods", "parties", "documents"]),
        ("global", "transit", ["about", "destinations", "end_use", "goods", "parties", "documents"]),
        ("classification", "export", ["about", "end_use", "goods", "documents"]),
        ("general_registration", "export", ["licence"]),
    ],
)
def test_the_task_list_shows_the_sections_of_the_kind_and_movement(exporter_a, kind, movement, sections):
    client = logged_in(exporter_a)
    application = started(client, kind, movement)
    found = statuses(client, application)
    assert list(found) == sections
    assert set(found.values()) <= {"not_started", "optional"}
    if "documents" in found:  # a classification needs technical documentation, a global licence asks none
        assert found["documents"] == ("optional" if kind == "global" else "not_started")
    for missing in {"licence", "about", "destinations", "end_use", "goods", "parties", "documents"} - set(sections):
        url = {"licence": "general-licence", "end_use": "end-use"}.get(missing, missing)
        assert client.get(f"/applications/{application.pk}/tasks/{url}/").status_code == 404


def test_movement_decides_the_questions_asked(exporter_a):
    client = logged_in(exporter_a)
    transit = started(client, "global", "transit")
    assert 'name="origin_country"' in client.get(f"/applications/{transit.pk}/tasks/destinations/").content.decode()
    brokering = started(client, "global", "brokering")
    about = client.get(f"/applications/{brokering.pk}/tasks/about/").content.decode()
    assert 'name="brokering_value_eur"' in about and 'name="reimport_date"' not in about
    export = started(client, "individual", "export")
    assert 'name="origin_country"' not in client.get(f"/applications/{export.pk}/tasks/destinations/").content.decode()
    assert 'name="brokering_value_eur"' not in client.get(f"/applications/{export.pk}/tasks/about/").content.decode()


def test_the_follow_up_questions_are_asked_only_when_they_apply(exporter_a):
    client = logged_in(exporter_a)
    application = started(client)
    about = f"/applications/{application.pk}/tasks/about/"
    html = client.get(about).content.decode()
    assert 'name="temporary"' in html and 'name="reimport_date"' not in html and 'name="repaired_goods_from_netherlands"' not in html
    # Not shown, so not required: a sale for good goes on to the next section.
    assert client.post(about, {"title": "Sale", "purpose": "sale"})["Location"].endswith("/tasks/destinations/")
    # A temporary repair brings both questions: back to the page, which now asks them.
    assert client.post(about, {"title": "Repair", "purpose": "repair", "temporary": "on"})["Location"] == about
    html = client.get(about).content.decode()
    assert "Your answer brings a further question: answer it below." in html
    assert 'name="reimport_date"' in html and 'name="repaired_goods_from_netherlands"' in html
    client.post(about, {"title": "Repair", "purpose": "repair", "temporary": "on", "reimport_date": "2099-12-31", "repaired_goods_from_netherlands": "true"})
    application.refresh_from_db()
    assert (application.reimport_date.isoformat(), application.repaired_goods_from_netherlands) == ("2099-12-31", True)
    # Answered otherwise, the questions go, and so do their answers: nothing is left that validation would refuse.
    assert client.post(about, {"title": "Sale", "purpose": "sale"})["Location"].endswith("/tasks/destinations/")
    application.refresh_from_db()
    assert (application.reimport_date, application.repaired_goods_from_netherlands) == (None, None)
    assert statuses(client, application)["about"] == "completed"


THIS_YEAR = timezone.localdate().year  # the hint's example is the last day of this year
NEXT_YEAR = THIS_YEAR + 1


@pytest.mark.parametrize(
    ("language", "typed"),
    [("nl", "31-12-{y}"), ("nl", "31 december {y}"), ("nl", "31 dec. {y}"), ("nl", "31/12/{y}"), ("nl", "{y}-12-31"),
     ("en", "31/12/{y}"), ("en", "31 December {y}"), ("en", "31 Dec {y}"), ("en", "31.12.{y}")],
)
def test_dates_are_read_day_first_in_the_pages_language(exporter_a, language, typed):
    client = logged_in(exporter_a, language)
    application = started(client)
    about = f"/applications/{application.pk}/tasks/about/"
    response = client.post(about, {"title": "Fair", "purpose": "exhibition", "temporary": "on", "reimport_date": typed.format(y=NEXT_YEAR)})
    assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.reimport_date == datetime.date(NEXT_YEAR, 12, 31)
    html = client.get(about).content.decode()
    shown = f"31-12-{NEXT_YEAR}" if language == "nl" else f"31/12/{NEXT_YEAR}"  # as the language writes it short
    assert f'value="{shown}"' in html and 'type="date"' not in html
    hint = f"Bijvoorbeeld 31-12-{THIS_YEAR} of 31 december {THIS_YEAR}." if language == "nl" else f"For example 31/12/{THIS_YEAR} or 31 December {THIS_YEAR}."
    assert hint in html


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [("en", "12/31/{y}", "Write the day before the month."), ("nl", "12-31-{y}", "Schrijf de dag vóór de maand."),
     ("en", "31/12/{yy}", "Write the year in full, with four figures."), ("nl", "31 december {yy}", "Schrijf het jaar voluit, in vier cijfers."),
     ("en", "31 Decembre {y}", "Write the date as day, month and year."), ("nl", "31-02-{y}", "Schrijf de datum als dag, maand en jaar."),
     ("en", "next Tuesday", "Write the date as day, month and year.")],
)
def test_ambiguous_or_unreadable_dates_are_refused_with_how_to_write_them(exporter_a, language, typed, message):
    client = logged_in(exporter_a, language)
    application = started(client)
    about = f"/applications/{application.pk}/tasks/about/"
    data = {"title": "Fair", "purpose": "exhibition", "temporary": "on", "reimport_date": typed.format(y=NEXT_YEAR, yy=NEXT_YEAR % 100)}
    html = client.post(about, data).content.decode()
    example = f"31-12-{THIS_YEAR} of 31 december {THIS_YEAR}" if language == "nl" else f"31/12/{THIS_YEAR} or 31 December {THIS_YEAR}"
    assert message in html and example in html
    application.refresh_from_db()
    assert application.reimport_date is None


def test_a_section_saves_and_keeps_what_was_typed(exporter_a):
    client = logged_in(exporter_a)
    application = started(client)
    base = f"/applications/{application.pk}/tasks"
    response = client.post(f"{base}/about/", {"title": "Keep me", "purpose": "sale", "temporary": "on", "reimport_date": "soon"})
    assert response.status_code == 200 and "Keep me" in response.content.decode()
    application.refresh_from_db()
    assert application.title == "" and application.purpose == ""  # nothing half-saved
    response = client.post(f"{base}/about/", {"title": "Keep me", "purpose": "repair", "later": "1"})
    assert response["Location"] == f"{base}/"  # come back later: the task list
    application.refresh_from_db()
    assert (application.title, application.purpose) == ("Keep me", "repair")
    assert 'value="Keep me"' in client.get(f"{base}/about/").content.decode()
    # A repair must say where the goods came from: the section is begun, not finished (validation says so).
    assert statuses(client, application)["about"] == "in_progress"
    client.post(f"{base}/about/", {"title": "Keep me", "purpose": "repair", "repaired_goods_from_netherlands": "true"})
    assert statuses(client, application)["about"] == "completed"


def test_the_smelt_and_cast_countries_are_asked_of_aluminium_lines_only(exporter_a):
    client = logged_in(exporter_a)
    application = started(client)
    base = f"/applications/{application.pk}/tasks"
    assert 'name="first_smelt_country"' not in client.get(f"{base}/goods/add/").content.decode()
    response = client.post(f"{base}/goods/add/", {**GOODS_LINE, "goods_kind": "unlisted", "control_entry": "", "hs_code": "7604.10"})
    assert response["Location"] == f"{base}/goods/1/"  # an aluminium line: its declaration next
    assert 'name="first_smelt_country"' in client.get(f"{base}/goods/1/").content.decode()
    client.post(f"{base}/goods/1/", {**GOODS_LINE, "goods_kind": "unlisted", "control_entry": "", "hs_code": "7604.10", "first_smelt_country": "NO", "last_cast_country": "DE"})
    line = application.goods.get()
    assert (line.first_smelt_country_id, line.last_cast_country_id, line.description) == ("NO", "DE", GOODS_LINE["description"])


def test_check_your_answers_lists_everything_with_change_links(exporter_a):
    client = logged_in(exporter_a)
    application = filled_in(client)
    base = f"/applications/{application.pk}/tasks"
    assert set(statuses(client, application).values()) == {"completed"}
    html = client.get(f"{base}/check/").content.decode()
    for text in ("Radar spares", "Norway", "Military", "Coastal radars.", "Radar transmitter module", "ML5", "Forsvarsmateriell", "Royal Norwegian Navy", "euc.pdf"):
        assert text in html, text
    for page in ("about/", "destinations/", "end-use/", "goods/", "goods/1/", "parties/", "parties/1/", "parties/2/", "documents/"):
        assert f'href="{base}/{page}"' in html, page
    assert "There is a problem" not in html and 'name="declaration"' in html


def test_check_your_answers_links_each_error_to_its_section(exporter_a):
    client = logged_in(exporter_a)
    application = started(client)
    base = f"/applications/{application.pk}/tasks"
    client.post(f"{base}/goods/add/", {**GOODS_LINE, "value_eur": ""})
    html = client.get(f"{base}/check/").content.decode()
    assert f'href="{base}/about/#id_purpose"' in html
    assert f'href="{base}/destinations/#id_destinations"' in html
    assert f'href="{base}/goods/1/#id_value_eur"' in html and "Goods line 1, Value (EUR)" in html
    assert f'href="{base}/parties/#main"' in html and f'href="{base}/documents/#main"' in html


def test_a_signatory_submits_after_the_declaration(exporter_a):
    client = logged_in(exporter_a)
    application = filled_in(client)
    check = f"/applications/{application.pk}/tasks/check/"
    response = client.post(check, {})
    assert response.status_code == 200 and "Confirm the declaration" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    response = client.post(check, {"declaration": "on"})
    assert response["Location"] == f"/applications/{application.pk}/submitted/"
    application.refresh_from_db()
    assert application.status != Status.DRAFT and application.deadline_at is not None
    assert client.get(check)["Location"] == f"/applications/{application.pk}/"  # no more changes through the guided pages


def test_a_viewer_or_preparer_cannot_submit(exporter_a, org_a):
    application = filled_in(logged_in(exporter_a))
    check = f"/applications/{application.pk}/tasks/check/"
    viewer = logged_in(UserFactory(organisation=org_a, org_role="viewer"))
    assert viewer.post(check, {"declaration": "on"}).status_code == 403
    preparer = logged_in(UserFactory(organisation=org_a, org_role="preparer"))
    html = preparer.get(check).content.decode()
    assert 'name="declaration"' not in html and "ask a signatory" in html
    assert preparer.post(check, {"declaration": "on"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_the_application_page_offers_each_role_only_the_buttons_it_may_use(exporter_a, org_a):
    """A preparer was offered "Submit", "Amend" and "Withdraw" (refused once pressed), a viewer "Edit" and "Copy"."""
    application = filled_in(logged_in(exporter_a))
    page = f"/applications/{application.pk}/"
    preparer = logged_in(UserFactory(organisation=org_a, org_role="preparer"))
    viewer = logged_in(UserFactory(organisation=org_a, org_role="viewer"))
    html = preparer.get(page).content.decode()
    assert f"/applications/{application.pk}/edit/" in html and f"/applications/{application.pk}/copy/" in html
    assert f"/applications/{application.pk}/submit/" not in html
    assert f"/applications/{application.pk}/edit/" not in viewer.get(page).content.decode()
    assert f"/applications/{application.pk}/submit/" in logged_in(exporter_a).get(page).content.decode()  # the administrator signs

    services.application_submit(actor=exporter_a, application=application)
    html = preparer.get(page).content.decode()
    assert f"/applications/{application.pk}/withdraw/" not in html and f"/applications/{application.pk}/amend/" not in html
    assert f"/applications/{application.pk}/copy/" in html
    html = viewer.get(page).content.decode()
    assert f"/applications/{application.pk}/withdraw/" not in html and f"/applications/{application.pk}/copy/" not in html
    assert f"/applications/{application.pk}/withdraw/" in logged_in(exporter_a).get(page).content.decode()


def test_each_line_opens_from_its_name_and_is_removed_from_its_own_page(exporter_a):
    """On a phone the list's "Change" and "Remove" links are off-screen (the table scrolls in its box): the line's
    description or the party's name opens it, and its page removes it."""
    application = filled_in(logged_in(exporter_a))
    client = logged_in(exporter_a)
    base = f"/applications/{application.pk}/tasks"
    assert f'<a href="{base}/goods/1/">Radar transmitter module</a>' in client.get(f"{base}/goods/").content.decode()
    assert f'<a href="{base}/parties/2/">Royal Norwegian Navy</a>' in client.get(f"{base}/parties/").content.decode()
    assert f'action="{base}/goods/1/remove/"' in client.get(f"{base}/goods/1/").content.decode()
    assert f'action="{base}/parties/2/remove/"' in client.get(f"{base}/parties/2/").content.decode()
    assert "/remove/" not in client.get(f"{base}/goods/add/").content.decode()


def test_another_organisation_sees_nothing(exporter_a, exporter_b):
    application = started(logged_in(exporter_a))
    other = logged_in(exporter_b)
    for page in ("tasks/", "tasks/about/", "tasks/goods/", "tasks/check/", "submitted/"):
        assert other.get(f"/applications/{application.pk}/{page}").status_code == 404


def test_the_confirmation_says_who_decides_and_by_when(exporter_a, django_capture_on_commit_callbacks):
    client = logged_in(exporter_a)
    application = filled_in(client)
    with django_capture_on_commit_callbacks(execute=True):  # routing runs after the submission's commit
        client.post(f"/applications/{application.pk}/tasks/check/", {"declaration": "on"})
    application.refresh_from_db()
    html = client.get(f"/applications/{application.pk}/submitted/").content.decode()
    assert application.reference in html
    assert "Decision due by" in html and "days left" in html
    assert "The licensing office (CDIU) is assessing your application and decides on it." in html
    for rule in application.determination["rules"]:  # the reasons in words, never the rule's id
        assert rule["id"] not in html
    assert "What happens next" in html


def test_the_confirmation_gives_only_the_reasons_for_who_decides(exporter_a, django_capture_on_commit_callbacks):
    from licensing.routing.rules import RULES_BY_ID, Effect

    client = logged_in(exporter_a)
    application = filled_in(client)  # military radar parts to Norway: a general licence would cover them, yet a licence is asked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/applications/{application.pk}/tasks/check/", {"declaration": "on"})
    application.refresh_from_db()
    html = client.get(f"/applications/{application.pk}/submitted/").content.decode()
    why = html.split("<h3>Why</h3>")[1].split("</ul>")[0]
    effects = {RULES_BY_ID[r["id"]].effect: escape(str(RULES_BY_ID[r["id"]].text)) for r in application.determination["rules"]}
    assert {Effect.GENERAL_LICENCE, Effect.REQUIRES_LICENCE, Effect.OFFICE} <= set(effects)  # checked on the way, and who decides
    assert effects[Effect.OFFICE] in why
    assert effects[Effect.GENERAL_LICENCE] not in html and effects[Effect.REQUIRES_LICENCE] not in html


def _with_lines(exporter, count) -> Application:
    line = {"goods_kind": "military", "description": "Spare part", "control_entry": "ML5", "quantity": 1, "value_eur": 100}
    return services.application_create(actor=exporter, data={"kind": "global", "movement": "export", "goods": [dict(line) for _ in range(count)]})


INSERT_LINES = 'INSERT INTO "applications_goodsline"'


def _queries(client, method, url, data=None) -> int:
    """The queries of one request, the goods lines' bulk inserts apart: SQLite splits them into batches of its
    999 parameters (one statement on PostgreSQL), so they are counted on their own."""
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    inserts = [q for q in captured if q["sql"].startswith(INSERT_LINES)]
    assert len(inserts) <= 3, "the lines are written in bulk"
    return len(captured) - len(inserts)


def test_a_hundred_goods_lines_go_through_the_pages_in_constant_queries(exporter_a):
    client = logged_in(exporter_a)
    small, large = _with_lines(exporter_a, 3), _with_lines(exporter_a, 100)
    for page, data in [("goods/", None), ("goods/2/", None), ("check/", None), ("", None)]:
        assert _queries(client, "get", f"/applications/{small.pk}/tasks/{page}") == _queries(client, "get", f"/applications/{large.pk}/tasks/{page}"), page
    change = {**GOODS_LINE, "description": "Changed part"}
    assert _queries(client, "post", f"/applications/{small.pk}/tasks/goods/2/", change) == _queries(client, "post", f"/applications/{large.pk}/tasks/goods/2/", change)
    assert list(large.goods.order_by("position").values_list("description", flat=True))[:3] == ["Spare part", "Changed part", "Spare part"]
    assert large.goods.count() == 100
    html = client.get(f"/applications/{large.pk}/tasks/goods/").content.decode()
    assert f'href="/applications/{large.pk}/tasks/goods/100/"' in html
    assert client.post(f"/applications/{large.pk}/tasks/goods/100/remove/", {"confirmed": "yes"}).status_code == 302
    assert large.goods.count() == 99


def test_an_earlier_application_is_copied_into_a_new_draft(exporter_a, exporter_b, org_a):
    client = logged_in(exporter_a)
    earlier = filled_in(client)
    client.post(f"/applications/{earlier.pk}/tasks/check/", {"declaration": "on"})
    earlier.refresh_from_db()
    assert earlier.status != Status.DRAFT
    assert 'action="/applications/%d/copy/"' % earlier.pk in client.get(f"/applications/{earlier.pk}/").content.decode()
    assert logged_in(exporter_b).post(f"/applications/{earlier.pk}/copy/").status_code == 404
    viewer = logged_in(UserFactory(organisation=org_a, org_role="viewer"))
    viewer.post(f"/applications/{earlier.pk}/copy/")
    assert Application.objects.count() == 1  # a viewer reads only
    response = client.post(f"/applications/{earlier.pk}/copy/")
    copy = Application.objects.latest("pk")
    assert response["Location"] == f"/applications/{copy.pk}/tasks/"
    assert (copy.status, copy.kind, copy.movement, copy.title, copy.end_use) == (Status.DRAFT, earlier.kind, earlier.movement, earlier.title, earlier.end_use)
    assert [c.code for c in copy.destinations.all()] == ["NO"]
    assert list(copy.goods.values_list("description", "control_entry")) == [("Radar transmitter module", "ML5")]
    assert sorted(copy.parties.values_list("name", flat=True)) == ["Forsvarsmateriell", "Royal Norwegian Navy"]
    assert not copy.documents.exists()  # the certificate belonged to the earlier transaction
    assert statuses(client, copy)["documents"] == "not_started" and statuses(client, copy)["goods"] == "completed"


def test_the_determination_answer_starts_an_application_with_its_facts(exporter_a):
    client = logged_in(exporter_a)
    query = "goods_kind=military&movement=export&destination=no&control_entry=ML5&value_eur=1000&end_use=military&recipient_type=armed_forces&purpose=sale"
    html = client.get(f"/determination/?{query}").content.decode()
    assert f'href="/applications/guided/start/?{query.replace("&", "&amp;")}"' in html
    html = client.get(f"/applications/guided/start/?{query}").content.decode()
    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]* checked>', html)
    assert "You start from the facts you gave" in html and checked == [("movement", "export")]  # the kind is the exporter's to choose
    response = client.post(f"/applications/guided/start/?{query}", {"kind": "individual", "movement": "export"})
    application = Application.objects.get()
    assert response["Location"] == f"/applications/{application.pk}/tasks/"
    assert (application.end_use, application.purpose) == ("military", "sale")
    assert [c.code for c in application.destinations.all()] == ["NO"]
    line = application.goods.get()
    assert (line.goods_kind, line.control_entry, line.value_eur, line.description) == ("military", "ML5", 1000, "")
    found = statuses(client, application)
    assert (found["about"], found["destinations"], found["end_use"], found["goods"]) == ("completed", "completed", "completed", "in_progress")


def test_unreadable_facts_start_an_empty_application(exporter_a):
    client = logged_in(exporter_a)
    client.post("/applications/guided/start/?goods_kind=military&movement=export&destination=", {"kind": "global", "movement": "export"})
    application = Application.objects.get()
    assert not application.goods.exists() and application.end_use == ""


def test_a_document_is_removed_from_the_documents_page(exporter_a):
    client = logged_in(exporter_a)
    application = filled_in(client)
    document = application.documents.get()
    page = f"/applications/{application.pk}/tasks/documents/"
    assert f'action="/applications/{application.pk}/documents/{document.pk}/remove/"' in client.get(page).content.decode()
    asked = client.post(f"/applications/{application.pk}/documents/{document.pk}/remove/", {"back": "guided"}).content.decode()
    assert f'href="{page}"' in asked  # "no, go back" returns to the documents page
    response = client.post(f"/applications/{application.pk}/documents/{document.pk}/remove/", {"back": "guided", "confirmed": "yes"})
    assert response["Location"] == page and not application.documents.exists()
    assert statuses(client, application)["documents"] == "not_started"  # an individual licence needs its certificate


def _destinations(client, application) -> tuple[str, list[str]]:
    html = client.get(f"/applications/{application.pk}/tasks/destinations/").content.decode()
    return html, [c.code for c in Application.objects.get(pk=application.pk).destinations.order_by("code")]


def test_destinations_are_added_by_name_and_removed_one_by_one_in_dutch(exporter_a):
    client = logged_in(exporter_a, "nl")
    application = started(client, kind="global")
    page = f"/applications/{application.pk}/tasks/destinations/"
    html, _codes = _destinations(client, application)
    assert "<select" not in html.split('id="main"')[-1]  # no Ctrl-click list of 250 countries
    assert 'list="country-names"' in html and '<option value="Noorwegen">' in html and '<option value="Norway">' not in html
    for typed in ("noorwegen", "NORWAY", "ch", "Cote d’Ivoire", "zwitserl"):  # either language, any case or accent, the code, a unique beginning
        assert client.post(page, {"destinations": typed, "add": "1"})["Location"] == page
    html, codes = _destinations(client, application)
    assert codes == ["CH", "CI", "NO"]
    assert "Noorwegen toegevoegd." in html and html.index("Ivoorkust (CI)") < html.index("Noorwegen (NO)") < html.index("Zwitserland (CH)")
    assert client.post(page, {"remove": "CI", "destinations": ""})["Location"] == page
    assert _destinations(client, application)[1] == ["CH", "NO"]


def test_an_unknown_or_ambiguous_country_is_refused_in_english(exporter_a):
    client = logged_in(exporter_a)
    application = started(client, kind="global")
    page = f"/applications/{application.pk}/tasks/destinations/"
    unknown = client.post(page, {"destinations": "Atlantis", "add": "1"}).content.decode()
    assert "There is no country called “Atlantis”" in unknown and 'href="#id_destinations"' in unknown
    ambiguous = client.post(page, {"destinations": "guin", "add": "1"}).content.decode()
    assert "“guin” fits several countries (Guinea, Guinea-Bissau): write the whole name." in ambiguous
    nothing = client.post(page, {"destinations": "", "add": "1"}).content.decode()
    assert "Type the name of the country to add." in nothing
    assert _destinations(client, application)[1] == []


def test_the_destinations_page_says_what_validation_finds_wrong(exporter_a):
    client = logged_in(exporter_a)
    application = started(client)  # an individual licence for an export
    base = f"/applications/{application.pk}/tasks"
    client.post(f"{base}/destinations/", {"destinations": "Austria", "add": "1"})
    assert client.post(f"{base}/destinations/", {"destinations": "Norway", "continue": "1"})["Location"] == f"{base}/end-use/"  # typed, not added: added
    html, codes = _destinations(client, application)
    assert codes == ["AT", "NO"]
    assert "An individual licence covers one destination" in html and "An export leaves the EU" in html


def test_the_task_list_speaks_dutch(exporter_a):
    client = Client()  # Dutch is the default
    assert client.login(username=exporter_a.username, password=PASSWORD)
    client.post("/applications/guided/start/", {"kind": "individual", "movement": "export"})
    html = client.get(f"/applications/{Application.objects.get().pk}/tasks/").content.decode()
    assert "Over de aanvraag" in html and "Niet begonnen" in html and "Nog niet in te dienen" in html


def test_one_line_is_saved_without_touching_the_others(exporter_a, org_a):
    from licensing.core.errors import NotAllowed, NotFound

    application = _with_lines(exporter_a, 3)
    services.application_line_save(actor=exporter_a, application=application, name="goods", position=1, data={"description": "Second, changed"})
    services.application_line_save(actor=exporter_a, application=application, name="goods", position=0, data=None)
    assert list(application.goods.order_by("position").values_list("position", "description")) == [(0, "Second, changed"), (1, "Spare part")]
    with pytest.raises(NotFound):
        services.application_line_save(actor=exporter_a, application=application, name="goods", position=2, data=None)
    with pytest.raises(NotAllowed):
        services.application_line_save(actor=UserFactory(organisation=org_a, org_role="viewer"), application=application, name="goods", position=None, data={"description": "x"})
    assert application.goods.count() == 2


def test_a_general_licence_registration_takes_one_section(exporter_a, django_capture_on_commit_callbacks):
    client = logged_in(exporter_a)
    application = started(client, "general_registration", "transit")
    base = f"/applications/{application.pk}/tasks"
    response = client.post(f"{base}/general-licence/", {"title": "Transit registration", "general_licence": "NL008", "conditions_confirmed": "on"})
    assert response["Location"] == f"{base}/check/"  # the only section: then check your answers
    assert statuses(client, application) == {"licence": "completed"}
    assert "NL008" in client.get(f"{base}/check/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}/check/", {"declaration": "on"})["Location"] == f"/applications/{application.pk}/submitted/"
    application.refresh_from_db()
    assert application.status != Status.DRAFT


class CountingCache:
    """The shared cache as the reference selectors read it, counting the reads (a Redis round trip each in production)."""

    def __init__(self, cache):
        self.cache, self.reads = cache, 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.cache.get(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def _complete_with_lines(exporter, count) -> Application:
    from tests.factories import application_draft

    line = {"goods_kind": "military", "description": "Spare part", "control_entry": "ML5", "quantity": "1", "value_eur": "100.00"}
    draft = application_draft(exporter, goods=[dict(line) for _ in range(count)])
    services.document_add(actor=exporter, application=draft, doc_type="end_user_certificate", uploaded_file=pdf_upload())
    return draft


def test_checking_and_submitting_cost_the_same_for_two_lines_and_forty(exporter_a, monkeypatch):
    """The issue 20 benchmark's last steps (bench/benchmarks.py, `guided`): the check page and its submitting POST
    ask the database and the shared cache as often for 40 goods lines as for 2. Validation read the control list's
    facts from the shared cache once a line (and the check page validated twice)."""
    from django.core.cache import cache

    from licensing.reference import selectors

    client = logged_in(exporter_a)
    small, large = _complete_with_lines(exporter_a, 2), _complete_with_lines(exporter_a, 40)
    client.get(f"/applications/{small.pk}/tasks/check/")  # the reference data cached, as in a running server
    counting = CountingCache(cache)
    monkeypatch.setattr(selectors, "cache", counting)
    cost = {}
    for name, draft in (("small", small), ("large", large)):
        counting.reads = 0
        queries = _queries(client, "get", f"/applications/{draft.pk}/tasks/check/")
        cost[f"check {name}"] = (queries, counting.reads)
        counting.reads = 0
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/applications/{draft.pk}/tasks/check/", {"declaration": "on"})
        assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/submitted/"
        cost[f"submit {name}"] = (len(captured), counting.reads)
    assert cost["check small"] == cost["check large"] and cost["submit small"] == cost["submit large"], cost
    assert cost["check large"][1] <= 2 and cost["submit large"][1] <= 2, cost
    assert Application.objects.filter(pk__in=[small.pk, large.pk], status=Status.SUBMITTED).count() == 2
