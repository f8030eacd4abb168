"""Whether a general licence covers a destination on a day: one rule (licensing.reference.general_licences),
and routing and usage reports, its two callers, give the same answer for every licence, country and day."""
import datetime

import pytest
from django.utils import translation

from licensing.licences.usage import general_licence_refusal
from licensing.reference import general_licences
from licensing.reference.general_licences import Refusal
from licensing.reference.models import Country, CountryGroupMembership, DestinationRule, GeneralLicence, GroupCode
from licensing.routing.determination import Facts, determine, situation
from licensing.routing.reference_data import clear as clear_cache

pytestmark = pytest.mark.django_db

# Before and on NL900's first day (1 December 2024), and a day long after every licence started.
DAYS = (datetime.date(2024, 11, 30), datetime.date(2024, 12, 1), datetime.date(2026, 6, 1))


def goods_kind(licence: GeneralLicence) -> str:
    return "military" if licence.kind == "military" else "dual_use"


def routing_covers(licence: GeneralLicence, country: str, day: datetime.date) -> bool:
    """What routing makes of it: the licence is usable for this destination, on this day, for a movement it
    allows and an ordinary civil end use (nothing else that bars general licences)."""
    movement = sorted(licence.movements.split(","))[0]
    s = situation(Facts(goods_kind=goods_kind(licence), movement=movement, destination=country, on=day))
    return s.general_licence_usable(licence.code, licence.kind)


def usage_covers(licence: GeneralLicence, country: str, day: datetime.date) -> bool:
    return general_licence_refusal(licence, country, on=day) is None


def answers(licences, countries):
    routing = {(gl.code, c, d): routing_covers(gl, c, d) for gl in licences for c in countries for d in DAYS}
    usage = {(gl.code, c, d): usage_covers(gl, c, d) for gl in licences for c in countries for d in DAYS}
    return routing, usage


def test_routing_and_usage_agree_for_every_general_licence_country_and_day():
    licences = list(GeneralLicence.objects.all())
    countries = list(Country.objects.values_list("code", flat=True))
    assert len(licences) >= 16 and len(countries) > 190
    routing, usage = answers(licences, countries)
    disagreements = sorted(key for key in routing if routing[key] != usage[key])
    assert disagreements == []
    # Not trivially equal: both say yes somewhere and no somewhere, and for reasons beyond the list.
    assert any(routing.values()) and not all(routing.values())
    assert routing[("EU001", "US", DAYS[2])] and not routing[("EU001", "CN", DAYS[2])]


def test_nl900_covers_no_destination_while_its_destinations_are_unknown():
    """Seed 002 line 568: NL900 eases exports "naar bepaalde bestemmingen" (to certain destinations); its list is
    not in the reference data, so neither routing nor usage lets it cover any country (usage used to accept every
    country not under an arms embargo)."""
    nl900 = GeneralLicence.objects.get(code="NL900")
    assert nl900.destination_rule == DestinationRule.UNKNOWN
    day = DAYS[2]
    for country in Country.objects.values_list("code", flat=True):
        assert not routing_covers(nl900, country, day) and not usage_covers(nl900, country, day)
    assert general_licences.refusal("NL900", "US", on=day) is Refusal.DESTINATIONS_UNKNOWN
    with translation.override("en"):
        assert "not recorded in the reference data" in general_licence_refusal(nl900, "US", on=day)
    with translation.override("nl"):
        assert "staan niet in de referentiegegevens" in general_licence_refusal(nl900, "US", on=day)


def test_once_an_administrator_records_nl900s_destinations_both_callers_follow(django_capture_on_commit_callbacks):
    nl900 = GeneralLicence.objects.get(code="NL900")
    with django_capture_on_commit_callbacks(execute=True):
        nl900.destination_rule = DestinationRule.LISTED
        nl900.save()
        nl900.destinations.set(["JP", "US", "KP"])  # KP: under an arms embargo, so still not covered
    clear_cache()
    countries = ["JP", "US", "KP", "CN", "DE"]
    routing, usage = answers([nl900], countries)
    assert routing == usage
    assert {c for (_, c, d), yes in usage.items() if yes and d == DAYS[2]} == {"JP", "US"}
    # Not before its first day in force, for either.
    assert not routing[("NL900", "JP", DAYS[0])] and routing[("NL900", "JP", DAYS[1])]
    assert general_licences.refusal("NL900", "JP", on=DAYS[0]) is Refusal.NOT_IN_FORCE
    assert general_licences.refusal("NL900", "KP", on=DAYS[2]) is Refusal.EMBARGO


