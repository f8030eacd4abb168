"""Three-way reconciliation: what a licence authorises, what Customs wrote off and what the holder reported, per line
and half-year; mismatches become flags on the licence and the office's compliance list."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.audit.models import Event
from licensing.customs import reconciliation
from licensing.customs.models import CustomsWriteOff, MismatchKind, ReconciliationFlag, Resolution
from licensing.customs.tasks import reconcile
from licensing.licences.models import LicenceLine, UsageReport

from .conftest import mrn, write_off_body


@pytest.fixture
def lines(licence):
    """Line 1: radar modules by the piece (ML5, 4 pcs); line 2: cable by value only (ML11, EUR 10,000)."""
    LicenceLine.objects.filter(licence=licence, position=1).update(control_entry="ML11", quantity=None, unit="")
    return list(licence.lines.order_by("position"))


def report(licence, exporter, *, on: date, entry="ML5", quantity="1", value="30000.00", destination="NO") -> UsageReport:
    return UsageReport.objects.create(
        organisation=licence.holder, licence=licence, reported_by=exporter, exported_on=on, destination_id=destination, control_entry=entry,
        quantity=Decimal(quantity), value_eur=Decimal(value), recipient="Norwegian Armed Forces",
    )


def written_off(licence, customs, *, serial: int, on: date, line: int = 1, quantity="1", value="30000.00", destination="NO") -> CustomsWriteOff:
    """A write-off as the border recorded it (made directly, so that its date may lie in a closed period)."""
    target = licence.lines.order_by("position")[line - 1]
    return CustomsWriteOff.objects.create(
        declaration=mrn(serial), licence=licence, line=target, line_number=line, quantity=Decimal(quantity), value_eur=Decimal(value), destination_id=destination,
        exported_on=on, created_by=customs,
    )


def kinds(result) -> set[tuple]:
    return {(m.kind, m.line_number) for m in result.mismatches}


def test_the_api_shows_the_three_sources_per_line_and_period(api_as, officer, customs, exporter_a, licence, lines):
    today = timezone.localdate()
    api = api_as(customs)
    assert api.post("/api/v1/customs/write-offs/", write_off_body(licence, mrn(1), quantity="2", value_eur="60000.00"), format="json").status_code == 201
    report(licence, exporter_a, on=today, quantity="2", value="60000.00")
    report(licence, exporter_a, on=today, entry="ML11", quantity="10", value="500.00")

    response = api_as(officer).get(f"/api/v1/office/licences/{licence.pk}/reconciliation/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["licence"], body["kind"]) == (licence.number, "licence")
    first, second = body["lines"]
    assert (first["line"], first["compared_in"], first["authorised"], first["customs"], first["reported"]) == (
        1, "quantity", {"quantity": "4.000", "value_eur": "120000.00"}, {"quantity": "2.000", "value_eur": "60000.00"}, {"quantity": "2.000", "value_eur": "60000.00"},
    )
    start = date(today.year, 1 if today.month <= 6 else 7, 1)
    assert [(p["period_start"], p["customs"]["quantity"], p["reported"]["quantity"]) for p in first["periods"]] == [(start.isoformat(), "2.000", "2.000")]
    assert (second["line"], second["compared_in"], second["customs"]["value_eur"], second["reported"]["value_eur"]) == (2, "value_eur", "0.00", "500.00")
    # The cable was reported but never declared; the modules agree.
    assert [(m["kind"], m["line"]) for m in body["mismatches"]] == [("reported_not_declared", 2)]
    assert body["mismatches"][0]["figures"] == {"unit": "EUR", "customs": "0.00", "reported": "500.00"}


def test_declared_but_not_reported_is_a_mismatch_once_the_periods_report_was_due(customs, licence, lines):
    on = timezone.localdate()
    written_off(licence, customs, serial=1, on=on)

    assert kinds(reconciliation.reconciliation_of(licence, today=on)) == set()  # the period is not over: nothing yet
    end = date(on.year, 6, 30) if on.month <= 6 else date(on.year, 12, 31)
    assert kinds(reconciliation.reconciliation_of(licence, today=end + timedelta(days=30))) == set()  # the report is not due yet
    late = reconciliation.reconciliation_of(licence, today=end + timedelta(days=90))
    assert kinds(late) == {(MismatchKind.DECLARED_NOT_REPORTED, 1)}
    assert late.mismatches[0].figures == {"unit": "pcs", "customs": "1.000", "reported": "0.000"}


def test_the_periods_are_compared_each_on_its_own(customs, exporter_a, licence, lines):
    # Declared in one half-year, reported in the next: both periods mismatch, though the totals agree.
    licence.valid_from = date(2025, 1, 1)
    licence.save()
    written_off(licence, customs, serial=1, on=date(2025, 6, 30))
    report(licence, exporter_a, on=date(2025, 7, 1))

    found = reconciliation.reconciliation_of(licence, today=date(2026, 3, 1)).mismatches

    assert {(m.kind, m.period_start) for m in found} == {
        (MismatchKind.DECLARED_NOT_REPORTED, date(2025, 1, 1)), (MismatchKind.REPORTED_NOT_DECLARED, date(2025, 7, 1)),
    }


def test_over_the_authorisation_and_outside_the_terms(customs, exporter_a, licence, lines):
    today = timezone.localdate()
    report(licence, exporter_a, on=today, quantity="5", value="150000.00")  # 5 of 4 modules
    report(licence, exporter_a, on=today, quantity="1", value="1.00", destination="CN")  # not a destination
    report(licence, exporter_a, on=today, entry="ML22", quantity="1", value="10.00")  # goods not on the licence
    written_off(licence, customs, serial=1, on=licence.valid_to + timedelta(days=1), line=2, quantity="0", value="100.00")  # after the validity

    found = {(m.kind, m.figures.get("source"), m.figures.get("reason")) for m in reconciliation.reconciliation_of(licence).mismatches}

    assert (MismatchKind.OVER_AUTHORISATION, "reported", None) in found
    assert {(MismatchKind.OUTSIDE_TERMS, "reported", "destination"), (MismatchKind.OUTSIDE_TERMS, "reported", "not_on_licence"), (MismatchKind.OUTSIDE_TERMS, "customs", "after_validity")} <= found


def test_mismatches_become_flags_that_clear_when_no_longer_found_and_an_explained_one_stays_closed(api_as, officer, customs, exporter_a, licence, lines):
    today = timezone.localdate()
    extra = report(licence, exporter_a, on=today)  # reported, never declared
    report(licence, exporter_a, on=today, entry="ML11", quantity="1", value="10.00")  # reported, never declared (line 2)

    assert reconciliation.flags_sync(licence) == reconciliation.SyncResult(raised=2, cleared=0)
    assert reconciliation.flags_sync(licence) == reconciliation.SyncResult(raised=0, cleared=0)  # idempotent
    flags = {f.line_number: f for f in ReconciliationFlag.objects.filter(licence=licence, resolved_at__isnull=True)}
    assert set(flags) == {1, 2} and Event.objects.filter(verb="reconciliation.flags_changed", target_id=str(licence.pk)).count() == 1

    explained = api_as(officer).post(f"/api/v1/office/reconciliation/flags/{flags[2].pk}/explain/", {"note": "Declared under the previous licence."}, format="json")
    assert explained.status_code == 200 and explained.json()["resolution"] == "explained"
    assert api_as(officer).post(f"/api/v1/office/reconciliation/flags/{flags[2].pk}/explain/", {"note": "again"}, format="json").status_code == 409
    written_off(licence, customs, serial=1, on=extra.exported_on)  # Customs' record of line 1 arrives

    assert reconciliation.flags_sync(licence) == reconciliation.SyncResult(raised=0, cleared=1)
    flags[1].refresh_from_db()
    assert flags[1].resolution == Resolution.GONE
    assert not ReconciliationFlag.objects.filter(licence=licence, resolved_at__isnull=True).exists()  # the explained one is not raised again


def test_the_compliance_list_shows_open_flags_with_the_licence_and_holder_in_constant_queries(api_as, officer, customs, exporter_a, licence, lines, django_assert_max_num_queries):
    report(licence, exporter_a, on=timezone.localdate())
    reconciliation.flags_sync(licence)
    api = api_as(officer)
    with django_assert_max_num_queries(12):
        few = api.get("/api/v1/office/reconciliation/flags/")
    for i in range(15):
        ReconciliationFlag.objects.create(licence=licence, kind=MismatchKind.OUTSIDE_TERMS, key=f"outside_terms:extra:{i}")
    with django_assert_max_num_queries(12):
        many = api.get("/api/v1/office/reconciliation/flags/")

    assert few.status_code == 200 and few.json()["count"] == 1
    row = few.json()["results"][0]
    assert (row["licence"], row["licence_kind"], row["holding_id"], row["holder"], row["kind"], row["line"]) == (
        licence.number, "licence", licence.pk, licence.holder_name, "reported_not_declared", 1,
    )
    assert many.json()["count"] == 16
    assert api.get("/api/v1/office/reconciliation/flags/", {"kind": "outside_terms"}).json()["count"] == 15


def test_a_registration_is_reconciled_in_euro_per_period(api_as, officer, customs, exporter_a, registration):
    today = timezone.localdate()
    api = api_as(customs)
    body = {"declaration": mrn(1), "licence": registration.number, "line": 1, "quantity": "2", "value_eur": "700.00", "destination": "NO", "exported_on": today.isoformat()}
    assert api.post("/api/v1/customs/write-offs/", body, format="json").status_code == 201
    UsageReport.objects.create(
        organisation=registration.organisation, registration=registration, reported_by=exporter_a, exported_on=today, destination_id="CN", control_entry="ML5",
        quantity=Decimal(2), value_eur=Decimal("900.00"), recipient="Someone",
    )

    response = api_as(officer).get(f"/api/v1/office/registrations/{registration.pk}/reconciliation/")

    assert response.status_code == 200, response.content
    body = response.json()
    (line,) = body["lines"]
    assert (body["kind"], line["authorised"], line["compared_in"], line["customs"]["value_eur"], line["reported"]["value_eur"]) == ("registration", None, "value_eur", "700.00", "900.00")
    assert {(m["kind"], m["figures"].get("reason")) for m in body["mismatches"]} == {("reported_not_declared", None), ("outside_terms", "destination")}


def test_reports_count_against_the_line_the_usage_rules_give_them(api_as, exporter_a, licence):
    # Both lines of the licence are ML5: the usage rules count a report against the last such line; so does reconciliation.
    today = timezone.localdate()
    row = {"licence": licence.number, "exported_on": today.isoformat(), "destination": "NO", "control_entry": "ML5", "quantity": "3", "value_eur": "300.00", "recipient": "Norwegian Armed Forces"}
    assert api_as(exporter_a).post("/api/v1/usage-reports/", [row], format="json").status_code == 201

    used = {line.position + 1: line.used_quantity for line in licence.lines.all()}
    reported = {line.number: line.reported.quantity for line in reconciliation.reconciliation_of(licence).lines}
    assert reported == used and reported[2] == Decimal(3)


def test_the_nightly_task_reconciles_every_licence_and_registration_with_activity(customs, exporter_a, licence, lines, registration):
    report(licence, exporter_a, on=timezone.localdate())
    UsageReport.objects.create(
        organisation=registration.organisation, registration=registration, reported_by=exporter_a, exported_on=timezone.localdate(), destination_id="NO",
        control_entry="ML5", quantity=Decimal(1), value_eur=Decimal("10.00"), recipient="Someone",
    )

    assert reconcile.delay().get() == "2 raised, 0 cleared"
    assert ReconciliationFlag.objects.filter(licence=licence).count() == 1 and ReconciliationFlag.objects.filter(registration=registration).count() == 1


def test_reconciliation_is_for_officials_and_other_ids_are_404(api_as, officer, exporter_a, customs, licence):
    assert api_as(exporter_a).get(f"/api/v1/office/licences/{licence.pk}/reconciliation/").status_code == 403
    assert api_as(customs).get(f"/api/v1/office/licences/{licence.pk}/reconciliation/").status_code == 403
    assert api_as(officer).get("/api/v1/office/licences/999999/reconciliation/").status_code == 404


def _client(user, language="en"):
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_compliance_pages_list_the_flags_show_the_three_sources_and_close_a_flag_with_an_explanation(officer, advisor, customs, exporter_a, licence, lines):
    report(licence, exporter_a, on=timezone.localdate(), entry="ML11", quantity="1", value="250.00")
    reconciliation.flags_sync(licence)
    flag = ReconciliationFlag.objects.get(licence=licence)
    officer_page = _client(officer)

    listing = officer_page.get("/office/reconciliation/").content.decode()
    detail = officer_page.get(f"/office/licences/{licence.pk}/reconciliation/").content.decode()
    dutch = _client(officer, "nl").get("/office/reconciliation/").content.decode()
    advisor_listing = _client(advisor).get("/office/reconciliation/").content.decode()

    assert licence.number in listing and "Reported but never declared" in listing and "Reported 250.00 EUR, written off by Customs 0.00 EUR." in listing
    assert "Line 2 (ML11)" in detail and "Written off by Customs" in detail and "Reported but never declared" in detail
    assert "Gerapporteerd maar nooit aangegeven" in dutch
    assert licence.number in advisor_listing and "Close with explanation" not in advisor_listing  # the ministry reads, the office explains
    assert _client(advisor).post(f"/office/reconciliation/flags/{flag.pk}/explain/", {"note": "x"}).status_code == 403

    closed = officer_page.post(f"/office/reconciliation/flags/{flag.pk}/explain/", {"note": "Shipped under NL003."}, follow=True)

    assert "The flag is closed with your explanation." in closed.content.decode()
    flag.refresh_from_db()
    assert (flag.resolution, flag.resolved_by, flag.resolution_note) == (Resolution.EXPLAINED, officer, "Shipped under NL003.")
