"""The loaded reference data holds together: groups, regions, control entries, criteria and general licences."""
import pytest

from licensing.reference.loader import FILES, fixtures_directory, read_fixture
from licensing.reference.models import (
    AssessmentFramework,
    ControlEntry,
    ControlRegime,
    Country,
    CountryGroup,
    CountryGroupMembership,
    Criterion,
    DestinationRule,
    GeneralLicence,
    GroupCode,
    ReportRegion,
)
from licensing.reference.selectors import group_members

pytestmark = pytest.mark.django_db

REGION_CODES = [
    "north_africa", "sub_saharan_africa", "north_america", "central_america_caribbean", "south_america",
    "central_asia", "north_east_asia", "south_east_asia", "south_asia", "eu_nato_plus", "other_europe",
    "middle_east", "oceania", "global",
]  # fmt: skip


def codes(manager) -> set[str]:
    return set(manager.values_list("pk", flat=True))


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_file_names_its_source(name):
    path = fixtures_directory() / f"{name}.yaml"
    assert path.read_text(encoding="utf-8").startswith("source:")
    assert read_fixture(path)["source"].strip()


def test_regions_are_exactly_the_api_contract_with_dutch_names_from_table_2():
    assert list(ReportRegion.objects.values_list("code", flat=True)) == REGION_CODES
    assert ReportRegion.objects.get(code="north_africa").name_nl == "Noord-Afrika"
    assert ReportRegion.objects.get(code="eu_nato_plus").name_nl == "Europese Unie/NAVO+"
    assert ReportRegion.objects.get(code="other_europe").name_nl == "Overige Europese landen"


def test_every_iso_country_and_kosovo_is_there_with_a_region_and_both_names():
    assert Country.objects.count() == 250  # 249 ISO 3166-1 alpha-2 + XK
    assert not Country.objects.filter(report_region__isnull=True).exists()
    assert not Country.objects.filter(name_en="").exists()
    assert not Country.objects.filter(name_nl="").exists()
    assert Country.objects.get(code="XK").name_nl == "Kosovo"
    assert Country.objects.get(code="NO").name_nl == "Noorwegen"  # YAML 1.1 would read NO as false


def test_every_eu_member_is_in_the_eu_group_and_the_eu_nato_plus_region():
    eu = group_members(GroupCode.EU)
    assert len(eu) == 27
    assert set(Country.objects.filter(report_region="eu_nato_plus").values_list("code", flat=True)) == eu | {"AX"}
    for code in eu:
        assert Country.objects.get(code=code).report_region_id == "eu_nato_plus", code


def test_group_sizes():
    assert len(group_members(GroupCode.EU)) == 27
    assert len(group_members(GroupCode.NATO)) == 32
    assert {"SE", "FI", "MK"} <= group_members(GroupCode.NATO)
    assert group_members(GroupCode.NATO_PLUS) == {"AU", "JP", "NZ", "CH"}
    assert len(group_members(GroupCode.WASSENAAR)) == 42
    assert "CY" not in group_members(GroupCode.WASSENAAR)  # seed: every EU member state but Cyprus
    assert len(group_members(GroupCode.NSG)) == 48
    assert len(group_members(GroupCode.MTCR)) == 35
    assert group_members(GroupCode.CP_ALIGNED) == {"AL", "BA", "CA", "MK", "GE", "IS", "ME", "NO"}
    assert group_members(GroupCode.SENSITIVE) == frozenset()


def test_every_group_code_exists_with_source_and_confidence():
    groups = {g.code: g for g in CountryGroup.objects.all()}
    assert set(groups) == set(GroupCode.values)
    for code, group in groups.items():
        assert group.source.strip(), code
        if code != GroupCode.SENSITIVE:
            assert group.confidence in {"high", "medium", "low"}, code


def test_zimbabwe_no_longer_retains_the_death_penalty():
    assert "ZW" not in group_members(GroupCode.DEATH_PENALTY)
    assert {"US", "CN", "IR", "SA", "JP"} <= group_members(GroupCode.DEATH_PENALTY)


def test_arms_embargo_memberships_carry_kind_and_authority():
    memberships = CountryGroupMembership.objects.filter(group=GroupCode.ARMS_EMBARGO)
    assert memberships.count() == 22
    for membership in memberships:
        assert membership.kind in {"full", "partial", "political"}, membership
        assert membership.note, membership
    assert memberships.get(country="RU").kind == "full"
    assert memberships.get(country="CN").kind == "political"


