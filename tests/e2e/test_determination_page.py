"""The determination page (no browser): the API's facts in a form, its answer and its rules on a page."""
import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NORWAY_ML5 = {"goods_kind": "military", "movement": "export", "destination": "NO", "control_entry": "ML5", "end_use": "military", "recipient_type": "armed_forces", "purpose": "sale"}


def logged_in(user, language="nl") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def answer(html: str, name: str) -> str:
    import re

    return re.search(rf'data-answer="{name}">(.*?)</dd>', html, re.S)[1].strip()


def test_an_empty_form_asks_for_the_facts(exporter_a):
    page = logged_in(exporter_a).get("/determination/").content.decode()
    assert "<h1>Heb ik een vergunning nodig?</h1>" in page
    assert 'data-answer="licence_required"' not in page and "error-summary" not in page


def test_military_goods_to_norway_need_a_licence_the_office_decides(exporter_a):
    page = logged_in(exporter_a).get("/determination/", NORWAY_ML5).content.decode()
    assert answer(page, "licence_required") == "ja"
    assert answer(page, "prohibited") == "nee"
    assert "CDIU" in answer(page, "handler")
    assert "military.licence_required" in page  # every rule that fired, with its id
    assert 'href="/applications/guided/start/?' in page  # an exporter can start the application from here, its facts filled in


def test_the_answer_is_the_apis(exporter_a, api_as):
    from licensing.applications.choices import Handler

    api = api_as(exporter_a).post("/api/v1/determinations/", NORWAY_ML5, format="json").json()
    page = logged_in(exporter_a, "en").get("/determination/", NORWAY_ML5).content.decode()
    assert answer(page, "licence_required") == ("yes" if api["licence_required"] else "no")
    assert answer(page, "handler") == str(Handler(api["handler"]).label)
    for rule in api["rules"]:
        assert rule["id"] in page


def test_prohibited_transactions_say_so(officer):
    facts = {**NORWAY_ML5, "destination": "KP"}  # North Korea: arms embargo
    page = logged_in(officer, "en").get("/determination/", facts).content.decode()
    assert "This transaction is prohibited" in page and answer(page, "prohibited") == "yes"
    assert 'href="/applications/guided/start/' not in page


def test_an_unknown_country_is_named_in_the_readers_language(exporter_a):
    page = logged_in(exporter_a).get("/determination/", {**NORWAY_ML5, "destination": "xx"}).content.decode()
    assert "Er is een probleem" in page
    assert "Onbekende landcode “XX”" in page
    assert 'href="#id_destination"' in page  # the summary links to the field
    assert 'aria-invalid="true"' in page


def test_an_entry_that_does_not_fit_the_goods_is_explained(exporter_a):
    page = logged_in(exporter_a, "en").get("/determination/", {**NORWAY_ML5, "control_entry": "3A001"}).content.decode()
    assert "“3A001” cannot be used here" in page and "dual-use" in page
    unknown = logged_in(exporter_a, "en").get("/determination/", {**NORWAY_ML5, "control_entry": "ML99"}).content.decode()
    assert "There is a problem" in unknown and "ML99" in unknown


@pytest.mark.parametrize(
    ("language", "typed", "ok"),
    [("nl", "2.500.000,00", True), ("nl", "2500000", True), ("en", "2,500,000.00", True), ("en", "2.500.000,00", False), ("nl", "twee miljoen", False)],
)
def test_amounts_are_read_as_the_reader_writes_them(exporter_a, language, typed, ok):
    facts = {**NORWAY_ML5, "destination": "SA", "complete_system": "on", "value_eur": typed}
    page = logged_in(exporter_a, language).get("/determination/", facts).content.decode()
    if ok:
        assert answer(page, "fast_track_parliament") in ("ja", "yes")  # above EUR 2 million: parliament is told
    else:
        assert 'id="id_value_eur_error"' in page


def test_the_page_needs_a_login():
    response = Client().get("/determination/")
    assert response.status_code == 302 and "/login/" in response["Location"]
