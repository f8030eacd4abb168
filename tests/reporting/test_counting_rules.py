"""
The report's counting rules (seed 002 line 797, "Methodologie"): maximum authorised values, no temporary
exports, no returns after repair, renewals and replacements not counted again except for a higher value.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.licences.models import Decision, Outcome
from licensing.reporting import tables

pytestmark = pytest.mark.django_db

YEAR = tables.Period(2024)


def total() -> Decimal:
    return tables.military_table(YEAR).total_eur


def categories() -> dict[str, Decimal]:
    return {r.category: r.value_eur for r in tables.military_table(YEAR).by_category}


def test_a_licence_counts_with_its_maximum_authorised_value_split_by_category(issue):
    issue("NL-1", lines=[("ML6", "100000.00"), ("ML4.b", "50000.00")])
    assert total() == Decimal("150000.00")
    assert categories() == {"ML4": Decimal("50000.00"), "ML6": Decimal("100000.00")}


def test_temporary_exports_are_not_counted(issue):
    issue("NL-1", lines=[("ML6", "100.00")])
    issue("NL-DEMO", lines=[("ML6", "999.00")], temporary=True)
    assert total() == Decimal("100.00")


def test_returns_after_repair_are_not_counted(issue):
    issue("NL-1", lines=[("ML6", "100.00")])
    issue("NL-REPAIR", lines=[("ML6", "999.00")], return_after_repair=True)
    assert total() == Decimal("100.00")


def test_a_return_after_repair_of_goods_from_elsewhere_is_counted(issue):
    """
    Seed 002 line 797: "Vergunningen voor goederen die na reparatie in Nederland retour worden gezonden, worden
    evenmin in de rapportage opgenomen. Het moet dan echter wel gaan om eerder vanuit Nederland geleverde goederen,
    waarvan de waarde daarom in een eerdere rapportage is opgenomen." Goods first delivered from elsewhere were never
    counted: their return after repair is an export like any other.
    """
    issue("NL-OURS", lines=[("ML6", "999.00")], return_after_repair=True, repaired_goods_from_netherlands=True)
    issue("NL-FOREIGN", lines=[("ML6", "250.00")], return_after_repair=True, repaired_goods_from_netherlands=False)
    assert total() == Decimal("250.00")


def test_a_renewal_at_the_same_value_is_not_counted_again(issue):
    original = issue("NL-1", lines=[("ML6", "100.00")], decided_on=date(2024, 2, 1))
    issue("NL-1-R", lines=[("ML6", "100.00")], replaces=original, decided_on=date(2024, 9, 1))
    assert total() == Decimal("100.00")


def test_a_replacement_with_a_lower_value_adds_nothing(issue):
    original = issue("NL-1", lines=[("ML6", "100.00")], decided_on=date(2024, 2, 1))
    issue("NL-1-V", lines=[("ML6", "60.00")], replaces=original, decided_on=date(2024, 9, 1))
    assert total() == Decimal("100.00")


def test_a_replacement_with_a_higher_value_counts_the_difference(issue):
    original = issue("NL-1", lines=[("ML6", "100.00")], decided_on=date(2024, 2, 1))
    issue("NL-1-V", lines=[("ML6", "130.00")], replaces=original, decided_on=date(2024, 9, 1))
    assert total() == Decimal("130.00")


def test_a_replacement_of_last_years_licence_counts_only_the_difference_this_year(issue):
    original = issue("NL-1", lines=[("ML6", "100.00")], decided_on=date(2023, 11, 1))
    issue("NL-1-V", lines=[("ML6", "130.00")], replaces=original, decided_on=date(2024, 2, 1))
    assert tables.military_table(tables.Period(2023)).total_eur == Decimal("100.00")
    assert total() == Decimal("30.00")


def test_the_difference_is_split_over_the_lines_to_the_cent_so_tables_agree(issue):
    original = issue("NL-1", destinations=["UA"], lines=[("ML6", "150.00")], decided_on=date(2024, 2, 1))
    issue("NL-1-V", destinations=["UA"], lines=[("ML10", "400.00"), ("ML2", "1.00")], replaces=original)
    table = tables.military_table(YEAR)
    # 251 extra, split 400:1 -> 250.37 + 0.63 (largest remainder): every table still adds up to 401.
    assert {r.category: r.value_eur for r in table.by_category} == {"ML2": Decimal("0.63"), "ML6": Decimal("150.00"), "ML10": Decimal("250.37")}
    assert table.total_eur == sum(r.value_eur for r in table.by_region) == sum(r.value_eur for r in table.by_country) == Decimal("401.00")


def test_split_to_cents_adds_up_exactly():
    parts = tables.split_to_cents(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(tables.split_to_cents(Decimal("0.05"), [Decimal(7), Decimal(0), Decimal(3)])) == Decimal("0.05")


def test_only_issued_definitive_exports_and_transfers_of_military_goods_in_the_period_count(issue, deny):
    issue("NL-EXPORT", lines=[("ML6", "1.00")], movement="export", destinations=["NO"])
    issue("NL-TRANSFER", lines=[("ML6", "2.00")], movement="transfer", destinations=["DE"])
    issue("NL-TRANSIT", lines=[("ML6", "40.00")], movement="transit")  # table 17
    issue("NL-BROKER", lines=[("ML6", "80.00")], movement="brokering")  # table 18
    issue("NL-DU", lines=[("3A001", "160.00")], goods_kind="dual_use")  # table 3
    issue("NL-2023", lines=[("ML6", "320.00")], decided_on=date(2023, 12, 31))
    issue("NL-2025", lines=[("ML6", "640.00")], decided_on=date(2025, 1, 1))
    issue("NL-GENERAL", lines=[("ML6", "1280.00")], kind="general")  # a registration: usage counts, not value
    deny("NL-DENIED")
    assert total() == Decimal("3.00")
    assert tables.transit_table(YEAR).total_eur == Decimal("40.00")
    assert tables.brokering_table(YEAR).total_eur == Decimal("80.00")


def test_the_monthly_overview_counts_the_month_of_the_decision(issue):
    issue("NL-JAN", lines=[("ML6", "1.00")], decided_on=date(2024, 1, 31))
    issue("NL-FEB", lines=[("ML6", "2.00")], decided_on=date(2024, 2, 1))
    issue("NL-DEC", lines=[("ML6", "4.00")], decided_on=date(2024, 12, 31))
    assert tables.military_table(tables.Period(2024, 1)).total_eur == Decimal("1.00")
    assert tables.military_table(tables.Period(2024, 2)).total_eur == Decimal("2.00")
    assert tables.military_table(tables.Period(2024, 12)).total_eur == Decimal("4.00")


def test_shares_are_percentages_of_the_total_with_two_decimals(issue):
    issue("NL-1", destinations=["MA"], lines=[("ML6", "49.00")])
    issue("NL-2", destinations=["UA"], lines=[("ML6", "9951.00")])
    shares = {r.region: r.share for r in tables.military_table(YEAR).by_region}
    assert shares["north_africa"] == Decimal("0.49")  # 0.49 %, as table 2 prints percentages
    assert shares["other_europe"] == Decimal("99.51")


def test_dual_use_kinds_and_counts(issue, deny):
    issue("DU-IND", goods_kind="dual_use", lines=[("3A001", "10.00")], destinations=["CN"])
    issue("DU-GLOB", goods_kind="dual_use", kind="global", lines=[("3B001", "1000.00")], destinations=["KR", "TW"])
    issue("DU-EU", goods_kind="dual_use", movement="transfer", lines=[("1C012", "20.00")], destinations=["DE"])
    issue("DU-CA", goods_kind="unlisted", catch_all=True, lines=[("3A001", "5.00")], destinations=["RU"])
    original = issue("DU-IND-OLD", goods_kind="dual_use", lines=[("3A001", "7.00")], destinations=["CN"], decided_on=date(2023, 5, 1))
    issue("DU-IND-V", goods_kind="dual_use", lines=[("3A001", "9.00")], destinations=["CN"], replaces=original)
    deny("DU-DENIED", goods_kind="dual_use", destination="IR")
    deny("DU-DENIED-CA", goods_kind="unlisted", destination="IR", catch_all=True)
    rows = {r.kind: r for r in tables.dual_use_table(YEAR).rows}
    assert (rows["individual"].issued_count, rows["individual"].issued_value_eur, rows["individual"].denied_count) == (1, Decimal("12.00"), 1)
    assert (rows["global"].issued_count, rows["global"].issued_value_eur) == (1, Decimal("1000.00"))
    assert (rows["intra_eu"].issued_count, rows["intra_eu"].issued_value_eur) == (1, Decimal("20.00"))
    assert (rows["catch_all"].issued_count, rows["catch_all"].issued_value_eur, rows["catch_all"].denied_count) == (1, Decimal("5.00"), 1)
    assert rows["individual"].denied_value_eur is None  # this denial records no value: unknown, not zero


def test_a_national_list_licence_counts_as_a_dual_use_licence(issue):
    """Seed 002 line 122: "Per september 2023 is de nationale regeling voor geavanceerde productieapparatuur voor
    halfgeleiders van kracht. ... Beide regelingen kennen geen rapportageverplichting zoals deze geldt in
    EU-Verordening 2021/821." The national measures add no reporting duty of their own; their licences are
    dual-use licences (art. 4 Besluit strategische goederen), so table 3 counts them with the Annex I ones, by
    kind and with their value, and the EU list's entry is not needed to count them."""
    issue("NAT-IND", goods_kind="dual_use", lines=[("3B801.f.5", "25000000.00"), ("3E805", "150000.00")], destinations=["CN"])
    issue("NAT-GLOB", goods_kind="dual_use", kind="global", lines=[("3B802.c.1", "400000.00")], destinations=["KR", "TW"])
    rows = {r.kind: r for r in tables.dual_use_table(YEAR).rows}
    assert (rows["individual"].issued_count, rows["individual"].issued_value_eur) == (1, Decimal("25150000.00"))
    assert (rows["global"].issued_count, rows["global"].issued_value_eur) == (1, Decimal("400000.00"))


