"""manage.py import_usage: historical realisations, so tables 4 and 9-15 of earlier years can be rebuilt (issue 19.8)."""
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from licensing.licences.models import LicenceLine, UsageReport
from licensing.licences.selectors import shipments_by_serial
from licensing.reporting import tables, usage
from licensing.reporting.imports import COLUMNS as DECISION_COLUMNS, decisions_import

pytestmark = pytest.mark.django_db

HEADER = "licence,exported_on,destination,control_entry,quantity,value_eur,recipient,serial_numbers,lot_numbers,movement,origin,holder\n"
YEAR = tables.Period(2024)


@pytest.fixture
def history(report, exporter_a):
    """A dual-use licence imported from the previous system (no holder there) and exporter A's NL009 registration."""
    rows = ",".join(DECISION_COLUMNS) + "\nNL24-DU-1,2024-01-10,issued,dual_use,individual,export,CN;US,3A001,500000.00,false,false,false,\n"
    assert decisions_import(rows.encode()).errors == []
    return {"nl009": report.registration("NL009"), "kvk": exporter_a.organisation.kvk_number}


def run(tmp_path, body: str, name="usage.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_usage", str(path), stdout=out, stderr=err)
    except CommandError:
        return None, err.getvalue()
    return out.getvalue(), err.getvalue()


def test_historical_realisations_rebuild_tables_4_and_14_15_once(tmp_path, history):
    """
    Issue 19.8: "an import_usage command for historical realisations (same columns as the usage upload plus the
    holder's registration or licence number) so tables 4 and 9-15 of 2024 can be rebuilt". Seed 002 table 15 lists
    NL009 transit, e.g. to Bahrain, as lawful usage: the terms of the time are not decided again.
    """
    kvk = history["kvk"]
    body = (
        f"NL24-DU-1,2024-02-01,CN,3A001,10,120000.00,Shenzhen Parts Co.,SN-1;SN-2,,,,{kvk}\n"
        f"NL24-DU-1,2024-03-01,US,3A001,5,80000.00,Boston Labs Inc.,,LOT-7,,,{kvk}\n"
        "NL009-1,2024-04-01,AU,ML10,1,774000.00,Royal Australian Air Force,,,export,,\n"
        "NL009-1,2024-05-01,BH,ML10,2,35000.00,Bahrain Defence Force,,,transit,US,\n"
    )
    out, err = run(tmp_path, body)
    assert err == "" and "Imported 4 usage report(s)" in out
    assert [(r.country, r.value_eur) for r in usage.dual_use_top_destinations(YEAR).rows] == [("CN", Decimal("120000.00")), ("US", Decimal("80000.00"))]
    assert [(r.country, r.value_eur) for r in usage.general_licence_usage(YEAR, table="NL009").rows] == [("AU", Decimal("774000.00"))]
    assert [(r.country, r.value_eur) for r in usage.general_licence_usage(YEAR, table="NL009_transit").rows] == [("BH", Decimal("35000.00"))]
    imported = UsageReport.objects.get(recipient="Shenzhen Parts Co.")
    assert (imported.reported_by, imported.organisation.kvk_number, imported.serial_numbers) == (None, kvk, "SN-1;SN-2")
    assert LicenceLine.objects.get(licence__number="NL24-DU-1").used_value_eur == Decimal("200000.00")
    [shipment] = shipments_by_serial("sn 2")  # indexed for the serial search (issue 19.9)
    assert (shipment["licence_number"], shipment["recipient"]) == ("NL24-DU-1", "Shenzhen Parts Co.")
    again, _ = run(tmp_path, body)
    assert "Imported 0 usage report(s); 4 already imported" in again
    assert UsageReport.objects.count() == 4


def test_errors_are_listed_row_by_row_and_nothing_is_saved(tmp_path, history):
    body = (
        "NL24-DU-1,2024-02-01,CN,3A001,10,1.00,Someone,,,,,\n"  # the imported licence has no holder: name it
        "NL24-DU-1,2024-02-01,JP,3A001,10,1.00,Someone,,,,,99999999\n"
        "NL24-DU-1,2024-02-01,CN,5A002,1,1.00,Someone,,,,," + history["kvk"] + "\n"
        "NOPE-1,2024-02-01,CN,3A001,1,1.00,Someone,,,,,\n"
        "NL009-1,2999-01-01,AU,ML10,1,1.00,RAAF,,,export,,\n"
        "NL009-1,2024-01-01,AU,ML10,-1,1.5.0,RAAF,,,export,,\n"
    )
    _, err = run(tmp_path, body)
    for expected in (
        "row 2: holder: licence NL24-DU-1 has no holder in this system",
        "row 3: holder: no organisation with KvK or EORI number '99999999'",
        "row 3: destination: JP is not a destination of licence NL24-DU-1",
        "row 4: control_entry: 5A002 is not on licence NL24-DU-1",
        "row 5: licence: no licence or registration 'NOPE-1' in this system",
        "row 6: exported_on: lies in the future",
        "row 7: quantity: must be greater than zero",
        "row 7: value_eur:",
    ):
        assert expected in err, expected
    assert not UsageReport.objects.exists()


def test_a_file_that_is_no_usage_file_is_refused(tmp_path, history):
    path = tmp_path / "bad.csv"
    path.write_text("licence,when\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_usage", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not UsageReport.objects.exists()
