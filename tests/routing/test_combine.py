"""An application with several goods lines and destinations gets one determination."""
from licensing.routing.determination import Determination, FiredRule, combine

R1 = FiredRule("military.licence_required", "Military goods need a licence.")
R2 = FiredRule("handler.military.eu_nato_plus", "Allies: the office decides.")
R3 = FiredRule("handler.military.other_destination", "Others: the ministry decides.")
R4 = FiredRule("dual_use.free_within_eu", "No licence within the EU.")


def d(required=True, prohibited=False, handler="licensing_office", gls=(), fast=False, rules=(R1,)):
    return Determination(required, prohibited, handler, tuple(gls), fast, tuple(rules))


def test_ministry_wins_over_the_office():
    c = combine([d(handler="licensing_office"), d(handler="ministry"), d(required=False, handler=None)])
    assert c.handler == "ministry" and c.licence_required


def test_office_when_no_line_goes_to_the_ministry():
    assert combine([d(handler="licensing_office"), d(required=False, handler=None)]).handler == "licensing_office"


def test_no_handler_when_no_line_needs_a_licence():
    c = combine([d(required=False, handler=None, rules=(R4,)), d(required=False, handler=None, rules=(R4,))])
    assert c.handler is None and not c.licence_required and c.general_licences == ()


def test_anything_prohibited_makes_the_whole_prohibited_without_handler():
    c = combine([d(handler="ministry"), d(prohibited=True, handler=None)])
    assert c.prohibited and c.handler is None and c.licence_required


def test_general_licences_must_cover_every_line_that_needs_a_licence():
    c = combine([d(gls=("EU001", "EU003")), d(gls=("EU003", "EU001")), d(required=False, handler=None)])
    assert c.general_licences == ("EU001", "EU003")
    assert combine([d(gls=("EU001",)), d(gls=())]).general_licences == ()


def test_fast_track_if_any_line_qualifies():
    assert combine([d(), d(fast=True)]).fast_track_parliament
    assert not combine([d(), d()]).fast_track_parliament


def test_rules_are_the_union_in_order_each_once():
    c = combine([d(rules=(R1, R2)), d(rules=(R1, R3)), d(rules=(R2, R4))])
    assert [r.id for r in c.rules] == [R1.id, R2.id, R3.id, R4.id]


def test_empty_application_needs_nothing():
    c = combine([])
    assert c == Determination(False, False, None, (), False, ())


def test_combine_accepts_a_generator_and_as_dict_has_the_contract_keys():
    c = combine(x for x in [d(gls=("NL008",))])
    assert c.as_dict() == {
        "licence_required": True,
        "prohibited": False,
        "handler": "licensing_office",
        "general_licences": ["NL008"],
        "fast_track_parliament": False,
        "rules": [{"id": R1.id, "text": R1.text}],
        "bans": [],
        "flagged_countries": [],
    }
