"""Tables 4 and 9-15 read reported usage (realisaties): by destination, by origin (NL008), export apart from transit."""
from datetime import date
from decimal import Decimal

import pytest

from licensing.licences.models import UsageReport
from licensing.reporting import tables, usage

pytestmark = pytest.mark.django_db

YEAR = tables.Period(2024)


def test_general_licence_usage_by_destination_with_its_ml_categories(report):
    nl003 = report.registration("NL003")
    report(destination="DE", value="100.00", registration=nl003)
    report(destination="DE", value="50.00", registration=nl003, entry="ML10")
    report(destination="FR", value="70.00", registration=nl003)
    report(destination="FR", value="999.00", registration=nl003, exported_on=date(2023, 12, 31))  # another year
    table = usage.general_licence_usage(YEAR, table="NL003")
    assert table.title == "table_9" and table.by == "destination"
    assert [(r.country, r.value_eur, r.categories) for r in table.rows] == [("DE", Decimal("150.00"), ["ML6", "ML10"]), ("FR", Decimal("70.00"), ["ML6"])]
    assert table.total_eur == Decimal("220.00")
    assert usage.general_licence_usage(YEAR, table="NL004").rows == []


def test_nl008_transit_is_listed_by_country_of_origin(report):
    nl008 = report.registration("NL008")
    report(destination="DE", origin="BE", value="376000.00", registration=nl008, movement="transit")
    report(destination="US", origin="BE", value="24000.00", registration=nl008, movement="transit")
    report(destination="US", origin="BG", value="10.00", registration=nl008, movement="transit")
    table = usage.general_licence_usage(YEAR, table="NL008")
    assert table.title == "table_14" and table.by == "origin"
    assert [(r.country, r.value_eur) for r in table.rows] == [("BE", Decimal("400000.00")), ("BG", Decimal("10.00"))]
    assert table.missing == []


def test_transit_reported_without_origin_is_shown_apart_and_named_missing(report):
    nl008 = report.registration("NL008")
    report(destination="DE", origin="BE", value="5.00", registration=nl008, movement="transit")
    report(destination="DE", value="7.00", registration=nl008, movement="transit")
    table = usage.general_licence_usage(YEAR, table="NL008")
    assert [(r.country, r.value_eur) for r in table.rows] == [(None, Decimal("7.00")), ("BE", Decimal("5.00"))]
    assert table.missing and "origin" in table.missing[0]


def test_nl009_export_and_transit_are_two_tables(report):
    nl009 = report.registration("NL009")
    report(destination="AU", value="774000.00", registration=nl009, movement="export", entry="ML10")
    report(destination="IT", value="1000.00", registration=nl009, movement="transfer", entry="ML10")
    report(destination="AU", value="238000.00", registration=nl009, movement="transit", origin="US", entry="ML10")
    export, transit = usage.general_licence_usage(YEAR, table="NL009"), usage.general_licence_usage(YEAR, table="NL009_transit")
    assert (export.title, transit.title) == ("table_14_nl009", "table_15")
    assert [(r.country, r.value_eur) for r in export.rows] == [("AU", Decimal("774000.00")), ("IT", Decimal("1000.00"))]
    assert [(r.country, r.value_eur) for r in transit.rows] == [("AU", Decimal("238000.00"))]
    assert export.total_eur + transit.total_eur == sum(r.value_eur for r in UsageReport.objects.all())


def test_nl007_counts_transit_by_destination(report):
    nl007 = report.registration("NL007")
    report(destination="BR", origin="US", value="6500000.00", registration=nl007, movement="transit")
    table = usage.general_licence_usage(YEAR, table="NL007")
    assert table.title == "table_13" and [(r.country, r.value_eur) for r in table.rows] == [("BR", Decimal("6500000.00"))]


def test_every_general_licence_table_is_one_query(report, django_assert_num_queries):
    nl009 = report.registration("NL009")
    for i in range(5):
        report(destination="AU", value=f"{i + 1}.00", registration=nl009, movement=("export", "transit")[i % 2])
    with django_assert_num_queries(len(usage.GENERAL_LICENCE_TABLES)):
        usage.general_licence_tables(YEAR)


def test_dual_use_top_destinations_include_general_licences(report, issue):
    licence = issue("DU-1", goods_kind="dual_use", lines=[("3B001", "1000.00")], destinations=["KR"])
    eu001 = report.registration("EU001")
    report(destination="KR", value="400.00", licence=licence, entry="3B001")
    report(destination="US", value="300.00", registration=eu001, entry="3B001")
    report(destination="NO", value="900.00", registration=report.registration("NL003"))  # military: not in table 4
    table = usage.dual_use_top_destinations(YEAR)
    assert [(r.country, r.value_eur) for r in table.rows] == [("KR", Decimal("400.00")), ("US", Decimal("300.00"))]


def test_top_destinations_stop_at_the_limit(report):
    eu001 = report.registration("EU001")
    for i, country in enumerate(["US", "KR", "TW", "GB", "CH"]):
        report(destination=country, value=f"{100 - i}.00", registration=eu001, entry="3B001")
    assert [r.country for r in usage.dual_use_top_destinations(YEAR, limit=3).rows] == ["US", "KR", "TW"]
