"""Usage (realisation) reports: limits, all-or-nothing batches, duplicates, files, and ownership."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.licences.models import LicenceLine, LicenceStatus, UsageReport

from .conftest import row

pytestmark = pytest.mark.django_db
COLUMNS = "licence,exported_on,destination,control_entry,quantity,value_eur,recipient,serial_numbers,lot_numbers\n"


def csv_file(rows, name="usage.csv"):
    body = COLUMNS + "".join(",".join(str(r[c]) for c in COLUMNS.strip().split(",")) + "\n" for r in rows)
    return SimpleUploadedFile(name, body.encode(), content_type="text/csv")


def test_usage_is_decremented_and_exceeding_is_refused(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    client = api_as(exporter_a)
    assert client.post("/api/v1/usage-reports/", [row(licence), row(licence, quantity="2", value_eur="60000")], format="json").status_code == 201
    line = LicenceLine.objects.get(licence=licence, control_entry="ML5")
    assert (line.used_quantity, line.used_value_eur) == (3, 90000)
    too_much = client.post("/api/v1/usage-reports/", [row(licence, quantity="2", value_eur="20000")], format="json")
    assert too_much.status_code == 400
    assert "would reach 5.000 of 4.000 authorised" in " ".join(too_much.json()["fields"]["rows"])
    assert UsageReport.objects.count() == 2


def test_licence_is_marked_exhausted_when_used_up(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    rows = [row(licence, quantity="4", value_eur="120000"), row(licence, control_entry="ML6", quantity="16", value_eur="48000", recipient="Army")]
    assert api_as(exporter_a).post("/api/v1/usage-reports/", rows, format="json").status_code == 201
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXHAUSTED


def test_bad_rows_save_nothing_and_are_listed_row_by_row(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    rows = [
        row(licence),
        row(licence, destination="RU"),
        row(licence, control_entry="ML9"),
        row(licence, exported_on="2020-13-01", quantity="-1", value_eur="abc"),
        row(licence, licence="NL-0000-000000-V"),
    ]
    response = api_as(exporter_a).post("/api/v1/usage-reports/", rows, format="json")
    assert response.status_code == 400
    errors = response.json()["fields"]["rows"]
    assert any(e.startswith("row 2: destination: RU is not a destination") for e in errors)
    assert any(e.startswith("row 3: control_entry: ML9 is not on licence") for e in errors)
    assert {"row 4: exported_on: '2020-13-01' is not a date (YYYY-MM-DD)", "row 4: quantity: must be greater than zero", "row 4: value_eur: 'abc' is not a number (use '.' as the decimal separator)"} <= set(errors)
    assert "row 5: licence: you hold no licence or registration 'NL-0000-000000-V'" in errors
    assert UsageReport.objects.count() == 0


def test_the_same_list_sent_twice_counts_once_and_idempotency_key_makes_retries_safe(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    client = api_as(exporter_a)
    assert client.post("/api/v1/usage-reports/", [row(licence)], format="json").status_code == 201
    again = client.post("/api/v1/usage-reports/", [row(licence)], format="json")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    keyed = client.post("/api/v1/usage-reports/", [row(licence)], format="json", HTTP_IDEMPOTENCY_KEY="shipment-42")
    retried = client.post("/api/v1/usage-reports/", [row(licence)], format="json", HTTP_IDEMPOTENCY_KEY="shipment-42")
    assert keyed.status_code == 201 and retried.json() == {**keyed.json(), "created": 0, "duplicate": True}
    assert UsageReport.objects.count() == 2


def test_csv_and_xlsx_uploads_and_their_failure_modes(api_as, exporter_a, issued):
    from openpyxl import Workbook

    licence = issued(exporter_a)
    client = api_as(exporter_a)
    upload = lambda f: client.post("/api/v1/usage-reports/upload/", {"file": f}, format="multipart")  # noqa: E731
    assert upload(csv_file([row(licence)])).status_code == 201
    assert upload(csv_file([row(licence)])).json()["duplicate"] is True  # the same file again

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS.strip().split(","))
    sheet.append(list(row(licence, quantity="2", value_eur="50000").values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(SimpleUploadedFile("usage.xlsx", buffer.getvalue())).status_code == 201
    assert UsageReport.objects.count() == 2

    not_tabular = upload(SimpleUploadedFile("usage.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary"))
    assert not_tabular.status_code == 400 and not_tabular.json()["code"] == "bad_file"
    no_header = upload(SimpleUploadedFile("usage.csv", b"a,b,c\n1,2,3\n"))
    assert no_header.status_code == 400 and "Missing columns" in no_header.json()["fields"]["file"][0]
    bad_rows = upload(csv_file([row(licence, destination="ZZ"), row(licence)], "other.csv"))
    assert bad_rows.status_code == 400 and bad_rows.json()["fields"]["rows"] == ["row 2: destination: unknown country code 'ZZ'"]
    assert UsageReport.objects.count() == 2


def test_huge_file_is_refused_before_reading(api_as, exporter_a, issued, monkeypatch):
    from licensing.licences import usage

    licence = issued(exporter_a)
    monkeypatch.setattr(usage, "MAX_FILE_BYTES", 1000)
    response = api_as(exporter_a).post("/api/v1/usage-reports/upload/", {"file": csv_file([row(licence)] * 20)}, format="multipart")
    assert response.status_code == 400 and "At most" in response.json()["fields"]["file"][0]


def test_too_many_rows_are_refused(api_as, exporter_a, issued, monkeypatch):
    from licensing.licences import usage

    licence = issued(exporter_a)
    monkeypatch.setattr(usage, "MAX_ROWS", 3)
    response = api_as(exporter_a).post("/api/v1/usage-reports/upload/", {"file": csv_file([row(licence, quantity="0.1", value_eur="1")] * 5)}, format="multipart")
    assert response.status_code == 400 and "more than 3 rows" in " ".join(response.json()["fields"]["rows"])
    assert UsageReport.objects.count() == 0


def test_one_exporter_can_never_report_against_anothers_licence(api_as, exporter_a, exporter_b, issued):
    licence = issued(exporter_a)
    response = api_as(exporter_b).post("/api/v1/usage-reports/", [row(licence)], format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["rows"] == [f"row 1: licence: you hold no licence or registration '{licence.number}'"]
    assert api_as(exporter_b).get(f"/api/v1/licences/{licence.pk}/").status_code == 404
    assert api_as(exporter_b).get("/api/v1/usage-reports/").json()["count"] == 0
    assert UsageReport.objects.count() == 0


def test_officials_cannot_report_usage(api_as, officer, exporter_a, issued):
    licence = issued(exporter_a)
    assert api_as(officer).post("/api/v1/usage-reports/", [row(licence)], format="json").status_code == 403
    assert api_as(officer).get("/api/v1/usage-reports/").status_code == 200


# --- movement and origin: tables 13-15 tell transit from export, and table 14 lists NL008 transit by origin ------
def test_movement_and_origin_are_recorded_and_listed(api_as, exporter_a, registered):
    nl008, nl009 = registered(exporter_a, "NL008"), registered(exporter_a, "NL009")
    client = api_as(exporter_a)
    rows = [
        row(nl008, destination="DE", control_entry="ML6", origin="be"),  # transit is NL008's only movement
        row(nl009, destination="AU", control_entry="ML10"),  # NL009 covers several: export unless stated
        row(nl009, destination="AU", control_entry="ML10", movement="transit", origin="US"),
    ]
    assert client.post("/api/v1/usage-reports/", rows, format="json").status_code == 201
    listed = client.get("/api/v1/usage-reports/").json()["results"]
    assert sorted((r["licence"][:5], r["movement"], r["origin"]) for r in listed) == [("NL008", "transit", "BE"), ("NL009", "export", None), ("NL009", "transit", "US")]


def test_a_licence_row_takes_the_licences_movement(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    assert api_as(exporter_a).post("/api/v1/usage-reports/", [row(licence)], format="json").status_code == 201
    assert UsageReport.objects.get().movement == "export" and UsageReport.objects.get().origin_id is None


def test_a_wrong_movement_or_origin_is_a_row_error_and_saves_nothing(api_as, exporter_a, issued, registered):
    licence, nl008 = issued(exporter_a), registered(exporter_a, "NL008")
    rows = [
        row(licence, movement="import"),
        row(licence, movement="transit"),
        row(nl008, destination="DE", control_entry="ML6", movement="export"),
        row(nl008, destination="DE", control_entry="ML6", origin="QQ"),
        row(licence, origin="US"),
        row(nl008, destination="DE", control_entry="ML6", origin="BE"),  # good, but the batch is all or nothing
    ]
    response = api_as(exporter_a).post("/api/v1/usage-reports/", rows, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["rows"] == [
        "row 1: movement: 'import' is not one of export, transfer, transit",
        f"row 2: movement: licence {licence.number} is for export, not transit",
        "row 3: movement: NL008 covers transit, not export",
        "row 4: origin: unknown country code 'QQ'",
        "row 5: origin: only goods in transit have a country of origin; leave it empty for export",
    ]
    assert UsageReport.objects.count() == 0


def test_files_without_the_movement_and_origin_columns_still_work_and_files_with_them_are_read(api_as, exporter_a, registered):
    nl009 = registered(exporter_a, "NL009")
    client = api_as(exporter_a)
    upload = lambda f: client.post("/api/v1/usage-reports/upload/", {"file": f}, format="multipart")  # noqa: E731
    old = row(nl009, destination="AU", control_entry="ML10")
    assert upload(csv_file([old])).status_code == 201  # the nine columns of before
    header = COLUMNS.strip() + ",movement,origin\n"
    new = row(nl009, destination="AU", control_entry="ML10", value_eur="1.00", movement="transit", origin="US")
    body = header + ",".join(str(new[c]) for c in header.strip().split(",")) + "\n"
    assert upload(SimpleUploadedFile("usage2.csv", body.encode())).status_code == 201
    assert sorted(UsageReport.objects.values_list("movement", "origin_id")) == [("export", None), ("transit", "US")]
    bad = body.replace(",transit,US", ",doorvoer,US").replace(",1.00,", ",2.00,")
    response = upload(SimpleUploadedFile("usage3.csv", bad.encode()))
    assert response.json()["fields"]["rows"] == ["row 2: movement: 'doorvoer' is not one of export, transfer, transit"]


# --- the general licence must cover the destination on the export date (licensing.reference.general_licences) ---
def test_a_registration_row_outside_its_general_licences_cover_is_recorded_and_flagged_with_the_reason(api_as, exporter_a, registered):
    """NL900's destinations are not in the reference data, so no row under it lies within its terms (it used to take
    every country not under an arms embargo, while routing never offered it); an embargoed destination and a day before
    a licence's first day are outside them too, each with its reason. Issue 19.6: such rows are recorded as reported
    and flagged for the office's compliance follow-up, not refused (seed 002 footnote 45)."""
    from datetime import date

    nl900, nl008 = registered(exporter_a, "NL900"), registered(exporter_a, "NL008")
    for registration in (nl900, nl008):
        registration.registered_on = date(2012, 1, 1)
        registration.save(update_fields=["registered_on"])
    rows = [
        row(nl900, destination="US", control_entry="3B001", exported_on="2025-02-03"),
        row(nl008, destination="DE", control_entry="ML6", origin="BE", exported_on="2012-06-30"),
        row(nl008, destination="BY", control_entry="ML6", origin="BE"),
    ]
    response = api_as(exporter_a).post("/api/v1/usage-reports/", rows, format="json")
    assert response.status_code == 201, response.json()
    flagged = response.json()["flagged"]
    assert flagged[0].startswith("row 1: The destinations of NL900 are not recorded in the reference data")
    assert flagged[1:] == ["row 2: NL008 was not in force on 2012-06-30.", "row 3: BY is under an arms embargo; NL008 cannot be used."]
    assert UsageReport.objects.exclude(outside_terms="").count() == 3


