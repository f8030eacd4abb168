"""manage.py import_decisions: decisions from a previous system, all or nothing, idempotent."""
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision, Licence, ParliamentNotification
from licensing.reporting import tables
from licensing.reporting.imports import COLUMNS, OPTIONAL_COLUMNS, decisions_import

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
GOOD = "NL-0001,2024-03-01,issued,military,individual,export,NO,ML6,120000.00,false,false,false,"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run(*rows: str, **kwargs):
    return decisions_import(csv_of(*rows, **kwargs))


def test_an_issued_row_becomes_a_decision_a_licence_and_a_line():
    result = run(GOOD, "NL-0002,2024-04-01,issued,military,global,export,DE;NO;US,ML10.a,5000.50,true,false,false,")
    assert (result.created, result.errors) == (2, [])
    licence = Licence.objects.select_related("decision").get(number="NL-0002")
    assert (licence.decision.source, licence.decision.outcome, licence.holder_name) == ("import", "issued", "(imported)")
    assert (licence.valid_from, licence.valid_to) == (date(2024, 4, 1), date(2026, 4, 1))
    assert (licence.value_eur, licence.complete_system, licence.kind) == (Decimal("5000.50"), True, "global")
    assert sorted(c.code for c in licence.destinations.all()) == ["DE", "NO", "US"]
    line = licence.lines.get()
    assert (line.control_entry, line.ml_category, line.value_eur) == ("ML10.a", "ML10", Decimal("5000.50"))


def test_a_denied_row_becomes_a_decision_and_one_of_our_denials():
    result = run("NL-0003,2024-06-13,denied,military,individual,export,IL;PS,ML13,0,false,false,false,")
    assert result.errors == []
    decision = Decision.objects.get(reference="NL-0003")
    assert decision.outcome == "denied" and not Licence.objects.filter(decision=decision).exists()
    entry = DenialRegisterEntry.objects.get(reference="NL-0003")
    assert (entry.own, entry.notifying_state_id, entry.destination_id, entry.goods_description, entry.criteria) == (True, "NL", "IL", "ML13", [])
    assert entry.notified_on == date(2024, 6, 13) and entry.decision == decision


