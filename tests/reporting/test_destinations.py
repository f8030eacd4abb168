"""
Where a licence's value lands: its destination's table-2 region, or a collective row of table 8 for a licence
with several destinations (seed 002 line 2628: "EU/NAVO+", "EUROPESE UNIE", "DIVERSE").
"""
from datetime import date
from decimal import Decimal

import pytest

from licensing.reference.models import GroupCode
from licensing.reference.selectors import group_members
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


def expected_row(destinations: list[str]) -> str:
    """Table 8's row, computed in Python from today's groups: the independent check of the SQL's row."""
    eu = group_members(GroupCode.EU)
    allied = eu | group_members(GroupCode.NATO) | group_members(GroupCode.NATO_PLUS)
    if len(destinations) == 1:
        return destinations[0]
    if destinations and set(destinations) <= eu:
        return tables.EU
    if destinations and set(destinations) <= allied:
        return tables.EU_NATO_PLUS
    return tables.VARIOUS


MANY = [
    # (destinations, lines): every kind of row, licences with one to three lines, side by side in one year.
    (["DE"], [("ML6", "100.00"), ("ML10", "10.00")]),
    (["SA"], [("ML4", "7.00")]),
    (["BE", "DE", "FR"], [("ML6", "20.00"), ("ML6", "1.00"), ("ML22", "2.00")]),
    (["FR", "DE"], [("ML10", "30.00")]),
    (["DE", "NO", "US"], [("ML6", "40.00")]),
    (["TR", "JP"], [("ML6", "3.00"), ("ML4", "4.00")]),
    (["DE", "SA"], [("ML6", "50.00")]),
    (["IN", "SG", "AE"], [("ML10", "60.00"), ("ML6", "6.00")]),
    ([], [("ML6", "5.00")]),
    (["US"], [("ML6", "8.00")]),
    (["NO", "US"], [("ML22", "9.00")]),
]


def test_each_licence_of_a_year_lands_in_its_own_row(issue):
    """
    Many licences at once, so that a row joined to the wrong licence, a line counted once per destination, or a
    licence left out shows: the matrix equals the sum of each line under the row of its own licence's destinations.
    """
    expected: dict[tuple[str, str], Decimal] = {}
    for i, (destinations, lines) in enumerate(MANY):
        issue(f"NL-MANY-{i}", kind="global" if len(destinations) > 1 else "individual", destinations=destinations, lines=lines)
        for entry, value in lines:
            key = (expected_row(destinations), entry)
            expected[key] = expected.get(key, Decimal(0)) + Decimal(value)
    # A licence of another year and a transit licence stay out of the 2024 export matrix.
    issue("NL-2023", destinations=["DE", "SA"], lines=[("ML6", "999.00")], decided_on=date(2023, 12, 31))
    issue("NL-TRANSIT", destinations=["UA"], lines=[("ML6", "999.00")], movement="transit")
    assert tables.military_matrix(YEAR) == expected
    assert sum(expected.values()) == tables.military_table(YEAR).total_eur


def test_a_replacement_lands_in_the_row_of_its_own_destinations(issue):
    old = issue("NL-OLD", destinations=["SA"], lines=[("ML6", "100.00")], decided_on=date(2023, 5, 1))
    issue("NL-NEW", kind="global", destinations=["DE", "FR"], lines=[("ML6", "90.00"), ("ML10", "60.00")], replaces=old)
    issue("NL-OTHER", destinations=["DE", "US"], lines=[("ML6", "1.00")])
    # The extra 50.00 split over the new lines in proportion (90:60), under the EU row of the replacement.
    assert tables.military_matrix(YEAR) == {("EU", "ML6"): Decimal("30.00"), ("EU", "ML10"): Decimal("20.00"), ("EU_NATO_PLUS", "ML6"): Decimal("1.00")}


def test_the_destination_row_of_every_licence_matches_its_destinations(issue):
    licences = [issue(f"NL-ROW-{i}", destinations=destinations, lines=lines) for i, (destinations, lines) in enumerate(MANY)]
    rows = {r["licence_id"]: r["row"] for r in tables.destination_rows()}
    assert {licence.number: rows.get(licence.pk, tables.VARIOUS) for licence in licences} == {
        licence.number: expected_row(destinations) for licence, (destinations, _) in zip(licences, MANY)
    }