def test_one_embargo_source_every_kind_of_embargo_bars_both(django_capture_on_commit_callbacks):
    """Routing's situation and the coverage rule read arms_embargoes(), the arms_embargo group with its kinds."""
    kinds = dict(CountryGroupMembership.objects.filter(group=GroupCode.ARMS_EMBARGO).values_list("country", "kind"))
    assert general_licences.arms_embargoes() == {c: k or "unspecified" for c, k in kinds.items()}
    assert {"full", "partial", "political"} <= set(kinds.values())
    clear_cache()
    s = situation(Facts(goods_kind="dual_use", movement="export", destination="DE"))
    assert s.embargoes == general_licences.arms_embargoes()
    # An embargo added in the admin reaches both callers (EU001 lists Japan).
    eu001 = GeneralLicence.objects.get(code="EU001")
    assert routing_covers(eu001, "JP", DAYS[2]) and usage_covers(eu001, "JP", DAYS[2])
    with django_capture_on_commit_callbacks(execute=True):
        CountryGroupMembership.objects.create(group_id=GroupCode.ARMS_EMBARGO, country_id="JP", kind="political")
    clear_cache()
    assert not routing_covers(eu001, "JP", DAYS[2]) and not usage_covers(eu001, "JP", DAYS[2])


def test_the_determination_offers_a_general_licence_only_from_its_first_day():
    """EU008 (new in Regulation (EU) 2021/821, 9 September 2021): a determination for a day before does not offer it."""
    facts = dict(goods_kind="dual_use", movement="export", destination="IN", control_entry="5A002.a.2")
    assert "EU008" in determine(Facts(**facts, on=datetime.date(2024, 1, 1))).general_licences
    assert "EU008" not in determine(Facts(**facts, on=datetime.date(2021, 9, 8))).general_licences


def test_terms_that_depend_on_origin_and_movement_are_the_same_for_routing_and_usage():
    """
    Seed 002 table 12 ("NL006 (reparatie, onderhoud en revisie ...)") reports returns after repair to Canada and the
    United States; table 13 ("NL007 (afkomstig van bondgenoten)") reports transit to China. NL006 covers NATO members
    for a return only; NL007 is barred by full and partial arms embargoes (Iraq), not by the EU's political
    declaration on China, and only for goods of allied origin.
    """
    day = DAYS[2]
    nl006, nl007 = general_licences.all_terms()["NL006"], general_licences.all_terms()["NL007"]
    embargoes = general_licences.arms_embargoes()
    assert nl006.covers("US", on=day, embargoes=embargoes) and nl006.covers("CA", on=day, embargoes=embargoes)
    assert not nl006.covers("US", on=day, embargoes=embargoes, origin="DE")  # not going back where it came from
    assert nl006.refusal("JP", on=day, embargoes=embargoes) is Refusal.NOT_LISTED
    assert nl007.covers("CN", on=day, embargoes=embargoes, origin="DE")
    assert nl007.refusal("CN", on=day, embargoes=embargoes, origin="CN") is Refusal.ORIGIN
    assert nl007.refusal("IQ", on=day, embargoes=embargoes) is Refusal.EMBARGO
    assert nl007.refusal("AZ", on=day, embargoes=embargoes) is Refusal.EXCLUDED  # the OSCE's request
    transit_to_china = determine(Facts(goods_kind="military", movement="transit", destination="CN", control_entry="ML11", on=day))
    assert transit_to_china.general_licences == ("NL007",)
    assert "general_licence.excluded" not in [r.id for r in transit_to_china.rules]
    export_to_china = determine(Facts(goods_kind="military", movement="export", destination="CN", control_entry="ML11", on=day))
    assert export_to_china.general_licences == () and "general_licence.excluded" in [r.id for r in export_to_china.rules]
    repair_to_us = determine(Facts(goods_kind="military", movement="export", destination="US", control_entry="ML5", purpose="repair", on=day))
    assert "NL006" in repair_to_us.general_licences
