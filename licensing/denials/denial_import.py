"""
Import of denials in the EU exchange columns: those notified by other member states, and our own earlier ones
from a previous system (notifying_state = this office, NOTIFYING_STATE), so that a licensing office moving to this
system keeps the names and grounds of its denials to screen against. All or nothing: every row is checked, every
error reported, and nothing is saved unless all rows are good. Importing the same file twice adds nothing.

One denial, one register entry: an own row whose reference is a decision already in this system (decided here or
imported by `import_decisions`, which registers its denials with their parties and criteria) is refused.
"""
import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction

from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference.selectors import country_exists

from .models import DenialRegisterEntry

COLUMNS = ["reference", "notifying_state", "notified_on", "destination", "goods_description", "control_entry", "consignee", "end_user", "criteria"]
MAX_ROWS = 100_000


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _row_values(row: dict, number: int, errors: list[str]) -> dict | None:
    problems = []
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for name in ("reference", "goods_description"):
        if not values[name]:
            problems.append(f"{name}: required")
    for name in ("notifying_state", "destination"):
        values[name] = values[name].upper()
        if not country_exists(values[name]):
            problems.append(f"{name}: unknown country code '{values[name]}'")
    try:
        values["notified_on"] = date.fromisoformat(values["notified_on"])
    except ValueError:
        problems.append(f"notified_on: '{values['notified_on']}' is not a date (YYYY-MM-DD)")
    try:
        values["control_entry"] = parse_entry(values["control_entry"]).code
    except InvalidControlEntry as exc:
        problems.append(f"control_entry: {exc}")
    try:
        criteria = sorted({int(c) for c in values["criteria"].split(";") if c.strip()})
        if not criteria or any(c < 1 or c > 8 for c in criteria):
            raise ValueError
        values["criteria"] = criteria
    except ValueError:
        problems.append(f"criteria: '{row.get('criteria')}' must be criterion numbers 1-8 separated by ';'")
    if not (values["consignee"] or values["end_user"]):
        problems.append("consignee/end_user: name at least one")
    errors.extend(f"row {number}: {p}" for p in problems)
    return None if problems else values


def denials_import(content: bytes) -> ImportResult:
    result = ImportResult()
    digest = hashlib.sha256(content).hexdigest()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("file: not UTF-8 text")
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if header != COLUMNS:
        result.errors.append(f"header: expected {','.join(COLUMNS)}; got {','.join(header) or 'nothing'}")
        return result
    rows, seen = [], set()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            result.errors.append(f"file: more than {MAX_ROWS} rows")
            break
        if None in row:
            result.errors.append(f"row {number}: more columns than the header")
            continue
        values = _row_values({k.strip(): v for k, v in row.items()}, number, result.errors)
        if values is None:
            continue
        key = (values["notifying_state"], values["reference"])
        if key in seen:
            result.errors.append(f"row {number}: reference: {values['reference']} of {values['notifying_state']} appears twice in the file")
            continue
        seen.add(key)
        rows.append((number, values))
    if result.errors:
        return result
    references = [v["reference"] for _, v in rows]
    existing, decided = {}, set()
    for start in range(0, len(references), 1000):
        chunk = references[start : start + 1000]
        existing.update(((d.notifying_state_id, d.reference), d) for d in DenialRegisterEntry.objects.filter(reference__in=chunk))
        # Denials registered by a decision (here or imported by import_decisions), whatever their entries' references.
        decided.update(DenialRegisterEntry.objects.filter(decision__reference__in=chunk).values_list("decision__reference", flat=True))
    new = []
    for number, v in rows:
        own = v["notifying_state"] == settings.NOTIFYING_STATE
        current = existing.get((v["notifying_state"], v["reference"]))
        if own and v["reference"] in decided:
            result.errors.append(
                f"row {number}: reference: {v['reference']} is a denial decided in this system or imported with the decisions; "
                "it is registered with its decision (give its parties and criteria to import_decisions)"
            )
        elif current is None:
            new.append(
                DenialRegisterEntry(
                    reference=v["reference"], own=own, notifying_state_id=v["notifying_state"], notified_on=v["notified_on"],
                    destination_id=v["destination"], goods_description=v["goods_description"], control_entry=v["control_entry"],
                    consignee=v["consignee"], end_user=v["end_user"], criteria=v["criteria"], frameworks=["common_position"], imported_from=digest,
                )
            )
        elif (current.notified_on, current.destination_id, current.control_entry, current.consignee, current.end_user, current.criteria, current.goods_description) == (
            v["notified_on"], v["destination"], v["control_entry"], v["consignee"], v["end_user"], v["criteria"], v["goods_description"]
        ):
            result.unchanged += 1
        else:
            result.errors.append(f"row {number}: reference: {v['reference']} of {v['notifying_state']} is already registered with other content")
    if result.errors:
        return result
    with transaction.atomic():
        DenialRegisterEntry.objects.bulk_create(new)
    result.created = len(new)
    return result
