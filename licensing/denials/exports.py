"""The denial register in the EU exchange format, as CSV and JSON."""
import csv
import io

from licensing.core.spreadsheets import spreadsheet_cell
from licensing.denials.models import DenialRegisterEntry

COLUMNS = ["reference", "notifying_state", "notified_on", "destination", "goods_description", "control_entry", "consignee", "end_user", "criteria"]


def denial_rows(queryset) -> list[dict]:
    return [
        {
            "reference": d.reference,
            "notifying_state": d.notifying_state_id,
            "notified_on": d.notified_on.isoformat(),
            "destination": d.destination_id,
            "goods_description": d.goods_description,
            "control_entry": d.control_entry,
            "consignee": d.consignee,
            "end_user": d.end_user,
            "criteria": ";".join(str(c) for c in d.criteria),
        }
        for d in queryset
    ]


def denials_csv(queryset) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    # The JSON keeps the register's text as it is; only the spreadsheet copy is escaped.
    writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in denial_rows(queryset))
    return buffer.getvalue()


def own_denials():
    return DenialRegisterEntry.objects.filter(own=True).order_by("notified_on", "reference")