def test_anti_torture_by_annex(issue):
    issue("AT-3", goods_kind="anti_torture", lines=[("ANNEX_III", "100.00")], destinations=["CW"])
    issue("AT-4a", goods_kind="anti_torture", lines=[("ANNEX_IV", "200.00")], destinations=["GB"])
    issue("AT-4b", goods_kind="anti_torture", lines=[("ANNEX_IV", "300.00")], destinations=["MY"])
    rows = {r.annex: r for r in tables.anti_torture_table(YEAR).rows}
    assert (rows["III"].licence_count, rows["III"].value_eur, rows["III"].destinations) == (1, Decimal("100.00"), ["CW"])
    assert (rows["IV"].licence_count, rows["IV"].value_eur, rows["IV"].destinations) == (2, Decimal("500.00"), ["GB", "MY"])


def test_brokering_counts_the_value_of_the_service(issue):
    issue("BR-1", movement="brokering", lines=[("ML10", "769800000.00")], destinations=["AT"], brokering_value_eur=Decimal("125000.00"), origin="BR")
    row = tables.brokering_table(YEAR).rows[0]
    assert (row.value_eur, row.origin, row.destinations, row.control_entries) == (Decimal("125000.00"), "BR", ["AT"], ["ML10"])


def test_parliament_fast_track_due_and_sent(issue, notify):
    on_time = issue("FT-1", destinations=["EG"], lines=[("ML5", "3000000.00")], complete_system=True, decided_on=date(2024, 3, 1))
    late = issue("FT-2", destinations=["SG"], lines=[("ML5", "4000000.00")], complete_system=True, decided_on=date(2024, 4, 1))
    overdue = issue("FT-3", destinations=["MY"], lines=[("ML11", "5000000.00")], complete_system=True, decided_on=date(2024, 5, 1))
    notify(on_time, due_on=date(2024, 3, 15), sent_on=date(2024, 3, 14))
    notify(late, due_on=date(2024, 4, 15), sent_on=date(2024, 4, 20))
    notify(overdue, due_on=date(2024, 5, 15))
    table = tables.parliament_table(YEAR, today=date(2024, 6, 1))
    assert [r.status for r in table.rows] == ["sent_on_time", "sent_late", "overdue"]
    assert (table.due, table.sent) == (3, 2)


