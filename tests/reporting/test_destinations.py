"""
Where a licence's value lands: its destination's table-2 region, or a collective row of table 8 for a licence
with several destinations (seed 002 line 2628: "EU/NAVO+", "EUROPESE UNIE", "DIVERSE").
"""
from decimal import Decimal

import pytest

from licensing.reporting import tables
from tests.reference.test_regions import TABLE_8

pytestmark = pytest.mark.django_db

YEAR = tables.Period(2024)


def rows_with_value(table) -> dict[str, Decimal]:
    return {r.region: r.value_eur for r in table.by_region if r.value_eur}


@pytest.mark.parametrize("name,code,region,_total", TABLE_8, ids=[row[0] for row in TABLE_8])
def test_a_licence_to_each_destination_of_the_2024_report_lands_in_its_region(issue, name, code, region, _total):
    issue(f"NL-{code}", destinations=[code], lines=[("ML6", "1000.00")])
    table = tables.military_table(YEAR)
    assert rows_with_value(table) == {region: Decimal("1000.00")}
    assert [(r.country, r.value_eur) for r in table.by_country] == [(code, Decimal("1000.00"))]


def test_every_region_is_listed_in_the_reports_order_even_when_empty():
    assert [r.region for r in tables.military_table(YEAR).by_region] == list(tables.REGIONS)


@pytest.mark.parametrize(
    "destinations,row,region",
    [
        (["BE", "DE", "FR"], "EU", "eu_nato_plus"),  # every destination an EU member state: "EUROPESE UNIE"
        (["DE", "NO", "US"], "EU_NATO_PLUS", "eu_nato_plus"),  # EU and NATO: "EU/NAVO+"
        (["DE", "AU", "JP", "NZ", "CH"], "EU_NATO_PLUS", "eu_nato_plus"),  # NATO+ counts with them
        (["US", "TR"], "EU_NATO_PLUS", "eu_nato_plus"),
        (["DE", "SA"], "VARIOUS", "global"),  # one destination outside: "DIVERSE"
        (["IN", "SG"], "VARIOUS", "global"),
    ],
)
def test_a_licence_with_several_destinations_goes_to_a_collective_row(issue, destinations, row, region):
    issue("NL-GLOBAL", kind="global", destinations=destinations, lines=[("ML10", "500.00"), ("ML22", "250.00")])
    table = tables.military_table(YEAR)
    assert [(r.country, r.value_eur, r.categories) for r in table.by_country] == [
        (row, Decimal("750.00"), {"ML10": Decimal("500.00"), "ML22": Decimal("250.00")})
    ]
    assert rows_with_value(table) == {region: Decimal("750.00")}


def test_a_licence_without_destinations_counts_as_various(issue):
    issue("NL-NONE", destinations=[], lines=[("ML6", "5.00")])
    assert [r.country for r in tables.military_table(YEAR).by_country] == ["VARIOUS"]


def test_countries_are_ordered_by_value_then_code(issue):
    issue("NL-1", destinations=["DE"], lines=[("ML6", "10.00")])
    issue("NL-2", destinations=["UA"], lines=[("ML6", "30.00")])
    issue("NL-3", destinations=["FR"], lines=[("ML6", "10.00")])
    issue("NL-4", destinations=["DE", "US", "SA"], lines=[("ML6", "20.00")])
    assert [r.country for r in tables.military_table(YEAR).by_country] == ["UA", "VARIOUS", "DE", "FR"]


def test_categories_are_in_list_order_and_empty_ones_left_out(issue):
    issue("NL-1", lines=[("ML22", "1.00"), ("ML2", "1.00"), ("ML10", "1.00"), ("ML1.a", "1.00")])
    assert [r.category for r in tables.military_table(YEAR).by_category] == ["ML1", "ML2", "ML10", "ML22"]