def test_military_list_has_ml1_to_ml22_with_dutch_titles():
    categories = ControlEntry.objects.filter(regime=ControlRegime.MILITARY, parent__isnull=True)
    assert sorted(categories.values_list("code", flat=True)) == sorted(f"ML{n}" for n in range(1, 23))
    assert not categories.filter(title_nl="").exists()
    assert categories.get(code="ML6").title_nl == "Voertuigen en onderdelen daarvoor"  # table 7, seed line 832
    for code in ["ML4.a", "ML4.b", "ML7.d", "ML7.e", "ML7.f", "ML7.g", "ML7.h", "ML7.i"]:
        entry = ControlEntry.objects.get(code=code)
        assert entry.parent.code == code.split(".")[0]
        assert entry.regime == ControlRegime.MILITARY


def test_dual_use_categories_groups_and_annex_iv_items():
    dual_use = ControlEntry.objects.filter(regime=ControlRegime.DUAL_USE)
    assert {f"DU-CAT-{n}" for n in range(10)} | {f"DU-GROUP-{g}" for g in "ABCDE"} <= set(
        dual_use.values_list("code", flat=True)
    )
    flagged = set(dual_use.filter(annex_iv=True).values_list("code", flat=True))
    assert {"1C001", "1C101", "6B008", "1A007", "1C239", "3A229", "3A232", "7A117", "9A004", "9A104", "9A116"} <= flagged
    assert "0C001" not in flagged and "0C002" not in flagged
    assert {"0A001", "0B001", "0E001"} <= flagged
    assert not ControlEntry.objects.filter(annex_iv=True).exclude(regime=ControlRegime.DUAL_USE).exists()
    assert ControlEntry.objects.get(code="1C001").parent.code == "DU-CAT-1"


def test_anti_torture_annexes_have_their_items_as_children():
    for annex, count in [("ANNEX_II", 16), ("ANNEX_III", 12), ("ANNEX_IV", 2)]:
        entry = ControlEntry.objects.get(code=annex, regime=ControlRegime.ANTI_TORTURE)
        assert entry.children.count() == count
    assert ControlEntry.objects.get(code="ANNEX_II.1.1").parent.code == "ANNEX_II"


def test_criteria_1_to_4_deny_and_5_to_8_weigh():
    common_position = Criterion.objects.filter(framework="common_position")
    assert dict(common_position.values_list("number", "kind")) == {
        1: "deny", 2: "deny", 3: "deny", 4: "deny", 5: "weigh", 6: "weigh", 7: "weigh", 8: "weigh",
    }  # fmt: skip
    for criterion in common_position:
        assert criterion.title_nl and criterion.sub_points.exists(), criterion
        assert (criterion.code, criterion.label_en, criterion.label_nl) == (str(criterion.number), f"criterion {criterion.number}", f"criterium {criterion.number}")
    assert Criterion.objects.get(number=7).title_nl == "Omleidingsrisico"
    assert list(Criterion.objects.get(number=1).sub_points.values_list("key", flat=True)) == [
        "a", "b", "ba", "bb", "c", "ca", "d",
    ]  # fmt: skip


def test_criterion_2_carries_the_2025_revision_with_its_source_marked():
    point = Criterion.objects.get(number=2).sub_points.get(key="gbv")
    assert "gender-based violence" in point.text_en and "vrouwen en kinderen" in point.text_nl
    assert "Seed 002 line 617" in point.source and "not verified" in point.source


def test_the_three_frameworks_with_their_grounds_in_dutch_and_english():
    frameworks = {f.code: f for f in AssessmentFramework.objects.prefetch_related("criteria")}
    assert list(frameworks) == ["common_position", "dual_use", "anti_torture"]
    assert frameworks["dual_use"].act_en == "Regulation (EU) 2021/821" and frameworks["anti_torture"].act_nl == "Verordening (EU) 2019/125"
    assert [c.code for c in frameworks["dual_use"].criteria.all()] == ["15(1)(a)", "15(1)(b)", "15(1)(c)", "15(1)(d)"]
    assert [c.code for c in frameworks["anti_torture"].criteria.all()] == ["3", "12(2)", "17(2)", "12(1), 17(1)"]
    for framework in frameworks.values():
        assert framework.title_nl and framework.title_en and framework.url.startswith("https://eur-lex.europa.eu/")
        for ground in framework.criteria.all():
            assert ground.title_nl and ground.title_en and ground.label_nl and ground.label_en, ground