@pytest.mark.parametrize(
    "row,error",
    [
        (",2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,", "row 2: reference: required"),
        ("NL-1,2024-02-30,issued,military,individual,export,NO,ML6,1.00,false,false,false,", "row 2: decided_on: '2024-02-30' is not a date (YYYY-MM-DD)"),
        ("NL-1,01-03-2024,issued,military,individual,export,NO,ML6,1.00,false,false,false,", "row 2: decided_on: '01-03-2024' is not a date (YYYY-MM-DD)"),
        ("NL-1,2024-03-01,granted,military,individual,export,NO,ML6,1.00,false,false,false,", "row 2: decision: 'granted' is not one of issued, denied"),
        ("NL-1,2024-03-01,issued,weapons,individual,export,NO,ML6,1.00,false,false,false,", "row 2: goods_kind: 'weapons' is not one of military, dual_use, anti_torture"),
        ("NL-1,2024-03-01,issued,military,open,export,NO,ML6,1.00,false,false,false,", "row 2: licence_kind: 'open' is not one of individual, global, general"),
        ("NL-1,2024-03-01,issued,military,individual,import,NO,ML6,1.00,false,false,false,", "row 2: movement: 'import' is not one of export, transfer, transit, brokering"),
        ("NL-1,2024-03-01,issued,military,individual,export,QQ,ML6,1.00,false,false,false,", "row 2: destinations: unknown country code 'QQ'"),
        ("NL-1,2024-03-01,issued,military,individual,export,,ML6,1.00,false,false,false,", "row 2: destinations: give at least one ISO country code"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO;NO,ML6,1.00,false,false,false,", "row 2: destinations: a country appears twice"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,3A001,1.00,false,false,false,", "row 2: control_entry: 3A001 is a dual-use entry, not one for military goods"),
        ("NL-1,2024-03-01,issued,dual_use,individual,export,NO,ML6,1.00,false,false,false,", "row 2: control_entry: ML6 is a military entry, not one for dual-use goods"),
        ("NL-1,2024-03-01,issued,anti_torture,individual,export,NO,ML6,1.00,false,false,false,", "row 2: control_entry: ML6 is a military entry, not one for anti-torture goods"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML99,1.00,false,false,false,", "row 2: control_entry: Unknown control entry 'ML99': the Military List has ML1 to ML22."),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,\"1,00\",false,false,false,", "row 2: value_eur: '1,00' is not a decimal number ('.' as decimal separator)"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,abc,false,false,false,", "row 2: value_eur: 'abc' is not a decimal number ('.' as decimal separator)"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,-5,false,false,false,", "row 2: value_eur: '-5' must be 0 or more, with at most two decimals"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.001,false,false,false,", "row 2: value_eur: '1.001' must be 0 or more, with at most two decimals"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,yes,false,false,", "row 2: complete_system: 'yes' is not true or false"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,1,false,", "row 2: temporary: '1' is not true or false"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,no,", "row 2: return_after_repair: 'no' is not true or false"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,NL-0", "row 2: replaces: no licence NL-0 in this file or already imported"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,NL-1", "row 2: replaces: a licence cannot replace itself"),
        ("NL-1,2024-03-01,denied,military,individual,export,NO,ML6,1.00,false,false,false,NL-0", "row 2: replaces: a denial replaces no licence"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false", "row 2: columns: 11 columns, expected 13"),
        ("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,,true", "row 2: columns: 14 columns, expected 13"),
    ],
)
def test_each_invalid_field_is_reported_by_row_and_nothing_is_saved(row, error):
    result = run(GOOD.replace("NL-0001", "NL-OK"), row)
    assert error.replace("row 2", "row 3") in result.errors
    assert result.created == 0
    assert not Decision.objects.exists()


def test_a_wrong_header_is_refused():
    result = run(GOOD, header=HEADER.replace("decided_on", "date"))
    assert result.errors == [f"header: expected {HEADER}, then any of {','.join(OPTIONAL_COLUMNS)}; got {HEADER.replace('decided_on', 'date')}"]


def test_every_error_of_every_row_is_reported_at_once():
    result = run(
        "NL-1,2024-13-01,issued,military,individual,export,QQ,ML6,1.00,false,false,false,",
        GOOD,
        "NL-0001,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,",
    )
    assert result.errors == [
        "row 2: decided_on: '2024-13-01' is not a date (YYYY-MM-DD)",
        "row 2: destinations: unknown country code 'QQ'",
        "row 4: reference: NL-0001 appears twice in the file (first in row 3)",
    ]
    assert not Decision.objects.exists()


def test_a_replacement_may_name_a_licence_of_the_same_file_or_one_already_imported():
    assert run(GOOD).errors == []
    result = run(
        "NL-0002,2024-05-01,issued,military,individual,export,NO,ML6,150000.00,false,false,false,NL-0001",
        "NL-0003,2024-06-01,issued,military,individual,export,NO,ML6,150000.00,false,false,false,NL-0004",
        "NL-0004,2024-05-15,issued,military,individual,export,NO,ML6,150000.00,false,false,false,",
    )
    assert result.errors == []
    assert Licence.objects.get(number="NL-0002").replaces.number == "NL-0001"
    assert Licence.objects.get(number="NL-0003").replaces.number == "NL-0004"
    # Counted: 120.000 + the replacement's extra 30.000 + 150.000; NL-0003 replaces NL-0004 at the same value.
    assert tables.military_table(tables.Period(2024)).total_eur == Decimal("300000.00")


def test_a_replacement_must_name_an_issued_licence_decided_before_it():
    result = run(
        "NL-D,2024-03-01,denied,military,individual,export,IL,ML6,0,false,false,false,",
        "NL-1,2024-04-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,NL-D",
        "NL-2,2024-04-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,NL-3",
        "NL-3,2024-05-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,",
    )
    assert result.errors == [
        "row 3: replaces: NL-D (row 2) is a denial, not a licence",
        "row 4: replaces: NL-3 was decided after this licence",
    ]


def test_importing_the_same_file_twice_adds_nothing():
    rows = (GOOD, "NL-0003,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,", "NL-0004,2024-07-01,issued,military,individual,export,NO,ML6,150000.00,false,false,false,NL-0001")
    first, second = run(*rows), run(*rows)
    assert (first.created, first.unchanged, first.errors) == (3, 0, [])
    assert (second.created, second.unchanged, second.errors) == (0, 3, [])
    assert Decision.objects.count() == 3 and DenialRegisterEntry.objects.count() == 1


def test_a_known_reference_with_other_content_is_an_error_and_nothing_is_saved():
    run(GOOD)
    result = run("NL-NEW,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,", GOOD.replace("120000.00", "130000.00"))
    assert result.errors == ["row 3: reference: NL-0001 already exists with other content"]
    assert not Decision.objects.filter(reference="NL-NEW").exists()


def test_the_command_prints_row_errors_and_fails(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_bytes(csv_of(GOOD, "NL-2,2024-03-01,issued,military,individual,export,XX,ML6,1.00,false,false,false,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 error"):
        call_command("import_decisions", str(path), stderr=err)
    assert "row 3: destinations: unknown country code 'XX'" in err.getvalue()
    assert not Decision.objects.exists()


def test_the_command_reports_what_it_imported(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_bytes(csv_of(GOOD))
    out = io.StringIO()
    call_command("import_decisions", str(path), stdout=out)
    call_command("import_decisions", str(path), stdout=out)
    assert out.getvalue().splitlines() == ["Imported 1 decision(s); 0 already imported.", "Imported 0 decision(s); 1 already imported."]


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_decisions", str(tmp_path / "nope.csv"))


def test_every_imported_decision_keeps_its_value_so_table_3_values_denials():
    result = run(
        "DU-1,2024-02-01,denied,dual_use,individual,export,CN,3B001,9000000.00,false,false,false,",
        "DU-2,2024-02-02,denied,dual_use,global,export,CN;RU,3B001,95000000.00,false,false,false,",
        "DU-3,2024-02-03,issued,dual_use,individual,export,KR,3B001,352.00,false,false,false,",
    )
    assert result.errors == []
    assert dict(Decision.objects.values_list("reference", "value_eur")) == {"DU-1": Decimal("9000000.00"), "DU-2": Decimal("95000000.00"), "DU-3": Decimal("352.00")}
    rows = {r.kind: r for r in tables.dual_use_table(tables.Period(2024)).rows}
    assert (rows["individual"].denied_value_eur, rows["global"].denied_value_eur, rows["individual"].issued_value_eur) == (
        Decimal("9000000.00"), Decimal("95000000.00"), Decimal("352.00")
    )


# The parliament fast-track rule (PROCESS.md 6.3), as routing applies it: a new licence for the definitive export of
# a complete military system worth more than EUR 2 million to a destination outside the EU, NATO and NATO+.
FAST_TRACK = "NL-FT,2024-03-01,issued,military,individual,export,SA,ML6,2500000.00,true,false,false,"


@pytest.mark.parametrize(
    "row,notified",
    [
        (FAST_TRACK, True),
        (FAST_TRACK.replace(",SA,", ",US,"), False),  # NATO member
        (FAST_TRACK.replace(",SA,", ",JP,"), False),  # NATO+
        (FAST_TRACK.replace(",SA,", ",DE;SA,"), True),  # any destination outside the allies
        (FAST_TRACK.replace("2500000.00", "2000000.00"), False),  # not more than EUR 2 million
        (FAST_TRACK.replace(",true,false,false,", ",false,false,false,"), False),  # not a complete system
        (FAST_TRACK.replace(",true,false,false,", ",true,true,false,"), False),  # temporary export
        (FAST_TRACK.replace(",export,", ",transit,"), False),  # not an export
        (FAST_TRACK.replace(",issued,", ",denied,"), False),  # no licence
        ("DU-FT,2024-03-01,issued,dual_use,individual,export,SA,3B001,2500000.00,true,false,false,", False),  # not military
    ],
)
def test_an_imported_licence_meeting_the_fast_track_rule_gets_its_parliament_notice(row, notified):
    assert run(row).errors == []
    notices = list(ParliamentNotification.objects.select_related("licence"))
    assert bool(notices) is notified
    if notified:
        assert notices[0].licence.number == "NL-FT" and notices[0].due_on == date(2024, 3, 15) and notices[0].sent_on is None


def test_an_imported_replacement_gets_no_second_notice_and_a_reimport_none_at_all():
    replacement = "NL-FT2,2024-06-01,issued,military,individual,export,SA,ML6,3000000.00,true,false,false,NL-FT"
    assert run(FAST_TRACK, replacement).errors == []
    assert run(FAST_TRACK, replacement).created == 0
    assert list(ParliamentNotification.objects.values_list("licence__number", flat=True)) == ["NL-FT"]


def test_the_parliament_table_counts_imported_notices_as_due_with_sending_not_recorded():
    assert run(FAST_TRACK, GOOD).errors == []
    table = tables.parliament_table(tables.Period(2024), today=date(2025, 1, 1))
    assert (table.due, table.sent) == (1, 0)
    assert [(r.licence, r.status, r.value_eur) for r in table.rows] == [("NL-FT", "not_recorded", Decimal("2500000.00"))]


def test_imported_notices_are_not_on_the_officers_to_send_list_but_show_on_the_page(api_as, officer):
    from django.test import Client

    assert run(FAST_TRACK).errors == []
    client = api_as(officer)
    assert client.get("/api/v1/office/parliament/?due=true").json()["count"] == 0
    assert [n["licence"] for n in client.get("/api/v1/office/parliament/").json()["results"]] == ["NL-FT"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(officer)
    html = page.get("/office/parliament/").content.decode()
    assert "NL-FT" in html and "Imported: sending not recorded" in html


def test_the_optional_column_says_whether_repaired_goods_came_from_the_netherlands():
    """
    Seed 002 line 797: return-after-repair licences are left out "Het moet dan echter wel gaan om eerder vanuit
    Nederland geleverde goederen". A file may say so per row; without the column a return after repair is taken to
    be of our own goods (the previous system left them all out).
    """
    header = HEADER + ",repaired_goods_from_netherlands"
    result = run(
        "NL-OURS,2024-03-01,issued,military,individual,export,NO,ML6,100.00,false,false,true,,true",
        "NL-FOREIGN,2024-03-01,issued,military,individual,export,NO,ML6,40.00,false,false,true,,false",
        "NL-SALE,2024-03-01,issued,military,individual,export,NO,ML6,2.00,false,false,false,,",
        header=header,
    )
    assert (result.created, result.errors) == (3, [])
    assert tables.military_table(tables.Period(2024)).total_eur == Decimal("42.00")
    assert run("NL-OLD,2024-03-01,issued,military,individual,export,NO,ML6,7.00,false,false,true,").errors == []
    assert Licence.objects.get(number="NL-OLD").repaired_goods_from_netherlands is True
    again = run("NL-FOREIGN,2024-03-01,issued,military,individual,export,NO,ML6,40.00,false,false,true,,false", header=header)
    assert (again.created, again.unchanged, again.errors) == (0, 1, [])
    changed = run("NL-FOREIGN,2024-03-01,issued,military,individual,export,NO,ML6,40.00,false,false,true,,true", header=header)
    assert changed.errors == ["row 2: reference: NL-FOREIGN already exists with other content"]


def test_only_a_return_after_repair_says_where_the_goods_came_from():
    result = run("NL-1,2024-03-01,issued,military,individual,export,NO,ML6,1.00,false,false,false,,true", header=HEADER + ",repaired_goods_from_netherlands")
    assert result.errors == ["row 2: repaired_goods_from_netherlands: only a return after repair (return_after_repair true) can be true"]
    unknown = run(GOOD, header=HEADER + ",colour")
    assert unknown.errors and unknown.errors[0].startswith("header:")
    twice = run(GOOD + ",,", header=HEADER + ",repaired_goods_from_netherlands,repaired_goods_from_netherlands")
    assert twice.errors and twice.errors[0].startswith("header:")


def test_parties_grounds_and_goods_carry_into_the_register_and_the_licence():
    """
    Issue 19.8: "Give import_decisions optional columns consignee, end_user, criteria, goods_description (denied rows
    carry them into the register, with their criteria)". Seed 002 table 18 lists each denial with "Korte
    omschrijving", "Ontvanger", "Eindgebruiker" and "Reden weigering (criterium/criteria)".
    """
    header = HEADER + ",consignee,end_user,criteria,goods_description"
    result = run(
        "NL-D,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,,Yakhin Hakal Ltd.,Israeli Defence Forces,7;2;4;6,Ballistische helmen",
        "NL-I,2024-03-01,issued,military,individual,export,NO,ML5,10.00,false,false,false,,Kongsberg,Royal Norwegian Navy,,Radar module",
        header=header,
    )
    assert (result.created, result.errors) == (2, [])
    entry = DenialRegisterEntry.objects.select_related("decision").get(reference="NL-D")
    assert (entry.goods_description, entry.consignee, entry.end_user, entry.criteria) == ("Ballistische helmen", "Yakhin Hakal Ltd.", "Israeli Defence Forces", [2, 4, 6, 7])
    assert entry.decision.criteria == [2, 4, 6, 7]
    (row,) = tables.denial_table(tables.Period(2024)).rows
    assert (row.goods, row.consignee, row.end_user, row.criteria) == ("Ballistische helmen", "Yakhin Hakal Ltd.", "Israeli Defence Forces", [2, 4, 6, 7])
    licence = Licence.objects.get(number="NL-I")
    assert (licence.consignee, licence.end_user, licence.lines.get().description) == ("Kongsberg", "Royal Norwegian Navy", "Radar module")
    again = run(
        "NL-D,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,,Yakhin Hakal Ltd.,Israeli Defence Forces,2;4;6;7,Ballistische helmen",
        header=header,
    )
    assert (again.created, again.unchanged, again.errors) == (0, 1, [])
    changed = run("NL-D,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,,Other Ltd.,Israeli Defence Forces,2;4;6;7,Ballistische helmen", header=header)
    assert changed.errors == ["row 2: reference: NL-D already exists with other content"]


@pytest.mark.parametrize(
    "cells, error",
    [
        (("", "", "0;9", ""), "row 2: criteria: '0;9' must be criterion numbers 1-8 separated by ';'"),
        (("", "", "two", ""), "row 2: criteria: 'two' must be criterion numbers 1-8 separated by ';'"),
        (("", "x" * 301, "", ""), "row 2: end_user: longer than 300 characters"),
        (("", "", "", "y" * 2001), "row 2: goods_description: longer than 2000 characters"),
    ],
)
def test_the_optional_columns_are_checked_row_by_row(cells, error):
    row = "NL-D,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,," + ",".join(cells)
    result = run(row, header=HEADER + ",consignee,end_user,criteria,goods_description")
    assert result.errors == [error] and not Decision.objects.exists()


def test_an_issued_row_cites_no_criteria():
    result = run(GOOD + ",7", header=HEADER + ",criteria")
    assert result.errors == ["row 2: criteria: only a denial cites criteria"]


def test_the_catch_all_column_puts_decisions_in_table_3s_catch_all_row():
    """Seed 002 table 3 (lines 466-497) has a row "Catch All": the dual-use licences issued and denied under a catch-all
    decision ("een ad hoc vergunningplicht ... opgelegd (een catch-all besluit)" on goods "die niet vergunningplichtig
    zijn (ongecontroleerd)"). Unlisted goods have no entry; a catch-all on listed dual-use items counts there too."""
    header = HEADER + ",catch_all"
    rows = [
        "CA-1,2024-02-01,issued,unlisted,individual,export,PK,,1000.00,false,false,false,,true",
        "CA-2,2024-02-02,issued,dual_use,individual,transit,AE,3A225,500.00,false,false,false,,true",
        "CA-3,2024-02-03,denied,unlisted,individual,export,IN,,70.00,false,false,false,,true",
        "DU-1,2024-02-04,issued,dual_use,individual,export,US,3B001,9.00,false,false,false,,false",
    ]
    result = run(*rows, header=header)
    assert result.errors == []
    assert run(*rows, header=header).unchanged == 4  # importing again adds nothing
    rows_3 = {r.kind: r for r in tables.dual_use_table(tables.Period(2024)).rows}
    assert (rows_3["catch_all"].issued_count, rows_3["catch_all"].issued_value_eur) == (2, Decimal("1500.00"))
    assert (rows_3["catch_all"].denied_count, rows_3["catch_all"].denied_value_eur) == (1, Decimal("70.00"))
    assert rows_3["individual"].issued_count == 1
    assert Licence.objects.get(number="CA-1").lines.get().control_entry == ""


@pytest.mark.parametrize(
    "row, error",
    [
        ("X-1,2024-02-01,issued,unlisted,individual,export,PK,,1.00,false,false,false,,false", "row 2: goods_kind: 'unlisted' is not one of"),
        ("X-1,2024-02-01,issued,military,individual,export,PK,ML1,1.00,false,false,false,,true", "row 2: goods_kind: 'military' is not one of dual_use, unlisted"),
        ("X-1,2024-02-01,issued,unlisted,individual,export,PK,3A225,1.00,false,false,false,,true", "row 2: control_entry: unlisted goods have no control-list entry"),
        ("X-1,2024-02-01,issued,dual_use,individual,export,PK,3A225,1.00,false,false,false,,maybe", "row 2: catch_all: 'maybe' is not true or false"),
    ],
)
def test_the_catch_all_column_is_checked_row_by_row(row, error):
    result = run(row, header=HEADER + ",catch_all")
    assert any(e.startswith(error) for e in result.errors), result.errors
    assert not Decision.objects.exists()