def test_the_serial_search_finds_the_licence_shipment_and_recipient_of_reported_numbers(api_as, exporter_a, officer, issued):
    """
    Seed 001 (track and trace): "Door serie- en lotnummers zijn teruggevonden goederen en componenten al voor een
    deel herleidbaar. Op basis daarvan kan bijvoorbeeld worden vastgesteld via welke distributeurs de componenten zijn
    doorverkocht." Issue 19.9: usage reports store the numbers, the serial search did not index them; it
    answers which licence, which shipment, which recipient.
    """
    licence = issued(exporter_a)
    client = api_as(exporter_a)
    shipment = row(licence, serial_numbers="SN-771; sn 772", lot_numbers="LOT-2024-A", recipient="Kongsberg Distribution AS", exported_on="2025-01-15")
    shipment["exported_on"] = row(licence)["exported_on"]
    assert client.post("/api/v1/usage-reports/", [shipment, row(licence, serial_numbers="", lot_numbers="")], format="json").status_code == 201
    office = api_as(officer)
    body = office.get("/api/v1/office/serials/", {"q": "SN772"}).json()
    [found] = body["shipments"]
    report = UsageReport.objects.get(recipient="Kongsberg Distribution AS")
    assert (found["report_id"], found["licence_number"], found["recipient"], found["destination"], found["kind"]) == (
        report.pk, licence.number, "Kongsberg Distribution AS", "NO", "serial"
    )
    assert found["holder"] == exporter_a.organisation.name and found["exported_on"] == report.exported_on.isoformat()
    assert [s["kind"] for s in office.get("/api/v1/office/serials/", {"q": "lot 2024 a"}).json()["shipments"]] == ["lot"]
    assert api_as(exporter_a).get("/api/v1/office/serials/", {"q": "SN772"}).status_code == 403


def test_the_shipment_search_takes_one_query(api_as, exporter_a, issued, django_assert_max_num_queries):
    from licensing.licences.selectors import shipments_by_serial

    licence = issued(exporter_a)
    reports = [row(licence, serial_numbers=f"SN-{i}", value_eur="10", quantity="0.001") for i in range(5)] + [row(licence, serial_numbers="SN-X", value_eur="10", quantity="0.001")] * 3
    assert api_as(exporter_a).post("/api/v1/usage-reports/", reports, format="json").status_code == 201
    with django_assert_max_num_queries(1):
        assert len(shipments_by_serial("SN-X")) == 3
