"""Every determination rule in both directions: a case that fires it and a near case that does not."""
from decimal import Decimal

import pytest

from licensing.routing.determination import Facts, determine
from licensing.routing.rules import RULES

pytestmark = pytest.mark.django_db


def facts(goods_kind="military", movement="export", destination="US", control_entry=None, **kw) -> Facts:
    if "value_eur" in kw:
        kw["value_eur"] = Decimal(str(kw["value_eur"]))
    return Facts(goods_kind=goods_kind, movement=movement, destination=destination, control_entry=control_entry, **kw)


def det(*args, **kw):
    return determine(facts(*args, **kw))


def fired(*args, **kw) -> list[str]:
    return [r.id for r in det(*args, **kw).rules]


ML = dict(goods_kind="military", control_entry="ML6")
DU = dict(goods_kind="dual_use", control_entry="3A001")
UNLISTED = dict(goods_kind="unlisted")
ANNEX_IV_ITEM = "1C239"  # high explosives: Annex IV Part I ("Community strategic control")

# rule id -> (facts that fire it, near facts that do not)
CASES = {
    # --- licence requirement
    "military.licence_required": (dict(ML), dict(DU, movement="transfer", destination="DE")),
    "military.no_control_entry": (dict(goods_kind="military"), dict(ML)),
    "dual_use.leaves_eu": (dict(DU, destination="CN"), dict(DU, movement="transfer", destination="DE")),
    "dual_use.annex_iv_within_eu": (
        dict(DU, control_entry=ANNEX_IV_ITEM, movement="transfer", destination="DE"),
        dict(DU, movement="transfer", destination="DE"),
    ),
    "dual_use.no_control_entry": (dict(goods_kind="dual_use"), dict(DU)),
    "dual_use.free_within_eu": (
        dict(DU, movement="transfer", destination="DE"),
        dict(DU, movement="transfer", destination="DE", end_use="wmd"),
    ),
    "dual_use.transit_free": (dict(DU, movement="transit", destination="CN"), dict(DU, movement="transit", destination="CN", end_use="wmd")),
    "dual_use.brokering_notice": (dict(DU, movement="brokering", destination="CN"), dict(DU, movement="brokering", destination="CN", catch_all=True)),
    "anti_torture.within_eu": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", movement="transfer", destination="DE"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", movement="export", destination="NO"),
    ),
    "anti_torture.annex_ii_prohibited": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_II"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_II", end_use="museum"),
    ),
    "anti_torture.annex_ii_museum": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_II", end_use="museum"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_II"),
    ),
    "anti_torture.licence_required": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_III"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_II"),
    ),
    "catch_all.decision": (dict(UNLISTED, catch_all=True), dict(UNLISTED)),
    "catch_all.wmd": (dict(UNLISTED, end_use="wmd"), dict(UNLISTED, end_use="civil")),
    "catch_all.military_embargo": (dict(UNLISTED, end_use="military", destination="IQ"), dict(UNLISTED, end_use="military", destination="US")),
    "catch_all.repression": (dict(UNLISTED, end_use="repression"), dict(UNLISTED, end_use="repression", movement="transit")),
    "unlisted.no_licence": (dict(UNLISTED), dict(UNLISTED, catch_all=True)),
    # --- prohibition
    "sanctions.ban": (dict(ML, destination="RU"), dict(ML, destination="CN")),
    "party.embargoed_country": (dict(DU, parties=(("ultimate_end_user", "IR"),)), dict(DU, parties=(("ultimate_end_user", "CA"),))),
    # --- general licences
    "general_licence.excluded": (dict(DU, end_use="wmd"), dict(DU)),
    "general_licence.EU001": (dict(DU), dict(DU, destination="CN")),
    "general_licence.EU002": (dict(DU, control_entry="3A001.a.3", destination="TR"), dict(DU, control_entry="3A001.a.1", destination="TR")),
    "general_licence.EU003": (dict(DU, destination="IN", purpose="repair"), dict(DU, destination="IN")),
    "general_licence.EU004": (
        dict(DU, destination="IN", purpose="exhibition", temporary=True),
        dict(DU, destination="IN", purpose="exhibition"),
    ),
    "general_licence.EU005": (dict(DU, control_entry="5A001.c", destination="IN"), dict(DU, control_entry="5A001.a", destination="IN")),
    "general_licence.EU006": (dict(DU, control_entry="1C350.1", destination="AR"), dict(DU, control_entry="1C350.4", destination="AR")),
    "general_licence.EU008": (
        dict(DU, control_entry="5A002.a.2", destination="BR"),
        dict(DU, control_entry="5A002.a.2", destination="BR", recipient_type="government"),
    ),
    "general_licence.NL003": (
        dict(ML, control_entry="ML5", movement="transfer", destination="DE", recipient_type="armed_forces"),
        dict(ML, control_entry="ML5", movement="transfer", destination="DE"),
    ),
    "general_licence.NL004": (
        dict(ML, control_entry="ML5", movement="transfer", destination="DE", recipient_type="certified_company"),
        dict(ML, control_entry="ML5", movement="transfer", destination="DE", recipient_type="company"),
    ),
    "general_licence.NL005": (
        dict(ML, control_entry="ML5", movement="transfer", destination="DE", purpose="demonstration"),
        dict(ML, control_entry="ML5", movement="transfer", destination="DE", purpose="sale"),
    ),
    "general_licence.NL006": (
        dict(ML, control_entry="ML3", movement="transfer", destination="DE", purpose="repair"),
        dict(ML, control_entry="ML1", movement="transfer", destination="DE", purpose="repair"),
    ),
    "general_licence.NL007": (dict(ML, control_entry="ML5", movement="transit", destination="IN"), dict(ML, control_entry="ML1", movement="transit", destination="IN")),
    "general_licence.NL008": (dict(ML, movement="transit", destination="DE"), dict(ML, movement="transit", destination="TR")),
    # --- who decides
    "handler.military.eu_nato_plus": (dict(ML, destination="JP"), dict(ML, destination="TR")),
    "handler.military.cyprus_turkey": (dict(ML, destination="CY"), dict(ML, destination="GR")),
    "handler.military.other_destination": (dict(ML, destination="IN"), dict(ML, destination="NO")),
    "handler.dual_use.member.wassenaar": (dict(DU, destination="IN"), dict(DU, destination="CN")),
    "handler.dual_use.non_member.wassenaar": (dict(DU, destination="CN"), dict(DU, destination="IN")),
    "handler.dual_use.member.nsg": (dict(DU, control_entry="3A225", destination="BR"), dict(DU, control_entry="3A225", destination="IN")),
    "handler.dual_use.non_member.nsg": (dict(DU, control_entry="3A225", destination="IN"), dict(DU, control_entry="3A225", destination="BR")),
    "handler.dual_use.member.mtcr": (dict(DU, control_entry="9A101", destination="BR"), dict(DU, control_entry="9A101", destination="CN")),
    "handler.dual_use.non_member.mtcr": (dict(DU, control_entry="9A101", destination="CN"), dict(DU, control_entry="9A101", destination="BR")),
    "handler.dual_use.member.australia_group": (dict(DU, control_entry="2B350", destination="IN"), dict(DU, control_entry="2B350", destination="CN")),
    "handler.dual_use.non_member.australia_group": (dict(DU, control_entry="2B350", destination="CN"), dict(DU, control_entry="2B350", destination="IN")),
    "handler.dual_use.member.cwc": (dict(DU, control_entry="1C450", destination="IN"), dict(DU, control_entry="1C450", destination="BR")),
    "handler.dual_use.non_member.cwc": (dict(DU, control_entry="1C450", destination="BR"), dict(DU, control_entry="1C450", destination="IN")),
    "handler.dual_use.member.eu": (dict(DU, control_entry="3B501", destination="IN"), dict(DU, control_entry="3B501", destination="CN")),
    "handler.dual_use.non_member.eu": (dict(DU, control_entry="3B501", destination="CN"), dict(DU, control_entry="3B501", destination="IN")),
    "handler.dual_use.member.unknown": (dict(goods_kind="dual_use", destination="US"), dict(goods_kind="dual_use", destination="IN")),
    "handler.dual_use.non_member.unknown": (dict(goods_kind="dual_use", destination="IN"), dict(goods_kind="dual_use", destination="US")),
    "handler.dual_use.military_end_use": (dict(DU, end_use="military"), dict(DU)),
    "handler.catch_all": (dict(UNLISTED, end_use="wmd"), dict(DU)),
    "handler.anti_torture.death_penalty": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", destination="US"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", destination="NO"),
    ),
    "handler.anti_torture.abolitionist": (
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", destination="NO"),
        dict(goods_kind="anti_torture", control_entry="ANNEX_III", destination="US"),
    ),
    "handler.arms_embargo": (dict(DU, destination="CN"), dict(DU)),  # a political embargo: not a ban
    "handler.party_country": (dict(ML, parties=(("consignee", "TR"),)), dict(ML, parties=(("consignee", "GB"),))),
    # --- parliament
    "fast_track.parliament": (
        dict(ML, destination="IN", complete_system=True, value_eur="2000000.01"),
        dict(ML, destination="IN", complete_system=True, value_eur="2000000.00"),
    ),
}
# National entries: the Dutch semiconductor regulation's (BWBR0048439), from the fixtures.
NATIONAL = dict(goods_kind="dual_use", control_entry="3B801.f.5")
CASES["handler.dual_use.member.national"] = (dict(NATIONAL, destination="US"), dict(NATIONAL, destination="BR"))
CASES["handler.dual_use.non_member.national"] = (dict(NATIONAL, destination="BR"), dict(NATIONAL, destination="US"))
# Need reference rows the fixtures do not hold (no sensitive destinations): see below.
TESTED_WITH_OWN_DATA = {"handler.sensitive"}


