"""
Aluminium goods and their smelt and cast declaration (issue 19.10; seed 000, questions 5, 8, 9 and 11): which lines
are aluminium, which countries the exporter gives for them, and what a missing declaration leads to.
"""
import pytest

from licensing.applications.aluminium import declaration_missing, hs_heading, is_aluminium
from licensing.applications.models import GoodsLine, Status
from licensing.screening.models import FlagKind, ScreeningFlag
from tests.factories import application_payload, application_submitted

pytestmark = pytest.mark.django_db


def line(**fields):
    base = {"goods_kind": "unlisted", "description": "Aluminium extrusions", "control_entry": "", "quantity": "2000", "unit": "kg", "value_eur": "9000.00"}
    return {**base, **fields}


@pytest.mark.parametrize(
    "marked, hs_code, expected",
    [(False, "7604.21", True), (False, "760421", True), (False, "7601", True), (True, "", True), (False, "7208.10", False), (False, "", False)],
)
def test_aluminium_goods_are_hs_chapter_76_or_marked_so(marked, hs_code, expected):
    """Seed 000 question 2 speaks of aluminium "verwerkt in halffabricaten of andere aluminiumproducten": HS chapter
    76 (aluminium and articles thereof) is aluminium whatever the exporter ticks."""
    assert is_aluminium(marked=marked, hs_code=hs_code) is expected


def test_the_hs_heading_is_the_first_four_digits():
    assert (hs_heading("7604.21"), hs_heading("76042100"), hs_heading("76"), hs_heading("")) == ("7604", "7604", "", "")


def test_the_countries_are_ranked_by_share_and_shown_so(db):
    """Seed 000 question 8: "het land van de eerste en tweede belangrijkste smeltstap en het land waar de laatste
    gietstap heeft plaatsgevonden" - the most and second most important smelt, not the first and second in time."""
    from django.utils import translation

    from licensing.web.fields import country_map
    from licensing.web.forms import GoodsLineForm

    form = GoodsLineForm(countries=country_map())
    with translation.override("en"):
        labels = [str(form.fields[name].label) for name in ("first_smelt_country", "second_smelt_country", "last_cast_country")]
    assert labels == ["Country of the most important smelt", "Country of the second most important smelt", "Country of the last cast"]


def test_the_api_takes_the_countries_for_aluminium_goods(api_as, exporter_a):
    payload = application_payload(goods=[line(hs_code="7604.21", first_smelt_country="NO", second_smelt_country="IS", last_cast_country="DE")])
    response = api_as(exporter_a).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201, response.json()
    goods = response.json()["goods"][0]
    assert (goods["first_smelt_country"], goods["second_smelt_country"], goods["last_cast_country"]) == ("NO", "IS", "DE")


@pytest.mark.parametrize("field", ["first_smelt_country", "second_smelt_country", "last_cast_country"])
def test_the_api_refuses_smelt_and_cast_countries_on_goods_that_are_not_aluminium(api_as, exporter_a, field):
    """The declaration is asked of aluminium products (seed 000 question 8: "bij import van aluminiumproducten");
    on steel (HS 7208) it is a mistake, refused field by field and nothing saved."""
    client = api_as(exporter_a)
    payload = application_payload(goods=[line(description="Hot-rolled steel", hs_code="7208.10", **{field: "NO"})])
    response = client.post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [f"goods[0].{field}"]
    assert client.get("/api/v1/applications/").json()["count"] == 0


def test_a_second_smelt_needs_the_most_important_one(api_as, exporter_a):
    payload = application_payload(goods=[line(hs_code="7604.21", second_smelt_country="IS", last_cast_country="DE")])
    response = api_as(exporter_a).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["goods[0].first_smelt_country"]


def test_the_page_refuses_them_on_goods_that_are_not_aluminium_and_says_where(client, exporter_a):
    client.force_login(exporter_a)
    data = {
        "kind": "individual", "movement": "export", "title": "Steel", "destinations": ["NO"], "end_use": "civil", "purpose": "sale",
        "goods-TOTAL_FORMS": "1", "goods-INITIAL_FORMS": "0",
        "goods-0-goods_kind": "unlisted", "goods-0-description": "Hot-rolled steel", "goods-0-unit": "kg", "goods-0-hs_code": "7208.10",
        "goods-0-first_smelt_country": "NO",
        "parties-TOTAL_FORMS": "0", "parties-INITIAL_FORMS": "0",
    }
    response = client.post("/applications/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"id_goods-0-first_smelt_country" in response.content and b"aluminium goods only" in response.content
    assert not GoodsLine.objects.exists()


@pytest.mark.parametrize(
    "declared, missing",
    [
        ({}, ["first_smelt_country", "last_cast_country"]),
        ({"first_smelt_country": "NO"}, ["last_cast_country"]),
        ({"first_smelt_country": "NO", "last_cast_country": "DE"}, []),
    ],
)
def test_aluminium_without_a_declaration_is_submitted_and_flagged_for_the_office(exporter_a, officer, api_as, declared, missing):
    """Not refused: seed 000 question 8 asks whether the cabinet will argue for "verplichte rapportagevereisten bij
    import van aluminiumproducten" (the declaration is not an obligation yet), and question 11 asks how "bonafide
    Nederlandse en Europese bedrijven" are spared "extra administratieve lasten". The office sees the gap (question
    10: checking "of aluminiumproducten daadwerkelijk vrij zijn van Russische primaire aluminiuminput")."""
    application = application_submitted(exporter_a, screen=True, goods=[line(hs_code="7604.21", **declared)])
    assert application.submitted_at is not None and application.status != Status.DRAFT
    assert declaration_missing(application.goods.get()) == missing
    flags = ScreeningFlag.objects.filter(application=application, kind=FlagKind.ALUMINIUM_UNDECLARED)
    assert flags.count() == (1 if missing else 0)
    if missing:
        seen = api_as(officer).get(f"/api/v1/office/applications/{application.pk}/screening/").json()["flags"]
        assert [f["kind"] for f in seen] == ["aluminium_undeclared"]
        assert "last cast" in seen[0]["reason"] and seen[0]["goods_line"] == application.goods.get().pk
        assert api_as(exporter_a).get(f"/api/v1/office/applications/{application.pk}/screening/").status_code in (403, 404)


def test_goods_that_are_not_aluminium_are_never_flagged(exporter_a):
    application = application_submitted(exporter_a, screen=True, goods=[line(description="Hot-rolled steel", hs_code="7208.10")])
    assert not ScreeningFlag.objects.filter(application=application, kind=FlagKind.ALUMINIUM_UNDECLARED).exists()
