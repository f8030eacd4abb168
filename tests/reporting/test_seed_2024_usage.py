"""
Round trip of reported usage: the realisations of 2024 reconstructed from seed 002's tables 4 and 9-15
(fixtures/demo/usage_2024.csv, written by tests/reporting/make_demo_usage.py from the transcription in
tests/reporting/seed_usage_2024.py), imported with import_usage after the decisions of fixtures/demo, reproduce
those tables cell by cell as the report prints them: every country's value at the cell's own number of decimals,
its ML codes, and the table's total.

No cell of these tables contradicts another: the printed cells of each table admit values whose sum prints as its
printed total (table 9: the cells as printed add up to 43,02 and the total prints 43; table 12: they add up to
46,40 against 46,44, within what cells printed as "1,8", "3,8", "2,8" leave).
"""
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from licensing.accounts.models import Organisation
from licensing.demo.data import ORGANISATIONS
from licensing.licences.models import Decision, Registration, UsageReport
from licensing.reporting import tables, usage
from tests.reporting.make_demo_usage import BREACH_DESTINATION, DEMO_REGISTRATIONS, HOLDER
from tests.reporting.seed_usage_2024 import TABLE_4, TABLES, as_printed, printed_value

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
YEAR = tables.Period(2024)


def demo_registrations() -> None:
    """The demo exporter (KvK 12345678) and its registrations the usage file names (import_usage needs them)."""
    spec = next(o for o in ORGANISATIONS if o["kvk_number"] == HOLDER)
    organisation, _ = Organisation.objects.update_or_create(kvk_number=HOLDER, defaults={k: v for k, v in spec.items() if k != "key"})
    for code, number in DEMO_REGISTRATIONS.items():
        decision = Decision.objects.create(
            reference=f"REG-{number}", outcome="issued", decided_on=date(2023, 1, 2), goods_kind="dual_use" if code.startswith("EU") else "military",
            licence_kind="general", movement="export",
        )
        Registration.objects.create(number=number, general_licence_id=code, organisation=organisation, decision=decision, registered_on=decision.decided_on)


@pytest.fixture(scope="module")
def usage_2024(django_db_setup, django_db_blocker):
    """Imported once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_decisions", str(DEMO / "decisions_2024.csv"), stdout=io.StringIO())
        demo_registrations()
        out, err = io.StringIO(), io.StringIO()
        call_command("import_usage", str(DEMO / "usage_2024.csv"), stdout=out, stderr=err)
        assert err.getvalue() == "", err.getvalue()
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.parametrize("key", list(TABLES))
def test_tables_9_to_15_are_reproduced_cell_by_cell(usage_2024, key):
    printed_total, cells = TABLES[key]
    table = usage.general_licence_usage(YEAR, table=key)
    got = {r.country: (as_printed(r.value_eur, cells[r.country][0]) if r.country in cells else r.value_eur, r.categories) for r in table.rows}
    assert got == {country: (printed_value(printed), [f"ML{c}" for c in categories]) for country, (printed, categories) in cells.items()}
    assert as_printed(table.total_eur, printed_total) == printed_value(printed_total)
    assert table.missing == []


def test_table_4_ranks_the_top_ten_as_the_report_does(usage_2024):
    """
    Seed 002 line 505: "Bij het samenstellen van een top 10 van bestemmingen van daadwerkelijk gerealiseerde exporten
    zijn wel de gegevens van zowel globale en algemene vergunningen meegenomen." The file's eleventh destination
    falls out; the United States' realisations under EU001 count in.
    """
    table = usage.dual_use_top_destinations(YEAR)
    assert [(r.country, as_printed(r.value_eur, printed)) for r, (_, printed) in zip(table.rows, TABLE_4)] == [(c, printed_value(p)) for c, p in TABLE_4]
    assert len(table.rows) == 10
    assert UsageReport.objects.filter(registration__number=DEMO_REGISTRATIONS["EU001"], destination_id="US").exists()


def test_usage_the_report_counts_as_lawful_is_not_flagged_and_the_breach_of_footnote_45_is(usage_2024):
    """
    Seed 002 footnote 45 (table 14, NL008, Israel): "Deze uitvoer was in strijd met de voorwaarden van de toegepaste
    algemene vergunning die enkel gebruikt mag worden voor doorvoer naar Australië, Japan, Nieuw-Zeeland,
    Zwitserland, een lidstaat van de Europese Unie of de Noord-Atlantische Verdragsorganisatie met uitzondering van
    Turkije. Na dat dit uit rapportagedata is gebleken is een onderzoek naar de betreffende exporteur gestart, welke
    nog niet is afgerond."
    Footnotes 46 and 47 (NL009, Israel): "Realisaties onder algemene vergunning NL009 met als eindbestemming Israël
    hebben plaatsgevonden voorafgaand aan het arrest van gerechtshof Den Haag van 12 februari 2024."
    Every other row of tables 9-15 (NL006 to Canada and the United States, NL007 to China and the UAE, NL009 transit
    to Bahrain among them) is lawful usage: recorded, counted, not flagged. The breach is recorded, counted in
    table 14 and flagged with the term it breaks.
    """
    flagged = UsageReport.objects.exclude(outside_terms="")
    assert [(r.registration.number, r.origin_id, r.destination_id) for r in flagged] == [(DEMO_REGISTRATIONS["NL008"], "IL", BREACH_DESTINATION)]
    assert BREACH_DESTINATION in flagged.get().outside_terms
    nl008 = {r.country: r.value_eur for r in usage.general_licence_usage(YEAR, table="NL008").rows}
    assert as_printed(nl008["IL"], "0,028") == Decimal("0.028")
    israel = UsageReport.objects.filter(registration__general_licence_id="NL009", destination_id="IL")
    assert israel.count() == 4 and all(r.exported_on < date(2024, 2, 12) for r in israel)


def test_importing_the_usage_file_again_adds_nothing(usage_2024):
    count = UsageReport.objects.count()
    out = io.StringIO()
    call_command("import_usage", str(DEMO / "usage_2024.csv"), stdout=out, stderr=io.StringIO())
    assert "Imported 0 usage report(s)" in out.getvalue()
    assert UsageReport.objects.count() == count