def test_every_rule_has_a_case_in_both_directions():
    assert {r.id for r in RULES} - TESTED_WITH_OWN_DATA == set(CASES)


def test_rule_ids_are_unique_and_texts_are_sentences():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert r.text.endswith(".") and len(r.text) > 40, r.id


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id):
    fires, _ = CASES[rule_id]
    assert rule_id in fired(**fires)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire_on_the_near_case(rule_id):
    _, near = CASES[rule_id]
    assert rule_id not in fired(**near)


# --- licence required or not --------------------------------------------------------------------------
@pytest.mark.parametrize("movement", ["export", "transfer", "transit", "brokering"])
def test_military_goods_always_need_a_licence(movement):
    d = det(**ML, movement=movement, destination="DE" if movement == "transfer" else "IN")
    assert d.licence_required and not d.prohibited


def test_military_goods_without_entry_need_a_licence_and_get_no_entry_based_general_licence():
    d = det(goods_kind="military", movement="transfer", destination="DE", recipient_type="armed_forces")
    assert d.licence_required
    assert d.general_licences == ()


def test_military_transit_to_an_ally_needs_a_licence_covered_by_nl008():
    d = det(**ML, movement="transit", destination="DE")
    assert d.licence_required
    assert d.general_licences == ("NL008",)
    assert d.handler == "licensing_office"


