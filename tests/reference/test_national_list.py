"""
The Dutch national control list (issue 19.11): the entries of the "Regeling geavanceerde productieapparatuur voor
halfgeleiders" (BWBR0048439) are reference data with their source, and the mechanism - parsing, determination,
submission and routing - is proven on them rather than on made-up rows. Reporting: tests/reporting/test_counting_rules.py.
"""
import pytest
from django.utils import translation

from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference.models import ControlEntry, ControlRegime
from licensing.routing.determination import Facts, determine
from tests.factories import application_payload

pytestmark = pytest.mark.django_db

LITHOGRAPHY = "3B801.f.5"  # DUV immersion scanners with a dedicated chuck overlay of 1.50 nm or less


def det(destination="CN", movement="export", control_entry=LITHOGRAPHY, **kw):
    return determine(Facts(goods_kind="dual_use", movement=movement, destination=destination, control_entry=control_entry, **kw))


def test_the_regulations_entries_are_stored_with_their_source():
    """Annex of BWBR0048439: "'Productieapparatuur', 'programmatuur' en 'technologie' voor halfgeleiderelementen of
    materialen, niet gecontroleerd onder 3B001, 3D001, 3D002 en 3E001 ... als hieronder" - 3B801, 3B802, software
    3D805-3D809 and technology 3E805-3E808, each on the national list with the regulation named as its source."""
    national = ControlEntry.objects.filter(regime=ControlRegime.NATIONAL)
    codes = set(national.values_list("code", flat=True))
    assert {"3B801", "3B801.a.4", "3B801.d.1", "3B801.f.5", "3B801.f.6", "3B801.l", "3B802.c.1", "3D805", "3D809", "3E808"} <= codes
    assert all("BWBR0048439" in source for source in national.values_list("source", flat=True))
    assert ControlEntry.objects.get(code=LITHOGRAPHY).parent.code == "3B801"


@pytest.mark.parametrize("written, code", [("3b801.F.5", "3B801.f.5"), ("3B801.d.1.a", "3B801.d.1.a"), ("3e807", "3E807"), ("3B801 .l", "3B801.l")])
def test_a_national_entry_or_its_sub_item_parses_as_national(written, code):
    """The regulation's codes reuse the Annex I shape; a stored national entry and its sub-items are on the national
    list, never read as an Annex I item of that name (which has no regime, no Annex IV answer)."""
    parsed = parse_entry(written)
    assert (parsed.code, parsed.regime, parsed.export_regime) == (code, "national", None)
    assert parse_entry("3B001.f.1").regime == "dual_use"  # the Annex I neighbour stays on the EU list


def test_a_malformed_sub_item_of_a_national_entry_is_refused():
    with translation.override("en"), pytest.raises(InvalidControlEntry, match="sub-entries are letters and numbers"):
        str(parse_entry("3B801.f.5.!"))


def test_export_out_of_the_eu_needs_a_licence_and_the_ministry_decides_for_a_non_wassenaar_destination():
    """Art. 2 BWBR0048439: "Het is verboden zonder vergunning van de Minister geavanceerde productieapparatuur voor
    halfgeleiders uit te voeren uit Nederland." PROCESS.md (who decides): a dual-use destination outside the
    controlling regime goes to the ministry; no regime controls a national item, so Wassenaar stands in."""
    d = det(destination="CN")
    ids = [r.id for r in d.rules]
    assert d.licence_required and not d.prohibited
    assert "dual_use.leaves_eu" in ids and "handler.dual_use.non_member.national" in ids
    assert d.handler == "ministry"


def test_to_a_wassenaar_participant_the_licensing_office_decides_and_no_general_licence_covers_it():
    """EU001 covers Annex I items only, and NL900 belongs to the other national regulation (BWBR0050313, seed 002
    line 568): neither is offered for the semiconductor regulation's items."""
    d = det(destination="JP")
    assert d.licence_required and d.handler == "licensing_office"
    assert "handler.dual_use.member.national" in [r.id for r in d.rules]
    assert d.general_licences == ()


def test_a_transfer_to_another_member_state_needs_no_licence():
    """Art. 1 BWBR0048439: "uitvoer: uitvoer als bedoeld in artikel 2, onderdeel 2, van de Verordening producten
    voor tweeërlei gebruik" - an export leaves the EU; a transfer to a member state is not one."""
    d = det(destination="DE", movement="transfer")
    assert not d.licence_required


@pytest.mark.parametrize("goods_kind, accepted", [("dual_use", True), ("military", False), ("anti_torture", False)])
def test_submission_takes_a_national_entry_on_dual_use_goods_only(goods_kind, accepted, api_as, exporter_a):
    """The national list extends the dual-use list (Art. 9 of Regulation (EU) 2021/821; BWBR0048439 is made under
    art. 4 of the Besluit strategische goederen, dual-use goods not in Annex I): a military or anti-torture goods
    line may not name it."""
    client = api_as(exporter_a)
    line = {"goods_kind": goods_kind, "description": "DUV immersion scanner", "control_entry": "3b801.f.5", "quantity": "1", "value_eur": "25000000.00"}
    draft = client.post("/api/v1/applications/", application_payload(goods=[line]), format="json").json()
    submitted = client.post(f"/api/v1/applications/{draft['id']}/submit/")
    errors = (submitted.json().get("fields") or {}).get("goods[0].control_entry")
    if accepted:
        assert not errors
    else:
        assert errors and "not on a list for" in errors[0]