def test_general_licences_present():
    expected = {f"EU00{n}" for n in range(1, 9)} | {f"NL00{n}" for n in range(3, 10)} | {"NL900"}
    assert set(GeneralLicence.objects.values_list("code", flat=True)) == expected


def test_every_general_licence_names_destinations_or_has_an_unknown_rule_only_nl900():
    for licence in GeneralLicence.objects.all():
        named = licence.destinations.exists() or licence.destination_groups.exists()
        if licence.destination_rule == DestinationRule.LISTED:
            assert named, licence.code
        elif licence.destination_rule == DestinationRule.ALL_EXCEPT:
            assert licence.excluded_destinations.exists(), licence.code
        else:
            assert licence.code == "NL900" and not named
    nl900 = GeneralLicence.objects.get(code="NL900")
    assert nl900.destination_rule == DestinationRule.UNKNOWN and nl900.active


def test_movements_are_application_movements():
    for licence in GeneralLicence.objects.all():
        assert set(licence.movements.split(",")) <= {"export", "transfer", "transit", "brokering"}, licence.code


def test_nl003_to_nl006_cover_the_eu_plus_norway_iceland_and_the_uk():
    # Seed table headings, lines 2639, 2719, 2756, 2840.
    for code in ["NL003", "NL004", "NL005", "NL006"]:
        licence = GeneralLicence.objects.get(code=code)
        assert codes(licence.destination_groups) == {"eu"}
        assert codes(licence.destinations) == {"NO", "IS", "GB"}
        assert set(licence.movements.split(",")) == {"transfer", "export"}


def test_nl007_transit_excludes_its_final_destinations_and_every_full_arms_embargo():
    nl007 = GeneralLicence.objects.get(code="NL007")
    assert nl007.movements == "transit" and nl007.destination_rule == DestinationRule.ALL_EXCEPT
    excluded = codes(nl007.excluded_destinations)
    assert {"YE", "SA", "EG", "TR", "UA"} <= excluded
    # Seed 002 table 13 (line 3005) reports 2024 transits to the United Arab Emirates under NL007 as lawful usage.
    assert "AE" not in excluded
    full_embargo = set(
        CountryGroupMembership.objects.filter(group=GroupCode.ARMS_EMBARGO, kind="full").values_list("country", flat=True)
    )
    assert full_embargo <= excluded


def test_nl008_transit_to_allies_except_turkey():
    nl008 = GeneralLicence.objects.get(code="NL008")
    assert codes(nl008.destination_groups) == {"eu", "nato", "nato_plus"}
    assert codes(nl008.excluded_destinations) == {"TR"}


def test_nl009_excludes_israel_after_the_court_ruling():
    """Seed 002 footnotes 46-47: Israel was a destination until the ruling of 12 February 2024, excluded from then on."""
    nl009 = GeneralLicence.objects.get(code="NL009")
    assert "IL" in codes(nl009.excluded_destinations) and "IL" in codes(nl009.destinations)
    assert nl009.exclusions_since == {"IL": "2024-02-12"}
    assert "12 February 2024" in nl009.conditions
    assert {"US", "GB", "IT", "AU", "NO", "DK", "CA", "JP"} <= codes(nl009.destinations)


def test_eu008_excludes_eu001_destinations_and_every_full_arms_embargo():
    eu001 = codes(GeneralLicence.objects.get(code="EU001").destinations)
    assert eu001 == {"AU", "CA", "IS", "JP", "NZ", "NO", "CH", "LI", "GB", "US"}
    eu008 = GeneralLicence.objects.get(code="EU008")
    assert eu008.destination_rule == DestinationRule.ALL_EXCEPT
    excluded = codes(eu008.excluded_destinations)
    assert eu001 <= excluded
    full_embargo = set(
        CountryGroupMembership.objects.filter(group=GroupCode.ARMS_EMBARGO, kind="full").values_list("country", flat=True)
    )
    assert full_embargo <= excluded
    assert not codes(eu008.destinations)