def test_military_transit_to_a_third_country_is_covered_by_nl007_only_when_the_goods_are_not_excluded():
    assert det(**dict(ML, control_entry="ML11"), movement="transit", destination="IN").general_licences == ("NL007",)
    assert det(**dict(ML, control_entry="ML4"), movement="transit", destination="IN").general_licences == ()  # may be ML4.a
    assert det(**dict(ML, control_entry="ML6"), movement="transit", destination="IN", complete_system=True).general_licences == ()
    assert det(**dict(ML, control_entry="ML11"), movement="transit", destination="SA").general_licences == ()


def test_dual_use_export_outside_the_eu_needs_a_licence():
    d = det(**DU, destination="CN")
    assert d.licence_required and d.handler == "ministry" and d.general_licences == ()


def test_dual_use_brokering_needs_a_licence_only_after_a_notice():
    """Regulation (EU) 2021/821, Article 6(1): "An authorisation shall be required for brokering services with
    regard to dual-use items listed in Annex I if the broker has been informed by the competent authority that the
    items in question are or may be intended, in their entirety or in part, for any of the uses referred to in
    Article 4(1)(a)." Issue 19: not always, only after a notice (the catch-all decision of the facts)."""
    free = det(**DU, movement="brokering", destination="CN")
    assert not free.licence_required and free.handler is None
    assert [r.id for r in free.rules] == ["dual_use.brokering_notice"]
    noticed = det(**DU, movement="brokering", destination="CN", catch_all=True)
    assert noticed.licence_required and noticed.handler == "ministry"
    # Art. 6(2): a broker aware of a WMD end use notifies; the answer keeps the ministry in the loop.
    assert det(**DU, movement="brokering", destination="CN", end_use="wmd").handler == "ministry"
    # The export catch-alls of Art. 4(1)(b) and (c) are not brokering grounds.
    assert not det(**DU, movement="brokering", destination="IQ", end_use="military").licence_required
    assert not det(**DU, movement="brokering", destination="CN", end_use="repression").licence_required
    assert not det(**dict(DU, control_entry=ANNEX_IV_ITEM), movement="brokering", destination="DE").licence_required