def test_denial_share_per_year(issue, deny):
    for i in range(3):
        issue(f"NL-{i}", decided_on=date(2023, 6, 1))
    deny("NL-D1", decided_on=date(2023, 7, 1))
    shares = {s.year: s for s in tables.denial_share_by_year(2022, 2023)}
    assert (shares[2022].applied, shares[2022].share) == (0, Decimal("0.00"))
    assert (shares[2023].applied, shares[2023].denied, shares[2023].share) == (4, 1, Decimal("25.00"))


def test_the_denial_share_is_of_all_applications_applied_for(issue, deny):
    """
    Seed 002 footnote 27: "Het aantal afgewezen vergunningen wordt uitgedrukt als percentage van het totaal aantal
    aangevraagde vergunningen. Dit omvat mede de vergunningen die zijn aangevraagd met als eindbestemming
    EU/NAVO(+)-landen." Line 446 counts sondages (proefaanvragen) among the applications. The office's own
    EU/NATO+ licences and the sondages count in the whole; a general-licence registration and a classification
    ruling apply for no licence and do not.
    """
    on = date(2024, 5, 1)
    issue("NL-EU", destinations=["DE"], decided_on=on)  # decided by the licensing office alone
    issue("NL-NATO", destinations=["US"], decided_on=on)
    issue("NL-FAR", destinations=["SG"], decided_on=on)
    deny("NL-DENIED", destination="IL", decided_on=on)
    Decision.objects.create(reference="NL-SONDAGE", outcome=Outcome.ANSWERED, decided_on=on, goods_kind="military", licence_kind="individual", movement="export")
    Decision.objects.create(reference="NL-RULING", outcome=Outcome.RULED, decided_on=on, goods_kind="military", licence_kind="individual", movement="export")
    Decision.objects.create(reference="NL-REG", outcome=Outcome.ISSUED, decided_on=on, goods_kind="military", licence_kind="general", movement="export")
    (share,) = tables.denial_share_by_year(2024, 2024)
    assert (share.applied, share.denied, share.share) == (5, 1, Decimal("20.00"))


