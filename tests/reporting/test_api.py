"""The report API: the contract external checks rely on, the other tables, downloads and report runs."""
import csv
import io
import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from licensing.reporting.models import ReportRun
from licensing.reporting.services import TABLES

pytestmark = pytest.mark.django_db

AMOUNT = re.compile(r"^\d+\.\d{2}$")
MILITARY = "/api/v1/reports/annual/2024/military/"


@pytest.fixture
def year(issue, deny):
    issue("NL-DE", destinations=["DE"], lines=[("ML6", "88400000.00"), ("ML4", "60180000.00")])
    issue("NL-MA", destinations=["MA"], lines=[("ML5", "9090000.00")])
    issue("NL-EU", kind="global", destinations=["BE", "FR"], lines=[("ML11", "1680000.00")])
    issue("NL-ENP", kind="global", destinations=["DE", "US"], lines=[("ML2", "11080000.00")])
    issue("NL-VAR", kind="global", destinations=["US", "SA"], lines=[("ML10", "40000000.00")])
    issue("NL-MAR", destinations=["UA"], lines=[("ML3", "1.00")], decided_on=date(2024, 3, 2))
    deny("NL-DENIED")
    deny("NL-DU-DENIED", goods_kind="dual_use", kind="global", destination="CN", value_eur="95000000.00")


def test_the_military_table_has_exactly_the_contracted_shape(api_as, officer, year):
    body = api_as(officer).get(MILITARY).json()
    assert list(body) == ["year", "total_eur", "by_region", "by_category", "by_country"]
    assert body["year"] == 2024 and body["total_eur"] == "210430001.00"
    assert [r["region"] for r in body["by_region"]] == [
        "north_africa", "sub_saharan_africa", "north_america", "central_america_caribbean", "south_america", "central_asia",
        "north_east_asia", "south_east_asia", "south_asia", "eu_nato_plus", "other_europe", "middle_east", "oceania", "global",
    ]
    for row in body["by_region"]:
        assert set(row) == {"region", "value_eur", "share"} and AMOUNT.match(row["value_eur"]) and AMOUNT.match(row["share"])
    regions = {r["region"]: r for r in body["by_region"]}
    assert regions["north_africa"] == {"region": "north_africa", "value_eur": "9090000.00", "share": "4.32"}
    assert regions["eu_nato_plus"]["value_eur"] == "161340000.00"  # DE + the EU and EU/NATO+ collective rows
    assert regions["global"]["value_eur"] == "40000000.00"
    assert body["by_category"][0] == {"category": "ML2", "value_eur": "11080000.00"}
    assert [r["category"] for r in body["by_category"]] == ["ML2", "ML3", "ML4", "ML5", "ML6", "ML10", "ML11"]
    assert body["by_country"][0] == {"country": "DE", "value_eur": "148580000.00", "categories": {"ML4": "60180000.00", "ML6": "88400000.00"}}
    assert [r["country"] for r in body["by_country"]] == ["DE", "VARIOUS", "EU_NATO_PLUS", "MA", "EU", "UA"]
    for row in body["by_country"]:
        assert set(row) == {"country", "value_eur", "categories"}
        assert all(AMOUNT.match(v) for v in row["categories"].values())


def test_an_empty_year_answers_zeros(api_as, officer):
    body = api_as(officer).get("/api/v1/reports/annual/2001/military/").json()
    assert body["total_eur"] == "0.00" and body["by_category"] == [] and body["by_country"] == []
    assert {r["share"] for r in body["by_region"]} == {"0.00"}


@pytest.mark.parametrize("persona", ["officer", "advisor", "administrator"])
def test_officials_may_read_the_reports(api_as, request, persona, year):
    assert api_as(request.getfixturevalue(persona)).get(MILITARY).status_code == 200


def test_exporters_may_not(api_as, exporter_a):
    response = api_as(exporter_a).get(MILITARY)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "url",
    [MILITARY, "/api/v1/reports/monthly/2024/3/military/", "/api/v1/reports/annual/2024/export/", "/api/v1/reports/runs/", "/api/v1/reports/denial-share/"],
)
def test_anonymous_callers_must_authenticate(api_client, url):
    assert api_client.get(url).status_code == 401


def test_the_monthly_overview_adds_the_month(api_as, officer, year):
    body = api_as(officer).get("/api/v1/reports/monthly/2024/3/military/").json()
    assert list(body) == ["year", "total_eur", "by_region", "by_category", "by_country", "month"]
    assert body["month"] == 3 and body["total_eur"] == "210430001.00"  # every licence of the fixture is of March
    assert api_as(officer).get("/api/v1/reports/monthly/2024/4/military/").json()["total_eur"] == "0.00"


def test_a_month_outside_the_year_is_refused(api_as, officer):
    response = api_as(officer).get("/api/v1/reports/monthly/2024/13/military/")
    assert response.status_code == 400 and response.json()["fields"] == {"month": ["Choose a month from 1 to 12."]}
    assert api_as(officer).get("/api/v1/reports/annual/1900/military/").status_code == 400


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_has_an_annual_and_a_monthly_endpoint(api_as, officer, year, name):
    client = api_as(officer)
    assert client.get(f"/api/v1/reports/annual/2024/{name}/").status_code == 200
    assert client.get(f"/api/v1/reports/monthly/2024/3/{name}/").status_code == 200