def test_dual_use_transfer_within_the_eu_needs_no_licence_and_no_handler():
    d = det(**DU, movement="transfer", destination="DE")
    assert not d.licence_required and d.handler is None and d.general_licences == ()


def test_annex_iv_items_need_a_licence_within_the_eu_and_get_no_eu001():
    d = det(**dict(DU, control_entry=ANNEX_IV_ITEM), movement="transfer", destination="DE")
    assert d.licence_required and d.handler is not None
    assert "EU001" not in det(**dict(DU, control_entry=ANNEX_IV_ITEM), destination="US").general_licences


@pytest.mark.parametrize(
    "end_use, destination, catch_all, required",
    [
        ("civil", "CN", False, False),
        ("civil", "CN", True, True),
        ("wmd", "CN", False, True),
        ("military", "RU", False, True),
        ("military", "US", False, False),
        ("repression", "CN", False, False),  # the transit catch-all knows no repression ground
    ],
)
def test_dual_use_transit_needs_a_licence_only_under_a_catch_all(end_use, destination, catch_all, required):
    d = det(**DU, movement="transit", destination=destination, end_use=end_use, catch_all=catch_all)
    assert d.licence_required is required


@pytest.mark.parametrize(
    "kw, required",
    [
        (dict(), False),
        (dict(catch_all=True), True),
        (dict(end_use="wmd"), True),
        (dict(end_use="military", destination="RU"), True),
        (dict(end_use="military", destination="CN"), True),  # political embargo counts
        (dict(end_use="military"), False),
        (dict(end_use="repression"), True),
        (dict(end_use="museum"), False),
    ],
)
def test_unlisted_goods_need_a_licence_only_under_a_catch_all(kw, required):
    d = det(**UNLISTED, **kw)
    assert d.licence_required is required
    assert d.handler == ("ministry" if required else None)
    assert d.general_licences == ()


@pytest.mark.parametrize("annex", ["ANNEX_III", "ANNEX_IV"])
@pytest.mark.parametrize("movement", ["export", "transfer", "transit", "brokering"])
def test_anti_torture_annex_iii_and_iv_always_need_a_licence(annex, movement):
    d = det(goods_kind="anti_torture", control_entry=annex, movement=movement, destination="NO")
    assert d.licence_required and not d.prohibited and d.handler == "licensing_office"


# --- prohibited ---------------------------------------------------------------------------------------
def test_annex_ii_is_prohibited_and_nobody_handles_it():
    d = det(goods_kind="anti_torture", control_entry="ANNEX_II", destination="NO")
    assert d.prohibited and d.handler is None and d.general_licences == ()


