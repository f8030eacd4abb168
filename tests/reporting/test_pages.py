"""The report pages for officials: tables, charts, downloads and runs with progress."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from licensing.licences.models import Decision
from licensing.reporting.models import ReportRun
from tests.factories import logged_in

pytestmark = pytest.mark.django_db



@pytest.fixture
def year(issue, deny):
    issue("NL-DE", destinations=["DE"], lines=[("ML6", "88400000.00")])
    issue("NL-VAR", kind="global", destinations=["US", "SA"], lines=[("ML10", "40000000.00")])
    issue("NL-TR", movement="transit", destinations=["UA"], lines=[("ML3", "7580000.00")])
    deny("NL-DENIED", decided_on=date(2024, 6, 13))


def test_an_official_reads_the_annual_report_with_charts_and_downloads(officer, year):
    page = logged_in(officer).get("/reports/2024/").content.decode()
    assert "Annual report 2024" in page
    assert page.count("<svg") == 3  # regions, categories, denial share over the years
    assert "Germany" in page and "Various" in page and "Ukraine" in page
    assert "88,400,000.00" in page or "88400000.00" in page
    assert "Yakhin Hakal Ltd." in page and "Israeli Defence Forces" in page
    assert "/api/v1/reports/annual/2024/export/?format=xlsx" in page
    assert "format=csv&amp;sheet=table_8" in page


def test_the_pages_speak_dutch(officer, year):
    page = logged_in(officer, "nl").get("/reports/2024/").content.decode()
    with translation.override("nl"):
        assert f"{gettext('Annual report')} 2024" in page and gettext("Various") in page
    assert "Annual report" not in page and "Various" not in page
    assert "Duitsland" in page and "Noord-Afrika" in page  # names from the reference data


def test_the_monthly_overview(officer, year):
    client = logged_in(officer)
    page = client.get("/reports/2024/3/").content.decode()
    assert "Monthly overview 2024-03" in page and "Germany" in page
    assert "Germany" not in client.get("/reports/2024/4/").content.decode()


def test_the_index_lists_years_and_sends_the_form_to_the_period(officer, year):
    client = logged_in(officer)
    assert 'href="/reports/2024/"' in client.get("/reports/").content.decode()
    assert client.get("/reports/?year=2024&month=").url == "/reports/2024/"
    assert client.get("/reports/?year=2024&month=6").url == "/reports/2024/6/"


def test_exporters_may_not_see_the_reports(exporter_a):
    client = logged_in(exporter_a)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/2024/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/reports/2024/").url.startswith("/login/")


def test_a_run_shows_its_progress_until_it_is_done(officer, year, django_capture_on_commit_callbacks):
    client = logged_in(officer)
    response = client.post("/reports/runs/", {"run-year": "2024", "run-month": ""})
    run = ReportRun.objects.get()
    assert response.url == f"/reports/runs/{run.pk}/"
    waiting = client.get(response.url)
    assert not waiting.has_header("Refresh") and "Queued" in waiting.content.decode()
    assert "data-poll " in waiting.content.decode()  # static/js/progress.js updates it in place
    from licensing.reporting.services import report_run_execute

    report_run_execute(run_id=run.pk)
    done = client.get(response.url)
    assert "data-poll " not in done.content.decode() and "Show the report" in done.content.decode()


def test_chart_labels_round_half_up_as_the_report_does(officer, issue):
    issue("NL-1", lines=[("ML13", "755000.00")])  # table 7 prints ML13 as 0,76
    page = logged_in(officer, "en").get("/reports/2024/").content.decode()
    assert "€ 0.76 mln" in page


def test_the_page_shows_denied_values_end_uses_and_transit_by_origin(officer, issue, deny, report):
    deny("DU-DENIED", goods_kind="dual_use", destination="CN", value_eur="9080000.00")
    licence = issue("AT-1", goods_kind="anti_torture", lines=[("ANNEX_III", "100.00")], destinations=["CW"])
    Decision.objects.filter(pk=licence.decision_id).update(end_use="civil", end_use_description="Law enforcement")
    report(destination="DE", origin="BE", value="376000.00", registration=report.registration("NL008"), movement="transit")
    page = logged_in(officer).get("/reports/2024/").content.decode()
    assert "9,080,000.00" in page  # table 3: the value of the denial
    assert "Law enforcement" in page  # table 5: the end use
    assert "NL008 — transit, by country of origin" in page and "Belgium" in page  # table 14
    assert "NL009 — export" in page and "NL009 — transit" in page  # tables 14 (NL009) and 15
    assert "format=csv&amp;sheet=table_14_nl009" in page and "Table 14 (NL009)" in page


def test_the_report_page_takes_as_many_queries_with_many_licences_as_with_few(officer, issue, deny, report):
    client = logged_in(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/reports/2024/").status_code == 200
        return len(captured)

    def a_batch(n: int):
        registration = report.registration(f"NL00{3 + n % 7}")
        issue(f"ML-{n}", destinations=["DE", "US"][n % 2 :], lines=[("ML6", "10.00"), ("ML10", "5.00")])
        issue(f"AT-{n}", goods_kind="anti_torture", lines=[("ANNEX_IV", "7.00")], destinations=["GB"])
        issue(f"DU-{n}", goods_kind="dual_use", kind="global", lines=[("3B001", "9.00")], destinations=["KR", "TW"])
        deny(f"DN-{n}", goods_kind="dual_use", destination="CN", value_eur="3.00")
        report(destination="DE", origin="BE", value="1.00", registration=registration, movement="transit" if n % 7 in (4, 5) else "export")

    a_batch(0)
    client.get("/reports/2024/")  # fill the reference caches
    few = queries()
    for n in range(1, 7):
        a_batch(n)
    assert queries() == few