def test_the_denials_and_dual_use_tables(api_as, officer, year):
    client = api_as(officer)
    denial = client.get("/api/v1/reports/annual/2024/denials/").json()["rows"][0]
    assert denial == {
        "reference": "NL-DENIED", "destination": "IL", "goods": "Ballistic helmets", "control_entry": "ML13", "quantity": "52 pcs",
        "consignee": "Yakhin Hakal Ltd.", "end_user": "Israeli Defence Forces", "denied_on": "2024-03-15", "criteria": [2, 7], "goods_kind": "military",
    }
    dual_use = client.get("/api/v1/reports/annual/2024/dual-use/").json()
    assert [r["kind"] for r in dual_use["rows"]] == ["individual", "global", "intra_eu", "catch_all"]
    assert dual_use["rows"][1] == {"kind": "global", "issued_count": 0, "issued_value_eur": "0.00", "denied_count": 1, "denied_value_eur": "95000000.00"}
    assert dual_use["total"]["denied_value_eur"] == "95000000.00" and dual_use["missing"] == []


def test_the_xlsx_download_holds_every_table(api_as, officer, year):
    response = api_as(officer).get("/api/v1/reports/annual/2024/export/?format=xlsx")
    assert response.status_code == 200 and 'filename="report-2024.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"table_2", "table_3", "table_5", "table_7", "table_8", "table_17", "table_18", "denials", "parliament"} <= set(workbook.sheetnames)
    values = [row for row in workbook["table_7"].iter_rows(values_only=True)]
    assert ("ML6", 88400000.0, 42.01) in values


def test_a_csv_download_holds_one_table_in_the_readers_language(api_as, officer, year):
    response = api_as(officer).get("/api/v1/reports/annual/2024/export/?format=csv&sheet=table_8", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Code", "Destination", "ML2", "ML3", "ML4", "ML5", "ML6", "ML10", "ML11", "Total (EUR)"]
    assert rows[1][:2] == ["DE", "Germany"] and rows[1][-1] == "148580000.00"
    assert rows[-1][-1] == "210430001.00"
    dutch = api_as(officer).get("/api/v1/reports/annual/2024/export/?format=csv&sheet=table_8", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    with translation.override("nl"):
        assert dutch.startswith(f"Code,{gettext('Destination')},") and "DE,Duitsland," in dutch and f",{gettext('Various')}," in dutch
    assert "Destination" not in dutch


def test_a_csv_download_must_name_its_table(api_as, officer):
    response = api_as(officer).get("/api/v1/reports/annual/2024/export/?format=csv")
    assert response.status_code == 400 and "sheet" in response.json()["fields"]
    assert api_as(officer).get("/api/v1/reports/annual/2024/export/?format=pdf").status_code == 400


def test_the_denial_share_over_the_years(api_as, officer, year):
    body = api_as(officer).get("/api/v1/reports/denial-share/?from=2023&to=2024").json()
    assert body == [
        {"year": 2023, "applied": 0, "denied": 0, "share": "0.00"},
        {"year": 2024, "applied": 7, "denied": 1, "share": "14.29"},
    ]


def test_a_report_run_computes_every_table_with_progress(api_as, officer, year, django_capture_on_commit_callbacks):
    client = api_as(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/reports/runs/", {"year": 2024}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run = client.get(f"/api/v1/reports/runs/{response.json()['id']}/").json()
    assert (run["status"], run["progress"], run["error"]) == ("done", 100, "")
    assert set(run["result"]) == set(TABLES)
    assert run["result"]["military"] == client.get(MILITARY).json()
    assert [r["id"] for r in client.get("/api/v1/reports/runs/").json()] == [run["id"]]


def test_a_run_is_not_done_twice(officer, year):
    from licensing.reporting.services import report_run_execute

    run = ReportRun.objects.create(year=2024, requested_by=officer)
    assert report_run_execute(run_id=run.pk).status == "done"
    finished = ReportRun.objects.get(pk=run.pk).finished_at
    assert report_run_execute(run_id=run.pk).finished_at == finished


def test_a_run_for_a_bad_period_is_refused(api_as, officer):
    response = api_as(officer).post("/api/v1/reports/runs/", {"year": 2024, "month": 14}, format="json")
    assert response.status_code == 400 and "month" in response.json()["fields"]
    assert api_as(officer).get("/api/v1/reports/runs/999/").status_code == 404


def test_the_monthly_overview_downloads(api_as, officer, year):
    response = api_as(officer).get("/api/v1/reports/monthly/2024/3/export/?format=xlsx")
    assert 'filename="report-2024-03.xlsx"' in response["Content-Disposition"]
    csv_text = api_as(officer).get("/api/v1/reports/monthly/2024/4/export/?format=csv&sheet=table_2").content.decode()
    assert csv_text.splitlines()[-1] == ",Total,0.00,0.00"  # April: nothing issued