def test_annex_ii_for_a_museum_is_not_prohibited():
    d = det(goods_kind="anti_torture", control_entry="ANNEX_II", destination="NO", end_use="museum")
    assert not d.prohibited and d.licence_required and d.handler == "licensing_office"


@pytest.mark.parametrize(
    "destination, prohibited",
    [("RU", True), ("BY", True), ("KP", True), ("IR", True), ("IQ", False), ("CN", False), ("AZ", False)],
)
def test_military_goods_to_a_full_arms_embargo_are_prohibited_partial_and_political_go_to_the_ministry(destination, prohibited):
    d = det(**ML, destination=destination)
    assert d.prohibited is prohibited
    assert d.handler == (None if prohibited else "ministry")
    if prohibited:
        assert [b.code for b in d.bans] == [f"{destination.lower()}-arms-embargo"]
    else:
        assert "handler.arms_embargo" in [r.id for r in d.rules] and d.bans == ()


def test_dual_use_to_a_partial_embargo_is_not_prohibited_but_goes_to_the_ministry():
    d = det(**DU, destination="IQ")
    assert not d.prohibited and d.handler == "ministry" and d.general_licences == ()


# --- general licences ---------------------------------------------------------------------------------
@pytest.mark.parametrize("destination", ["AU", "CA", "IS", "JP", "NZ", "NO", "CH", "LI", "GB", "US"])
def test_eu001_covers_annex_i_items_to_its_destinations(destination):
    d = det(**DU, destination=destination)
    assert d.licence_required and "EU001" in d.general_licences


@pytest.mark.parametrize("entry", ["1C351", "9A117", "1C450.a.1", "0C001", "3E001"])
def test_eu001_excludes_section_i_items_but_not_technology(entry):
    expected = entry == "3E001"
    assert ("EU001" in det(goods_kind="dual_use", control_entry=entry, destination="US").general_licences) is expected


def test_eu001_needs_a_specific_item_not_a_category():
    assert det(goods_kind="dual_use", control_entry="1C450", destination="US").general_licences == ()  # may be 1C450.a.1


@pytest.mark.parametrize("kw", [dict(end_use="wmd"), dict(end_use="repression"), dict(catch_all=True)])
def test_no_general_licence_for_wmd_repression_or_a_catch_all(kw):
    d = det(**DU, **kw)
    assert d.licence_required and d.general_licences == ()
    assert "general_licence.excluded" in [r.id for r in d.rules]


def test_no_general_licence_to_an_embargoed_destination():
    assert det(**dict(DU, control_entry="5A002.a.2"), destination="VE").general_licences == ()  # full embargo, EU008 area
    assert det(**dict(ML, control_entry="ML11"), movement="transit", destination="IQ").general_licences == ()  # partial


def test_eu002_only_for_its_items_and_destinations():
    assert "EU002" in det(goods_kind="dual_use", control_entry="3C002", destination="KR").general_licences
    assert "EU002" not in det(goods_kind="dual_use", control_entry="3A001", destination="KR").general_licences  # whole 3A001
    assert "EU002" not in det(goods_kind="dual_use", control_entry="3C002", destination="IN").general_licences


def test_eu003_excludes_software_technology_and_listed_items():
    assert det(goods_kind="dual_use", control_entry="3E001", destination="IN", purpose="repair").general_licences == ()
    assert det(goods_kind="dual_use", control_entry="9A011", destination="IN", purpose="repair").general_licences == ()


def test_eu004_needs_exhibition_and_temporary_export():
    base = dict(DU, destination="IN", temporary=True)
    assert det(**base, purpose="exhibition").general_licences == ("EU004",)
    assert det(**base, purpose="demonstration").general_licences == ()


def test_eu008_excludes_eu001_destinations_listed_exclusions_and_government_users():
    enc = dict(DU, control_entry="5A002.a.2")
    assert det(**enc, destination="US").general_licences == ("EU001",)
    assert det(**enc, destination="AE").general_licences == ()
    assert det(**enc, destination="BR", recipient_type="armed_forces").general_licences == ()
    assert det(**enc, destination="BR", end_use="military").general_licences == ()


