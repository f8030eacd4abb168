"""Tables 4 and 9-15 read reported usage (realisaties): licences.UsageReport, when it is installed."""
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from licensing.licences.models import Decision
from licensing.reporting import tables, usage

pytestmark = pytest.mark.django_db

YEAR = tables.Period(2024)

needs_usage = pytest.mark.skipif(
    not any(m.__name__ == "UsageReport" for m in apps.get_app_config("licences").get_models()), reason="licences.UsageReport is not installed"
)


@pytest.fixture
def report(exporter_a):
    UsageReport = apps.get_model("licences", "UsageReport")
    Registration = apps.get_model("licences", "Registration")

    def registration(code: str):
        decision = Decision.objects.create(
            reference=f"REG-{code}", outcome="issued", decided_on=date(2023, 1, 2), goods_kind="military" if code.startswith("NL") and code != "NL900" else "dual_use",
            licence_kind="general", movement="export",
        )
        return Registration.objects.create(number=f"{code}-1", general_licence_id=code, organisation=exporter_a.organisation, decision=decision, registered_on=decision.decided_on)

    def make(*, destination: str, value: str, exported_on=date(2024, 5, 1), registration=None, licence=None):
        return UsageReport.objects.create(
            organisation=exporter_a.organisation, reported_by=exporter_a, registration=registration, licence=licence, exported_on=exported_on,
            destination_id=destination, control_entry="ML6", quantity=Decimal(1), value_eur=Decimal(value), recipient="Bundeswehr",
        )

    make.registration = registration
    return make


@needs_usage
def test_general_licence_usage_by_destination(report):
    nl003 = report.registration("NL003")
    report(destination="DE", value="100.00", registration=nl003)
    report(destination="DE", value="50.00", registration=nl003)
    report(destination="FR", value="70.00", registration=nl003)
    report(destination="FR", value="999.00", registration=nl003, exported_on=date(2023, 12, 31))
    table = usage.general_licence_usage(YEAR, general_licence="NL003")
    assert table.available and table.title == "table_9"
    assert [(r.country, r.value_eur) for r in table.rows] == [("DE", Decimal("150.00")), ("FR", Decimal("70.00"))]
    assert usage.general_licence_usage(YEAR, general_licence="NL004").rows == []


@needs_usage
def test_dual_use_top_destinations_include_general_licences(report, issue):
    licence = issue("DU-1", goods_kind="dual_use", lines=[("3B001", "1000.00")], destinations=["KR"])
    eu001 = report.registration("EU001")
    report(destination="KR", value="400.00", licence=licence)
    report(destination="US", value="300.00", registration=eu001)
    report(destination="NO", value="900.00", registration=report.registration("NL003"))  # military: not in table 4
    table = usage.dual_use_top_destinations(YEAR)
    assert [(r.country, r.value_eur) for r in table.rows] == [("KR", Decimal("400.00")), ("US", Decimal("300.00"))]


def test_without_usage_reports_the_tables_say_so(monkeypatch):
    monkeypatch.setattr(usage, "_usage_model", lambda: None)
    table = usage.dual_use_top_destinations(YEAR)
    assert not table.available and table.rows == [] and "UsageReport" in table.missing[0]
