"""Circumvention signals (seeds 000 and 001): common high-priority items to high-risk countries,
intermediaries there, and aluminium smelted or cast in Russia or Belarus; and the near cases that do not fire."""
import pytest

from licensing.reference.models import CountryGroupMembership
from licensing.reference.selectors import reference_changed
from licensing.screening.models import FlagKind, HighPriorityItem, ScreeningFlag

from .conftest import parties

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("high_priority_items")]


def line(**fields):
    base = {"goods_kind": "military", "description": "Flight controller boards", "control_entry": "ML11", "quantity": "10", "value_eur": "5000.00"}
    return {**base, **fields}


def flags(application):
    return [(f.kind, f.goods_line.position if f.goods_line else None, f.party.role if f.party else None) for f in ScreeningFlag.objects.filter(application=application).select_related("goods_line", "party").order_by("kind", "id")]


def to(country, goods, **party_overrides):
    return {"destinations": [country], "goods": goods, "parties": parties(consignee=("Steppe Industrial", country), end_user=("Steppe Industrial", country), **party_overrides)}


def test_the_high_priority_codes_are_loaded_from_the_fixture():
    assert HighPriorityItem.objects.count() == 9
    assert HighPriorityItem.objects.get(hs_code="854231").tier == "1"


def test_a_high_priority_item_to_a_high_risk_country_is_flagged(exporter_a, submit):
    application = submit(exporter_a, **to("KZ", [line(hs_code="8542.31"), line(hs_code="8471.30")]))
    assert flags(application) == [(FlagKind.HIGH_PRIORITY_DESTINATION, 0, None)]
    reason = ScreeningFlag.objects.get(application=application).reason
    assert "HS 8542.31" in reason and "tier 1" in reason and "Kazakhstan (KZ)" in reason


def test_a_longer_tariff_code_of_a_high_priority_item_counts(exporter_a, submit):
    application = submit(exporter_a, **to("AE", [line(hs_code="85176200")]))
    assert flags(application) == [(FlagKind.HIGH_PRIORITY_DESTINATION, 0, None)]


@pytest.mark.parametrize("country, hs_code", [("NO", "8542.31"), ("KZ", "8471.30"), ("KZ", "")])
def test_near_cases_are_not_flagged(exporter_a, submit, country, hs_code):
    application = submit(exporter_a, **to(country, [line(hs_code=hs_code)]))
    assert flags(application) == []


def test_an_intermediary_in_a_high_risk_country_is_flagged(exporter_a, submit):
    application = submit(exporter_a, parties=parties(broker=("Gulf Bridge Trading", "AE"), intermediate_consignee=("Tbilisi Freight", "GE"), agent=("Oslo Agent", "NO")))
    assert flags(application) == [(FlagKind.INTERMEDIARY_RISK_COUNTRY, None, "broker"), (FlagKind.INTERMEDIARY_RISK_COUNTRY, None, "intermediate_consignee")]


def test_a_consignee_in_a_high_risk_country_without_high_priority_items_is_no_intermediary(exporter_a, submit):
    application = submit(exporter_a, **to("AE", [line(hs_code="8471.30")]))
    assert flags(application) == []


def test_the_list_of_high_risk_countries_is_the_administrators(exporter_a, submit):
    CountryGroupMembership.objects.filter(group_id="circumvention_risk", country_id="KZ").delete()
    reference_changed()
    application = submit(exporter_a, **to("KZ", [line(hs_code="8542.31")]))
    assert flags(application) == []


def aluminium(first="NO", second=None, cast="NO", **fields):
    return line(
        goods_kind="unlisted", control_entry="", description="Aluminium extrusions", is_aluminium=True,
        first_smelt_country=first, second_smelt_country=second, last_cast_country=cast, **fields,
    )


@pytest.mark.parametrize("smelt", [{"first": "RU"}, {"second": "RU"}, {"cast": "BY"}, {"first": "RU", "cast": "BY"}])
def test_aluminium_smelted_or_cast_in_russia_or_belarus_flags_the_line(exporter_a, submit, smelt):
    application = submit(exporter_a, goods=[line(), aluminium(**smelt)])
    assert flags(application) == [(FlagKind.RUSSIAN_ALUMINIUM, 1, None)]


def test_the_reason_says_which_step_happened_where(exporter_a, submit):
    application = submit(exporter_a, goods=[aluminium(first="RU", cast="BY")])
    assert ScreeningFlag.objects.get(application=application).reason == (
        "Goods line 1: aluminium with most important smelt in Russia (RU), last cast in Belarus (BY)."
    )


def test_aluminium_by_its_hs_chapter_counts_too(exporter_a, submit):
    application = submit(exporter_a, goods=[line(goods_kind="unlisted", control_entry="", hs_code="7604.21", first_smelt_country="RU", last_cast_country="NO")])
    assert flags(application) == [(FlagKind.RUSSIAN_ALUMINIUM, 0, None)]


@pytest.mark.parametrize(
    "goods",
    [
        aluminium(first="KZ", second="CN", cast="TR"),  # third countries only
        line(goods_kind="unlisted", control_entry="", hs_code="7208.10"),  # steel, not aluminium (takes no smelt countries)
    ],
)
def test_aluminium_near_cases_do_not_fire(exporter_a, submit, goods):
    application = submit(exporter_a, goods=[goods])
    assert flags(application) == []