@pytest.mark.parametrize("entry", ["ML1", "ML2", "ML3", "ML4", "ML4.a", "ML7", "ML8", "ML12", "ML21", "ML22"])
def test_nl003_to_nl005_exclude_goods_the_entry_rules_out_or_cannot_rule_in(entry):
    for recipient, purpose in (("armed_forces", "sale"), ("certified_company", "sale"), ("company", "exhibition")):
        d = det(goods_kind="military", control_entry=entry, movement="transfer", destination="DE", recipient_type=recipient, purpose=purpose)
        assert not {"NL003", "NL004", "NL005"} & set(d.general_licences), (entry, recipient)


@pytest.mark.parametrize("entry", ["ML4.b", "ML5", "ML6", "ML7.d", "ML10", "ML11", "ML13", "ML18", "ML20"])
def test_nl003_covers_its_goods(entry):
    d = det(goods_kind="military", control_entry=entry, movement="transfer", destination="FR", recipient_type="armed_forces")
    assert "NL003" in d.general_licences


def test_nl003_to_nl006_exclude_complete_systems():
    for kw in (dict(recipient_type="armed_forces"), dict(recipient_type="certified_company"), dict(purpose="exhibition"), dict(purpose="repair")):
        d = det(**dict(ML, control_entry="ML10"), movement="transfer", destination="DE", complete_system=True, **kw)
        assert d.general_licences == ()


def test_nl008_excludes_turkey_and_third_countries():
    assert det(**ML, movement="transit", destination="TR").general_licences == ()
    assert "NL008" not in det(**ML, movement="transit", destination="IN").general_licences


def test_nl009_and_nl900_and_eu007_are_never_offered():
    seen = set()
    for goods in (ML, DU, dict(DU, control_entry="3E001")):
        for movement in ("export", "transfer", "transit", "brokering"):
            for destination in ("US", "DE", "IN", "IL", "BR", "TR", "NO"):
                for recipient in ("armed_forces", "company", "certified_company"):
                    seen |= set(det(**goods, movement=movement, destination=destination, recipient_type=recipient).general_licences)
    assert not seen & {"NL009", "NL900", "EU007"}


def test_general_licences_only_when_a_licence_is_required():
    d = det(**DU, movement="transfer", destination="DE")
    assert not d.licence_required and d.general_licences == ()


# --- who decides ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "destination, handler",
    [
        ("DE", "licensing_office"), ("US", "licensing_office"), ("NO", "licensing_office"), ("AU", "licensing_office"),
        ("JP", "licensing_office"), ("NZ", "licensing_office"), ("CH", "licensing_office"),
        ("CY", "ministry"), ("TR", "ministry"), ("IN", "ministry"), ("BR", "ministry"), ("SA", "ministry"),
    ],
)
def test_military_handler_by_destination(destination, handler):
    assert det(**ML, destination=destination).handler == handler


def test_dual_use_handler_follows_the_controlling_regime():
    assert det(goods_kind="dual_use", control_entry="3A225", destination="BR").handler == "licensing_office"  # NSG, not WA
    assert det(goods_kind="dual_use", control_entry="3A001", destination="BR").handler == "ministry"  # WA


def test_cwc_and_eu_items_say_wassenaar_stands_in():
    from django.utils import translation

    with translation.override("en"):  # rule texts are read in the reader's language
        texts = [str(r.text) for r in det(goods_kind="dual_use", control_entry="1C450", destination="IN").rules]
    assert any("Wassenaar" in t and "nearest" in t for t in texts)


def test_ministry_for_military_end_use_of_dual_use_goods():
    d = det(**DU, end_use="military")
    assert d.handler == "ministry" and d.general_licences == ("EU001",)


def test_ministry_for_a_catch_all_on_listed_dual_use_goods():
    d = det(**DU, catch_all=True)
    assert d.handler == "ministry" and d.general_licences == ()


