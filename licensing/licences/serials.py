"""
The serial and lot numbers of reported shipments in the serial-number index (issue 19.9; seed 001: "via serie- en
lotnummers" traced goods lead back to the distributor). Usage reports keep the numbers as the holder wrote them, one
cell per kind; here each number becomes one row, normalised by the goods lines' one normaliser, so that the serial
search answers which licence, which shipment and which recipient.
"""
import re

from django.db.models import QuerySet

from licensing.screening.models import SerialKind
from licensing.screening.selectors import serial_normalise

from .models import UsageSerial

# A cell of a CSV or spreadsheet holds several numbers separated by ';', ',', or line breaks.
SEPARATORS = re.compile(r"[;,\r\n]+")
BATCH = 5000


def usage_serials_index(reports: QuerySet) -> int:
    """Index the serial and lot numbers of these (new) usage reports; how many rows that made."""
    rows, made = [], 0
    with_numbers = reports.exclude(serial_numbers="", lot_numbers="").values_list("pk", "serial_numbers", "lot_numbers")
    for pk, serials, lots in with_numbers.iterator(chunk_size=BATCH):
        for kind, text in ((SerialKind.SERIAL, serials), (SerialKind.LOT, lots)):
            seen = set()
            for value in SEPARATORS.split(text or ""):
                normalised = serial_normalise(value)
                if normalised and normalised not in seen:
                    seen.add(normalised)
                    rows.append(UsageSerial(report_id=pk, kind=kind, value=value.strip()[:200], normalised=normalised))
        if len(rows) >= BATCH:
            UsageSerial.objects.bulk_create(rows)
            made, rows = made + len(rows), []
    UsageSerial.objects.bulk_create(rows)
    return made + len(rows)
