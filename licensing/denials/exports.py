"""The denial register in the EU exchange format, as CSV and JSON.

Each row carries its legal basis: `criteria` the cited grounds' short codes ("2;7" for the Common Position's criteria,
"15(1)(d)" for Article 15 of Regulation (EU) 2021/821, "12(2)" for Regulation (EU) 2019/125), `frameworks` their
frameworks and `legal_basis` the act and grounds in words (English, the exchange's language).
"""
import csv
import io

from licensing.core.spreadsheets import spreadsheet_cell
from licensing.denials.models import DenialRegisterEntry
from licensing.reference.frameworks import basis_text, ground_codes, grounds_index

COLUMNS = [
    "reference", "notifying_state", "notified_on", "destination", "goods_description", "control_entry", "consignee", "end_user", "criteria",
    "frameworks", "legal_basis",
]


def denial_rows(queryset) -> list[dict]:
    index = grounds_index()
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
            "criteria": ";".join(ground_codes(d.criteria, index=index)),
            "frameworks": ";".join(d.frameworks),
            "legal_basis": basis_text(d.criteria, language="en", index=index),
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
    """Our denials in force: one withdrawn when a decision on objection replaced it (revoked_on) is no longer exchanged."""
    return DenialRegisterEntry.objects.filter(own=True, revoked_on__isnull=True).order_by("notified_on", "reference")