def test_a_negative_sondage_answer_counts_among_the_denials(issue, deny):
    """
    Seed 002 line 446: "In 2024 zijn in totaal 9 aanvragen voor uitvoer-, doorvoervergunningen en proefaanvragen
    (sondages ...) voor militaire goederen afgewezen." Figure 5 and table 3 count a negative answer as a denial.
    """
    on = date(2024, 5, 1)
    issue("NL-1", decided_on=on)
    deny("NL-D", decided_on=on)
    for reference, negative, goods_kind in (("S-NO", True, "military"), ("S-YES", False, "military"), ("S-DU", True, "dual_use")):
        Decision.objects.create(
            reference=reference, outcome=Outcome.ANSWERED, negative_answer=negative, decided_on=on, goods_kind=goods_kind,
            licence_kind="individual", movement="export", value_eur=Decimal("70.00"),
        )
    (share,) = tables.denial_share_by_year(2024, 2024)
    assert (share.applied, share.denied) == (4, 2)
    dual_use = tables.dual_use_table(YEAR)
    assert (dual_use.total.denied_count, dual_use.total.denied_value_eur) == (1, Decimal("70.00"))


def test_the_military_tables_take_a_fixed_number_of_queries(issue):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            tables.military_table(YEAR)
        return len(captured)

    issue("NL-1", destinations=["DE", "FR"])
    original = issue("NL-2", destinations=["UA"])
    issue("NL-2-V", destinations=["UA"], lines=[("ML6", "500.00")], replaces=original)
    tables.military_table(YEAR)  # fill the reference cache
    few = queries()
    for i in range(30):
        issue(f"NL-MORE-{i}", destinations=["US", "SA"] if i % 2 else ["NO"], lines=[("ML1", "1.00"), ("ML22", "2.00")])
    old = issue("NL-OLD", destinations=["NO"])
    issue("NL-OLD-V", destinations=["NO"], lines=[("ML6", "900.00")], replaces=old)
    # Two SELECTs; on PostgreSQL also SAVEPOINT, SET LOCAL jit = off, RELEASE (see tables.without_jit).
    assert queries() == few == (5 if connection.vendor == "postgresql" else 2)


# Every table that counts licences: (goods kind, movement, entry, destination, the table's counted total).
TABLES = {
    "military": ("military", "export", "ML6", "SA", lambda: tables.military_table(YEAR).total_eur),
    "transit": ("military", "transit", "ML6", "UA", lambda: tables.transit_table(YEAR).total_eur),
    "brokering": ("military", "brokering", "ML10", "AT", lambda: tables.brokering_table(YEAR).total_eur),
    "dual_use": ("dual_use", "export", "3A001", "CN", lambda: tables.dual_use_table(YEAR).total.issued_value_eur),
    "anti_torture": ("anti_torture", "export", "ANNEX_IV", "GB", lambda: sum((r.value_eur for r in tables.anti_torture_table(YEAR).rows), Decimal(0))),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_counting_rules_hold_in_every_table(issue, name):
    goods_kind, movement, entry, destination, counted = TABLES[name]
    kwargs = {"goods_kind": goods_kind, "movement": movement, "destinations": [destination]}
    issue(f"{name}-TEMP", lines=[(entry, "1000.00")], temporary=True, **kwargs)
    issue(f"{name}-REPAIR", lines=[(entry, "2000.00")], return_after_repair=True, **kwargs)
    issue(f"{name}-REPAIR-FOREIGN", lines=[(entry, "5.00")], return_after_repair=True, repaired_goods_from_netherlands=False, **kwargs)
    old = issue(f"{name}-OLD", lines=[(entry, "300.00")], decided_on=date(2023, 6, 1), **kwargs)
    issue(f"{name}-RENEWED", lines=[(entry, "300.00")], replaces=old, **kwargs)  # same value: nothing
    lower = issue(f"{name}-LOWER-OLD", lines=[(entry, "500.00")], decided_on=date(2023, 6, 1), **kwargs)
    issue(f"{name}-LOWER", lines=[(entry, "400.00")], replaces=lower, **kwargs)  # lower value: nothing
    higher = issue(f"{name}-HIGHER-OLD", lines=[(entry, "100.00")], decided_on=date(2023, 6, 1), **kwargs)
    issue(f"{name}-HIGHER", lines=[(entry, "175.00")], replaces=higher, **kwargs)  # counts the 75.00 more
    issue(f"{name}-NEW", lines=[(entry, "10.00")], **kwargs)
    assert counted() == Decimal("90.00")
