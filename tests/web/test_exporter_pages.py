"""The exporter's pages, driven through Django's test client."""
import pytest
from django.test import Client

from licensing.applications.models import Application, Status
from tests.factories import PASSWORD, application_payload, logged_in, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"



def management(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def form_data(**extra):
    data = {
        "kind": "individual",
        "movement": "export",
        "title": "Radar spares",
        "destinations": ["NO"],
        "end_use": "military",
        "purpose": "sale",
        **management("goods", 1),
        **management("parties", 2),
        "goods-0-goods_kind": "military",
        "goods-0-description": "Radar transmitter module",
        "goods-0-control_entry": "ML5",
        "goods-0-quantity": "4",
        "goods-0-unit": "pieces",
        "goods-0-value_eur": "120000",
        "parties-0-role": "consignee",
        "parties-0-name": "Forsvarsmateriell",
        "parties-0-address": "Lillehammer",
        "parties-0-country": "NO",
        "parties-0-party_type": "government",
        "parties-1-role": "end_user",
        "parties-1-name": "Royal Norwegian Navy",
        "parties-1-address": "Bergen",
        "parties-1-country": "NO",
        "parties-1-party_type": "armed_forces",
    }
    data.update(extra)
    return data


def test_anonymous_is_sent_to_login():
    response = Client().get("/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_officials_cannot_open_exporter_pages(officer):
    assert logged_in(officer).get("/applications/new/").status_code == 403


def test_adding_a_goods_line_keeps_what_was_typed(exporter_a):
    client = logged_in(exporter_a)
    response = client.post("/applications/new/", form_data(add_goods="1", title="Keep me"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Keep me"' in html and "Radar transmitter module" in html
    assert 'name="goods-1-description"' in html  # the new, empty line
    assert Application.objects.count() == 0  # adding a line saves nothing


def test_draft_is_saved_and_then_submitted_with_a_document(exporter_a, django_capture_on_commit_callbacks):
    client = logged_in(exporter_a)
    response = client.post("/applications/new/", form_data())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    assert application.goods.count() == 1 and application.parties.count() == 2

    # Submitting without the end-user certificate shows what is missing; nothing changes.
    client.post(f"/applications/{application.pk}/submit/")
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "end-user certificate" in page and 'class="error-summary"' in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    client.post(f"/applications/{application.pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Routing" in page and application.determination["rules"][0]["text"] in page


def test_invalid_fields_are_listed_in_a_linked_error_summary(exporter_a):
    response = logged_in(exporter_a).post("/applications/new/", form_data(**{"goods-0-value_eur": "lots", "destinations": ["ZZ"]}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_goods-0-value_eur"' in html and 'href="#id_destinations"' in html
    assert Application.objects.count() == 0


def test_other_organisation_gets_404_on_every_page(exporter_a, exporter_b, api_as):
    app_id = api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()["id"]
    client = logged_in(exporter_b)
    for url in ["", "edit/", "documents/1/"]:
        assert client.get(f"/applications/{app_id}/{url}").status_code == 404
    for url in ["submit/", "withdraw/", "amend/", "delete/", "answer/"]:
        assert client.post(f"/applications/{app_id}/{url}", {"answer": "x"}).status_code == 404
    assert Application.objects.get(pk=app_id).status == Status.DRAFT
    assert "NL-" not in client.get("/applications/").content.decode()


def test_exporter_answers_a_question_and_withdraws(exporter_a, officer, api_as, django_capture_on_commit_callbacks):
    client_api = api_as(exporter_a)
    app_id = client_api.post("/api/v1/applications/", application_payload(), format="json").json()["id"]
    client_api.post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        client_api.post(f"/api/v1/applications/{app_id}/submit/")
    api_as(officer).post(f"/api/v1/office/applications/{app_id}/questions/", {"text": "Which vessel?"}, format="json")

    client = logged_in(exporter_a)
    assert "Which vessel?" in client.get(f"/applications/{app_id}/").content.decode()
    client.post(f"/applications/{app_id}/answer/", {"answer": "KNM Fridtjof Nansen"})
    application = Application.objects.get(pk=app_id)
    assert application.questions.get().answer == "KNM Fridtjof Nansen"
    asked = client.post(f"/applications/{app_id}/withdraw/", {"reason": "Cancelled"}).content.decode()
    application.refresh_from_db()
    assert application.status != Status.WITHDRAWN  # the first press only asks
    assert "Yes, withdraw the application" in asked and 'name="reason" value="Cancelled"' in asked
    client.post(f"/applications/{app_id}/withdraw/", {"reason": "Cancelled", "confirmed": "yes"})
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_list_page_runs_a_constant_number_of_queries(exporter_a, api_as, django_assert_max_num_queries):
    for _ in range(8):
        api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json")
    client = logged_in(exporter_a)
    with django_assert_max_num_queries(8):
        response = client.get("/applications/")
    assert response.content.decode().count("NL-") >= 8


def test_deleting_a_draft_asks_first_and_cancelling_keeps_it(exporter_a):
    client = logged_in(exporter_a)
    client.post("/applications/new/", form_data())
    draft = Application.objects.get()
    asked = client.post(f"/applications/{draft.pk}/delete/")
    assert asked.status_code == 200 and "This cannot be undone" in asked.content.decode()
    assert f'href="/applications/{draft.pk}/"' in asked.content.decode()  # "No, go back"
    assert Application.objects.filter(pk=draft.pk).exists()
    client.post(f"/applications/{draft.pk}/delete/", {"confirmed": "yes"})
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_nothing_legally_relevant_is_chosen_for_the_exporter(exporter_a):
    html = logged_in(exporter_a).get("/applications/new/").content.decode()
    for name in ("kind", "movement", "end_use", "purpose"):
        select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert 'value="" selected' in select and select.count("selected") == 1, name
    response = logged_in(exporter_a).post("/applications/new/", {k: v for k, v in form_data().items() if k != "end_use"})
    assert 'href="#id_end_use"' in response.content.decode() and Application.objects.count() == 0


@pytest.mark.parametrize(
    "language, typed, saved",
    [("nl", "1.250,50", "1250.50"), ("nl", "1250,50", "1250.50"), ("nl", "480.000", "480000.00"), ("nl", "1\u00a0250,50", "1250.50"),
     ("en", "1,250.50", "1250.50"), ("en", "1250.50", "1250.50"), ("en", "480,000", "480000.00")],
)
def test_amounts_are_read_in_the_pages_language(exporter_a, language, typed, saved):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.login(username=exporter_a.username, password=PASSWORD)
    response = client.post("/applications/new/", form_data(**{"goods-0-value_eur": typed}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Application.objects.get().goods.get().value_eur) == saved


@pytest.mark.parametrize(
    "language, typed",
    # Ambiguous or foreign notation is refused, never guessed: "1250.50" on a Dutch page was once saved as 125,050.
    [("nl", "1250.50"), ("nl", "1.25"), ("nl", "1,250.50"), ("en", "1250,50"), ("en", "1.250,50"), ("en", "12,5"),
     ("nl", "\u0661\u0662\u0663"), ("en", "1\u200b250"), ("en", "-5"), ("en", "1e5")],
)
def test_ambiguous_amounts_are_refused_with_how_to_write_them(exporter_a, language, typed):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.login(username=exporter_a.username, password=PASSWORD)
    response = client.post("/applications/new/", form_data(**{"goods-0-value_eur": typed}))
    html = response.content.decode()
    assert response.status_code == 200 and Application.objects.count() == 0
    assert ("1.250,50" if language == "nl" else "1,250.50") in html
    assert 'href="#id_goods-0-value_eur"' in html


def test_errors_name_fields_in_words_not_paths(exporter_a):
    html = logged_in(exporter_a).post("/applications/new/", form_data(**{"goods-0-value_eur": "lots"})).content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Goods line 1, Value (EUR):" in summary
    assert "value_eur" not in summary.replace('href="#id_goods-0-value_eur"', "")


def test_countries_are_named_in_the_pages_language(exporter_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.login(username=exporter_a.username, password=PASSWORD)
    html = client.get("/applications/new/").content.decode()
    assert "Noorwegen (NO)" in html and "Norway (NO)" not in html
    html = logged_in(exporter_a).get("/applications/new/").content.decode()
    assert "Norway (NO)" in html


def test_quantities_take_the_right_plural(exporter_a, api_as):
    payload = application_payload()
    payload["goods"][0]["quantity"] = "1"
    created = api_as(exporter_a).post("/api/v1/applications/", payload, format="json").json()
    html = logged_in(exporter_a).get(f"/applications/{created['id']}/").content.decode()
    assert "1 piece<" in html and "1 pieces" not in html and "16 pieces" in html


def _submitted(exporter, api_as, capture, **overrides) -> int:
    client_api = api_as(exporter)
    app_id = client_api.post("/api/v1/applications/", application_payload(**overrides), format="json").json()["id"]
    client_api.post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    with capture(execute=True):
        assert client_api.post(f"/api/v1/applications/{app_id}/submit/").status_code == 200
    return app_id


def test_the_exporter_sees_who_holds_the_case_and_when_the_decision_is_due_in_plain_words(exporter_a, api_as, django_capture_on_commit_callbacks):
    from tests.factories import SAUDI

    app_id = _submitted(exporter_a, api_as, django_capture_on_commit_callbacks, **SAUDI)
    application = Application.objects.get(pk=app_id)
    assert application.handler == "ministry"
    html = logged_in(exporter_a).get(f"/applications/{app_id}/").content.decode()
    status = html.split('class="case-status"', 1)[1].split("</section>", 1)[0]
    assert "Ministry of Foreign Affairs, which advises on it. The licensing office decides." in status
    assert "Decision due by" in status and f"{application.days_left()} days left." in status
    assert "handler." not in html and "(handler" not in html  # no rule ids for the exporter
    assert application.days_left() in (55, 56)  # eight weeks from submission


def test_an_open_question_shows_action_needed_and_the_paused_deadline(exporter_a, officer, api_as, django_capture_on_commit_callbacks):
    app_id = _submitted(exporter_a, api_as, django_capture_on_commit_callbacks)
    api_as(officer).post(f"/api/v1/office/applications/{app_id}/questions/", {"text": "Which vessel?"}, format="json")
    html = logged_in(exporter_a).get(f"/applications/{app_id}/").content.decode()
    status = html.split('class="case-status"', 1)[1].split("</section>", 1)[0]
    assert "Action needed" in status and "The deadline is paused" in status


def test_days_left_counts_whole_days_and_goes_negative_after_the_deadline():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    application = Application(deadline_at=now + timedelta(days=3, hours=2))
    assert application.days_left(now) == 3
    application.deadline_at = now - timedelta(hours=2)
    assert application.days_left(now) == -1
    application.deadline_at = now + timedelta(days=10)
    application.clock_stopped_at = now - timedelta(days=3)  # a question open for three days: the count stood still then
    assert application.days_left(now) == 13


def test_the_exporter_removes_a_document_from_a_draft_after_confirming(exporter_a, api_as):
    from licensing.applications.models import Document

    client_api = api_as(exporter_a)
    app_id = client_api.post("/api/v1/applications/", application_payload(), format="json").json()["id"]
    client_api.post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    document = Document.objects.get()
    client = logged_in(exporter_a)
    page = client.get(f"/applications/{app_id}/").content.decode()
    assert f'action="/applications/{app_id}/documents/{document.pk}/remove/"' in page
    asked = client.post(f"/applications/{app_id}/documents/{document.pk}/remove/").content.decode()
    assert "Yes, remove the document" in asked and Document.objects.filter(pk=document.pk).exists()
    client.post(f"/applications/{app_id}/documents/{document.pk}/remove/", {"confirmed": "yes"})
    assert not Document.objects.filter(pk=document.pk).exists()



DUAL_USE_LINE = {"goods_kind": "dual_use", "description": "Frequency changers", "control_entry": "3A225", "quantity": "2", "value_eur": "80000.00"}
DENIAL_HEADINGS = {
    # goods, end use -> the framework that applies (licensing.reference.frameworks), the grounds cited, what the
    # exporter's page says of them in English and in Dutch, and the other act, which it does not name
    "dual_use": (
        {"goods": [DUAL_USE_LINE], "end_use": "civil"}, "dual_use", [11, 14],
        {"en": "Grounds cited from Regulation (EU) 2021/821: Article 15(1)(a), Article 15(1)(d)",
         "nl": "Genoemde gronden uit Verordening (EU) 2021/821: artikel 15, eerste lid, onder a, artikel 15, eerste lid, onder d"},
        {"en": "Common Position", "nl": "Gemeenschappelijk Standpunt"},
    ),
    "military": (
        {"end_use": "military"}, "common_position", [2, 7],
        {"en": "Grounds cited from Council Common Position 2008/944/CFSP: criteria 2, 7",
         "nl": "Genoemde gronden uit Gemeenschappelijk Standpunt 2008/944/GBVB van de Raad: criteria 2, 7"},
        {"en": "Regulation (EU) 2021/821", "nl": "Verordening (EU) 2021/821"},
    ),
}


@pytest.mark.parametrize("goods_kind", DENIAL_HEADINGS)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_grounds_of_a_denial_are_headed_by_the_act_they_come_from(exporter_a, officer, submit, goods_kind, language):
    """The page headed every denial's grounds "Criteria of Common Position 2008/944/CFSP cited", followed by the
    grounds' internal numbers (11, 14 for a dual-use denial on Article 15(1)(a) and (d))."""
    from licensing.applications.selectors import application_frameworks
    from tests.factories import decision_recorded

    overrides, framework, criteria, heading, other_act = DENIAL_HEADINGS[goods_kind]
    application = submit(exporter_a, **overrides)
    assert application_frameworks(application) == [framework]
    decision_recorded(officer, application, outcome="denied", reasons="Risk of diversion.", criteria=criteria)
    page = logged_in(exporter_a, language).get(f"/applications/{application.pk}/").content.decode()
    assert heading[language] in page
    assert other_act[language] not in page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_office_case_page_words_a_dual_use_denials_grounds_by_their_act(exporter_a, officer, submit, language):
    """The case page said "criteria 11, 14" under a dual-use denial: the grounds' internal numbers, not Article 15."""
    from tests.factories import decision_recorded

    overrides, _framework, criteria, _heading, _other = DENIAL_HEADINGS["dual_use"]
    application = submit(exporter_a, **overrides)
    decision_recorded(officer, application, outcome="denied", reasons="Risk of diversion.", criteria=criteria)
    page = logged_in(officer, language).get(f"/office/cases/{application.pk}/").content.decode()
    act = {"en": "Regulation (EU) 2021/821", "nl": "Verordening (EU) 2021/821"}[language]
    assert act in page and "criteria 11, 14" not in page  # the decision, and the register entry beside the case