@pytest.mark.parametrize("destination, handler", [("US", "ministry"), ("CN", "ministry"), ("NO", "licensing_office"), ("ZA", "licensing_office")])
def test_anti_torture_handler_by_death_penalty(destination, handler):
    assert det(goods_kind="anti_torture", control_entry="ANNEX_IV", destination=destination).handler == handler


def test_no_handler_without_licence():
    assert det(**UNLISTED).handler is None


# --- parliament ---------------------------------------------------------------------------------------
FAST = dict(ML, destination="IN", complete_system=True, value_eur="2500000.00")


def test_fast_track_for_a_large_complete_system_to_a_third_country():
    assert det(**FAST).fast_track_parliament


@pytest.mark.parametrize(
    "change",
    [
        dict(value_eur="2000000"),
        dict(complete_system=False),
        dict(destination="AU"), dict(destination="JP"), dict(destination="NZ"), dict(destination="CH"),
        dict(destination="DE"), dict(destination="TR"), dict(destination="US"),
        dict(movement="transit"), dict(movement="brokering"),
        dict(temporary=True),
        dict(goods_kind="dual_use", control_entry="3A001"),
    ],
)
def test_no_fast_track(change):
    assert not det(**{**FAST, **change}).fast_track_parliament


# --- rules that need reference rows of their own; they also prove the in-memory copy follows the database ---
def test_sensitive_destination_goes_to_the_ministry_once_an_administrator_adds_it():
    """
    Seed 002 line 84: "Politiek gevoelige aanvragen worden altijd voorgelegd ter besluitvorming aan het Ministerie
    van Buitenlandse Zaken." The group starts empty: an administrator fills it, and routing reads it at once.
    """
    from licensing.reference.models import CountryGroupMembership

    assert det(**ML, destination="DE").handler == "licensing_office"
    assert "handler.sensitive" not in fired(**ML, destination="DE")
    CountryGroupMembership.objects.create(group_id="sensitive", country_id="DE")
    d = det(**ML, destination="DE")
    assert d.handler == "ministry" and "handler.sensitive" in [r.id for r in d.rules]
    assert "handler.sensitive" not in fired(**ML, destination="FR")


def test_national_list_items_use_wassenaar_as_the_nearest_regime():
    from licensing.reference.models import ControlEntry

    ControlEntry.objects.create(code="NL-3B901", regime="national", title_en="Advanced semiconductor equipment")
    member = det(goods_kind="dual_use", control_entry="nl-3b901", destination="US")
    assert member.licence_required and member.handler == "licensing_office" and member.general_licences == ()
    assert "handler.dual_use.member.national" in [r.id for r in member.rules]
    assert "handler.dual_use.non_member.national" not in [r.id for r in member.rules]
    non_member = det(goods_kind="dual_use", control_entry="NL-3B901", destination="BR")
    assert non_member.handler == "ministry"
    assert "handler.dual_use.non_member.national" in [r.id for r in non_member.rules]
    assert "handler.dual_use.member.national" not in [r.id for r in non_member.rules]


def test_a_general_licence_switched_off_in_the_admin_is_no_longer_offered():
    from licensing.reference.models import GeneralLicence

    assert det(**DU).general_licences == ("EU001",)
    licence = GeneralLicence.objects.get(code="EU001")
    licence.active = False
    licence.save()
    assert det(**DU).general_licences == ()


def test_a_destination_removed_from_a_general_licence_is_no_longer_covered():
    from licensing.reference.models import GeneralLicence

    assert det(**DU, destination="NZ").general_licences == ("EU001",)
    GeneralLicence.objects.get(code="EU001").destinations.remove("NZ")
    assert det(**DU, destination="NZ").general_licences == ()


def test_nl003_to_nl006_also_cover_norway_iceland_and_the_uk_as_the_reference_data_says():
    d = det(**dict(ML, control_entry="ML5"), destination="NO", recipient_type="armed_forces")
    assert d.general_licences == ("NL003",) and d.handler == "licensing_office"
    assert det(**dict(ML, control_entry="ML5"), destination="US", recipient_type="armed_forces").general_licences == ()
