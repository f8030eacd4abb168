"""The holder reports usage on the web, one by one and by file; a double submit counts once."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licensing.licences.models import UsageReport
from tests.factories import logged_in
from tests.licences.conftest import issued, registered  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



def test_one_by_one_entry_and_a_double_submit_counts_once(exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    client = logged_in(exporter_a)
    assert licence.number in client.get("/licences/").content.decode()
    form = {"exported_on": timezone.localdate().isoformat(), "destination": "NO", "control_entry": "ML5", "quantity": "1", "value_eur": "1000", "recipient": "Navy", "token": "abc123"}
    client.post(f"/licences/{licence.number}/usage/", form)
    page = client.post(f"/licences/{licence.number}/usage/", form, follow=True).content.decode()
    assert "already recorded" in page
    assert UsageReport.objects.count() == 1
    refused = client.post(f"/licences/{licence.number}/usage/", form | {"token": "other", "destination": "SE"}, follow=True).content.decode()
    assert "SE is not a destination" in refused


def test_file_upload_page_lists_the_rows_that_are_wrong(exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    body = "licence,exported_on,destination,control_entry,quantity,value_eur,recipient\n" + f"{licence.number},{timezone.localdate()},ZZ,ML5,1,10,Navy\n"
    page = logged_in(exporter_a).post("/licences/upload/", {"file": SimpleUploadedFile("u.csv", body.encode())}, follow=True).content.decode()
    assert "row 2: destination: unknown country code" in page and UsageReport.objects.count() == 0


def test_another_exporter_gets_404_on_the_licence_page(exporter_a, exporter_b, issued):  # noqa: F811
    licence = issued(exporter_a)
    client = logged_in(exporter_b)
    assert client.get(f"/licences/{licence.number}/").status_code == 404
    assert client.post(f"/licences/{licence.number}/usage/", {}).status_code == 404
    assert client.post(f"/licences/{licence.number}/surrender/").status_code == 404


def test_one_by_one_entry_records_transit_with_its_origin_under_nl009(exporter_a, registered):  # noqa: F811
    registration = registered(exporter_a, "NL009")
    client = logged_in(exporter_a)
    form = {"exported_on": timezone.localdate().isoformat(), "destination": "AU", "control_entry": "ML10", "quantity": "1", "value_eur": "1000", "recipient": "RAAF"}
    client.post(f"/licences/{registration.number}/usage/", form | {"token": "t1"})
    page = client.post(f"/licences/{registration.number}/usage/", form | {"token": "t2", "movement": "transit", "origin": "US"}, follow=True).content.decode()
    assert sorted(UsageReport.objects.values_list("movement", "origin_id")) == [("export", None), ("transit", "US")]
    assert "Transit (through the Netherlands)" in page and "<td>US</td>" in page


def test_the_holder_declares_a_half_year_complete_on_the_licence_page(exporter_a, issued):  # noqa: F811
    from licensing.licences.models import PeriodDeclaration
    from licensing.web.licences import ended_periods

    licence = issued(exporter_a)
    client = logged_in(exporter_a)
    last = ended_periods(timezone.localdate())[0]
    page = client.get(f"/licences/{licence.number}/").content.decode()
    assert 'action="/licences/%s/declare/"' % licence.number in page and f'value="{last.isoformat()}"' in page
    client.post(f"/licences/{licence.number}/declare/", {"period_start": last.isoformat(), "nothing_to_report": "on"})
    declaration = PeriodDeclaration.objects.get(licence=licence)
    assert declaration.period_start == last and declaration.nothing_to_report
    page = client.get(f"/licences/{licence.number}/").content.decode()
    assert f'value="{last.isoformat()}"' not in page  # declared periods are no longer offered
    # A period that has not ended, or a made-up one, is refused by the form; nothing more is recorded.
    client.post(f"/licences/{licence.number}/declare/", {"period_start": "2099-01-01"})
    assert PeriodDeclaration.objects.count() == 1


def test_ended_periods_are_the_half_years_before_today():
    from datetime import date

    from licensing.web.licences import ended_periods

    assert ended_periods(date(2026, 12, 4), 3) == [date(2026, 1, 1), date(2025, 7, 1), date(2025, 1, 1)]
    assert ended_periods(date(2026, 7, 1), 2) == [date(2026, 1, 1), date(2025, 7, 1)]


def test_the_export_date_is_typed_as_the_dutch_page_writes_it(exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    client = logged_in(exporter_a, "nl")
    today = timezone.localdate()
    page = client.get(f"/licences/{licence.number}/").content.decode()
    assert 'name="exported_on"' in page and 'type="date"' not in page
    form = {"exported_on": f"{today.day}-{today.month}-{today.year}", "destination": "NO", "control_entry": "ML5", "quantity": "1", "value_eur": "1.000", "recipient": "Navy", "token": "nl-date"}
    client.post(f"/licences/{licence.number}/usage/", form)
    assert UsageReport.objects.get().exported_on == today
