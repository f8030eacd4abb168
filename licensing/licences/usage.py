"""
Usage (realisation) reports: actual exports under a licence or a general-licence registration, entered one
by one, uploaded as CSV/XLSX, or posted as a list. This module reads the rows (files are read twice as a stream:
check, then write in batches, never loaded whole) and checks them against the holder's licences and registrations.
Writing is licences.usage_writer (a batch all or nothing, with a row-by-row error list; the same content or
Idempotency-Key counted once); the holder's period declarations are licences.usage_periods.
"""
import csv
import hashlib
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext

from licensing.applications.choices import Movement
from licensing.core.archives import ZIP_ERRORS, ArchiveLimits, zip_open
from licensing.core.errors import DomainError
from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference import general_licences
from licensing.reference.models import Country

from .models import Licence, LicenceLine, LicenceStatus, Registration, RegistrationStatus, UsageReport

# `movement` and `origin` came last and are optional, so files written for the first nine columns still work.
COLUMNS = ["licence", "exported_on", "destination", "control_entry", "quantity", "value_eur", "recipient", "serial_numbers", "lot_numbers", "movement", "origin"]
REQUIRED = COLUMNS[:7]
# What a usage row can be: goods leave (export, transfer) or pass through (transit). Brokered goods never touch
# the Netherlands, so nothing is exported under a brokering licence: such a row keeps the licence's movement.
USAGE_MOVEMENTS = (Movement.EXPORT, Movement.TRANSFER, Movement.TRANSIT)
# Only goods that come from elsewhere have a country of origin ("land van herkomst").
WITH_ORIGIN = (Movement.TRANSIT, Movement.BROKERING)
MAX_ROWS = 200_000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 200
# Wider than any real row (the API allows 20,000 characters of serial numbers and as many of lot numbers); the csv
# module's own limit on one value is 131,072 characters.
MAX_LINE_CHARS = 131_072
MAX_COLUMNS = 64
# An XLSX of MAX_FILE_BYTES expands to about ten times that; past it (or past 100 times for one part) it is a bomb.
XLSX_LIMITS = ArchiveLimits(expanded_bytes=MAX_FILE_BYTES * 10)

RowSource = Callable[[], Iterator[tuple[int, dict]]]


@dataclass
class UsageResult:
    created: int = 0
    duplicate: bool = False
    errors: list[str] = field(default_factory=list)
    upload_id: int | None = None
    # Rows recorded outside a general licence's terms ("row N: term"): flagged for the office's follow-up.
    flagged: list[str] = field(default_factory=list)


@dataclass
class UsageTarget:
    licence: Licence | None = None
    registration: Registration | None = None
    destinations: frozenset = frozenset()
    lines: dict = field(default_factory=dict)  # normalised entry -> LicenceLine


# --- reading ---------------------------------------------------------------------------------------
def csv_rows(read: Callable[[], io.BufferedIOBase]) -> RowSource:
    def rows():
        stream = io.TextIOWrapper(read(), encoding="utf-8-sig", newline="")
        # strict: a stray or unbalanced quote is an error at its line, not a field that silently swallows every row after it.
        reader = csv.reader(_bounded_lines(stream), strict=True)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            _check_header(header)
            for number, values in enumerate(reader, start=2):
                _check_position(number)
                if not any(v.strip() for v in values):
                    continue
                yield number, dict(zip(header, (v.strip() for v in values))) | ({"__extra__": "1"} if len(values) > len(header) else {})
        except UnicodeDecodeError:
            raise DomainError(gettext("The file is not UTF-8 text."), code="bad_file", fields={"file": [gettext("Save the CSV as UTF-8.")]}) from None
        except csv.Error as exc:
            message = gettext("The file is not valid CSV at line %(line)s (%(problem)s); nothing was recorded.") % {"line": reader.line_num, "problem": _csv_problem(exc)}
            raise DomainError(message, code="bad_file", fields={"file": [message]}) from None
        finally:
            stream.detach()  # the upload is read again in the second pass: do not let the wrapper close it

    return rows


def _bounded_lines(stream: io.TextIOBase) -> Iterator[str]:
    """The stream's lines, none longer than MAX_LINE_CHARS: a 50 MB line of commas never becomes one row in memory."""
    while line := stream.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise csv.Error("line too long")
        yield line


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return gettext("a quoted value is never closed")
    if "expected after" in text:
        return gettext("a quote inside a value that is not doubled")
    if "field larger" in text or "line too long" in text:
        return gettext("a value or line longer than %(max)s characters") % {"max": MAX_LINE_CHARS}
    return text


def _check_position(number: int) -> None:
    """Empty rows are skipped, but counted: a file of millions of empty rows is refused, not read to the end.
    (Rows with values are counted against MAX_ROWS by usage_import; empty ones may be as many again.)"""
    if number > 2 * MAX_ROWS + 1:
        message = gettext("more than %(max)s rows; split it") % {"max": MAX_ROWS}
        raise DomainError(message, code="bad_file", fields={"file": [message]})


def xlsx_rows(read: Callable[[], io.BufferedIOBase]) -> RowSource:
    def rows():
        from openpyxl import load_workbook

        source = read()
        try:
            with zip_open(source, XLSX_LIMITS):
                pass
            workbook = _xlsx_call(lambda: load_workbook(source, read_only=True, data_only=True))
        except ZIP_ERRORS:
            raise _not_xlsx() from None
        try:
            sheet = _xlsx_call(lambda: workbook.worksheets[0])
            # The sheet's own claim of its size is ignored: a dimension of A1:XFD1048576 would pad every row to
            # 16,384 cells and yield a million empty rows. Columns past MAX_COLUMNS are not read.
            sheet.reset_dimensions()
            values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            header = [str(h or "").strip().lower() for h in _xlsx_call(lambda: next(values, ()))]
            _check_header(header)
            number = 1
            while (row := _xlsx_call(lambda: next(values, None))) is not None:
                number += 1
                _check_position(number)
                if not any(cell not in (None, "") for cell in row):
                    continue
                yield number, {h: _cell(v) for h, v in zip(header, row) if h}
        finally:
            workbook.close()

    return rows


def _not_xlsx() -> DomainError:
    return DomainError(gettext("The file is neither CSV nor XLSX."), code="bad_file", fields={"file": [gettext("Upload a CSV (UTF-8) or XLSX file.")]})


def _xlsx_call(step):
    """One step of openpyxl on an uploaded file. A ZIP that is no workbook, or a workbook with broken parts, fails in
    openpyxl with whatever error its parser meets first (KeyError, ValueError, TypeError, XML errors...): to the
    exporter that is one answer, not a server error."""
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return step()
    except DomainError:
        raise
    # SyntaxError: the XML parsers' errors (ElementTree's ParseError, lxml's XMLSyntaxError) derive from it.
    except (*ZIP_ERRORS, SyntaxError, TypeError, AttributeError, IndexError, InvalidFileException) as exc:
        raise _not_xlsx() from exc


def list_rows(items: list[dict]) -> RowSource:
    def rows():
        for number, item in enumerate(items, start=1):
            yield number, {k: _cell(item.get(k)) for k in COLUMNS}

    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        # A spreadsheet's binary noise (0.1 + 0.2 = 0.30000000000000004) is not a decimal the exporter wrote.
        return f"{value:.9f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)
    return str(value).strip()


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DomainError(gettext("The file's first row must name the columns %(columns)s; missing: %(missing)s.") % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}, code="bad_file", fields={"file": [gettext("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)}]})


def file_rows(uploaded) -> RowSource:
    """Rows of an uploaded CSV or XLSX, by content (an XLSX is a ZIP archive); anything else is refused."""
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)

    def reopen():
        uploaded.seek(0)
        return uploaded

    if head.startswith(b"PK\x03\x04"):
        return xlsx_rows(reopen)
    sample = uploaded.read(4096)
    uploaded.seek(0)
    if b"\x00" in sample:
        raise DomainError(gettext("The file is neither CSV nor XLSX."), code="bad_file", fields={"file": [gettext("Upload a CSV (UTF-8) or XLSX file.")]})
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a multi-byte character cut at the sample's end
            raise DomainError(gettext("The file is not UTF-8 text."), code="bad_file", fields={"file": [gettext("Save the CSV as UTF-8.")]}) from None
    return csv_rows(reopen)


def content_hash(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


# --- rules -----------------------------------------------------------------------------------------
def general_licence_refusal(general_licence, destination: str, *, on: date, origin: str | None = None) -> str | None:
    """Why this general licence may not be used for this destination on this day (for goods from `origin`, where the
    row names one), or None: the rule routing offers general licences by (licensing.reference.general_licences),
    worded for the exporter."""
    refusal = general_licences.refusal(general_licence.code, destination, on=on, origin=origin)
    if refusal is None:
        return None
    return general_licences.refusal_message(refusal, code=general_licence.code, destination=destination, on=on, origin=origin)


class UsageChecker:
    """Checks rows against the exporter's own licences and registrations; remembers what it looked up."""

    def __init__(self, organisation_id: int, *, counting: bool = True, targets: dict | None = None):
        self.organisation_id = organisation_id
        self.counting = counting  # the second (writing) pass must not add to the totals again
        self.targets: dict[str, UsageTarget | None] = targets if targets is not None else {}
        self.totals: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])  # line id -> [qty, value]
        # Looked up once per batch, not per row (a 100,000-row file would otherwise ask the cache 200,000 times).
        self.countries = frozenset(Country.objects.values_list("code", flat=True))
        self.refusals: dict[tuple[str, str, date, str | None], str | None] = {}
        self.line_rows: dict[int, list[int]] = defaultdict(list)
        self.flagged: list[tuple[int, str]] = []  # (row, the term it breaks): recorded, for compliance follow-up
        self.entries: dict[str, object] = {}  # control_entry as written -> ParsedEntry or InvalidControlEntry
        self.today = timezone.localdate()  # per row it read the time zone from a context-local: 10 % of a check

    def target(self, number: str) -> UsageTarget | None:
        if number not in self.targets:
            licence = Licence.objects.filter(number=number, holder_id=self.organisation_id).prefetch_related("destinations", "lines").first()
            if licence is not None:
                self.targets[number] = UsageTarget(licence=licence, destinations=frozenset(c.code for c in licence.destinations.all()), lines=lines_by_entry(licence.lines.all()))
            else:
                registration = Registration.objects.filter(number=number, organisation_id=self.organisation_id).select_related("general_licence").first()
                self.targets[number] = UsageTarget(registration=registration) if registration else None
        return self.targets[number]

    def entry(self, code: str):
        """parse_entry once per distinct code in a file: each parse reads the control list from the shared cache
        (measured: 3.5 ms a row under load, 90 % of an upload's time)."""
        if code not in self.entries:
            try:
                self.entries[code] = parse_entry(code)
            except InvalidControlEntry as exc:
                self.entries[code] = exc
        return self.entries[code]

    def refusal(self, registration: Registration, destination: str, on: date, origin: str | None = None) -> str | None:
        key = (registration.general_licence_id, destination, on, origin)
        if key not in self.refusals:
            with translation.override("en"):  # kept in English in the record (UsageReport.outside_terms)
                self.refusals[key] = general_licence_refusal(registration.general_licence, destination, on=on, origin=origin)
        return self.refusals[key]

    def check(self, number: int, row: dict) -> tuple[list[str], dict | None]:
        problems = []
        if any("\x00" in value for value in row.values()):
            # No database stores it in text, and no usage report has one: the file is not what it says.
            return [gettext("contains a NUL character")], None
        if row.get("__extra__"):
            problems.append(gettext("more columns than the header"))
        for name in REQUIRED:
            if not row.get(name):
                problems.append(f"{name}: " + gettext("required"))
        if problems:
            return problems, None
        target = self.target(row["licence"])
        if target is None:
            return ["licence: " + gettext("you hold no licence or registration '%(number)s'") % {"number": row["licence"]}], None
        try:
            exported_on = date.fromisoformat(row["exported_on"][:10])
        except ValueError:
            problems.append("exported_on: " + gettext("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": row["exported_on"]})
            exported_on = None
        destination = row["destination"].upper()
        known_country = destination in self.countries
        if not known_country:
            problems.append("destination: " + gettext("unknown country code '%(code)s'") % {"code": destination})
        entry = self.entry(row["control_entry"])
        if isinstance(entry, InvalidControlEntry):
            problems.append(f"control_entry: {entry}")
            entry = None
        quantity, value = usage_decimal(row["quantity"], "quantity", problems), usage_decimal(row["value_eur"], "value_eur", problems)
        if quantity is not None and quantity <= 0:
            problems.append("quantity: " + gettext("must be greater than zero"))
        if value is not None and value < 0:
            problems.append("value_eur: " + gettext("cannot be negative"))
        if exported_on and exported_on > self.today:
            problems.append("exported_on: " + gettext("lies in the future"))
        movement, movement_problem = usage_movement(target, row.get("movement") or "")
        if movement_problem:
            problems.append(f"movement: {movement_problem}")
        licence_origin = target.licence.origin_country_id if target.licence is not None and movement in WITH_ORIGIN else None
        origin = (row.get("origin") or "").upper() or licence_origin
        if row.get("origin"):
            if origin not in self.countries:
                problems.append("origin: " + gettext("unknown country code '%(code)s'") % {"code": origin})
            elif movement and movement not in WITH_ORIGIN:
                problems.append("origin: " + gettext("only goods in transit have a country of origin; leave it empty for %(movement)s") % {"movement": movement})
        line, outside_terms = None, ""
        if target.licence is not None:
            licence = target.licence
            if licence.status != LicenceStatus.ACTIVE and not (licence.status == LicenceStatus.EXHAUSTED):
                problems.append("licence: " + gettext("%(number)s is %(status)s") % {"number": licence.number, "status": licence.get_status_display().lower()})
            if exported_on and not licence.valid_from <= exported_on <= licence.valid_to:
                problems.append("exported_on: " + gettext("outside the licence's validity %(start)s to %(end)s") % {"start": licence.valid_from, "end": licence.valid_to})
            if known_country and destination not in target.destinations:
                problems.append("destination: " + gettext("%(destination)s is not a destination of licence %(number)s") % {"destination": destination, "number": licence.number})
            if entry is not None:
                line = target.lines.get(_norm(entry.code))
                if line is None:
                    problems.append("control_entry: " + gettext("%(entry)s is not on licence %(number)s") % {"entry": entry.code, "number": licence.number})
        else:
            registration = target.registration
            if registration.status != RegistrationStatus.ACTIVE:
                problems.append("licence: " + gettext("registration %(number)s is %(status)s") % {"number": registration.number, "status": registration.get_status_display().lower()})
            if exported_on and exported_on < registration.registered_on:
                problems.append("exported_on: " + gettext("before the registration of %(date)s") % {"date": registration.registered_on})
            # Outside the general licence's terms on the export day: recorded as reported and flagged for compliance
            # follow-up, not refused (issue 19.6; seed 002 footnote 45: a breach "uit rapportagedata is gebleken").
            known_origin = origin if origin in self.countries else None
            outside_terms = (self.refusal(registration, destination, exported_on or self.today, known_origin) or "") if known_country else ""
        if problems:
            return problems, None
        if outside_terms and self.counting:
            self.flagged.append((number, outside_terms))
        if line is not None and self.counting:
            totals = self.totals[line.pk]
            totals[0] += quantity
            totals[1] += value
            self.line_rows[line.pk].append(number)
        return [], {
            "licence": target.licence, "registration": target.registration, "line": line, "exported_on": exported_on, "destination_id": destination,
            "control_entry": entry.code, "ml_category": entry.ml_category or "", "quantity": quantity, "value_eur": value, "movement": movement, "origin_id": origin,
            "recipient": row["recipient"][:300], "serial_numbers": row.get("serial_numbers", ""), "lot_numbers": row.get("lot_numbers", ""),
            "outside_terms": outside_terms,
        }

    def over_limits(self) -> list[str]:
        """Lines whose reported total would pass what the licence authorises."""
        errors = []
        lines = {l.pk: (l, t.licence.number) for t in self.targets.values() if t and t.licence for l in t.lines.values()}
        for line_id, (quantity, value) in self.totals.items():
            line, number = lines[line_id]
            rows = ", ".join(map(str, self.line_rows[line_id][:10]))
            if line.quantity is not None and line.used_quantity + quantity > line.quantity:
                errors.append(gettext("rows %(rows)s") % {"rows": rows} + ": quantity: " + gettext("%(entry)s on %(number)s would reach %(reached)s of %(authorised)s authorised") % {"entry": line.control_entry, "number": number, "reached": line.used_quantity + quantity, "authorised": line.quantity})
            if line.used_value_eur + value > line.value_eur:
                errors.append(gettext("rows %(rows)s") % {"rows": rows} + ": value_eur: " + gettext("%(entry)s on %(number)s would reach EUR %(reached)s of %(authorised)s authorised") % {"entry": line.control_entry, "number": number, "reached": line.used_value_eur + value, "authorised": line.value_eur})
        return errors


def usage_movement(target: UsageTarget, stated: str) -> tuple[str | None, str | None]:
    """
    The row's movement and why it is wrong, if it is. Unstated: the licence's movement, or the general
    licence's only movement, or export where it allows several (NL009: export, transfer and transit).
    """
    stated = stated.strip().lower()
    if stated and stated not in USAGE_MOVEMENTS:
        return None, gettext("'%(stated)s' is not one of %(allowed)s") % {"stated": stated, "allowed": ", ".join(USAGE_MOVEMENTS)}
    if target.licence is not None:
        licence = target.licence
        if stated and stated != licence.movement:
            return None, gettext("licence %(number)s is for %(movement)s, not %(stated)s") % {"number": licence.number, "movement": licence.movement, "stated": stated}
        return licence.movement, None
    general_licence = target.registration.general_licence
    allowed = [m.strip() for m in general_licence.movements.split(",") if m.strip()]
    if stated:
        if stated not in allowed:
            return None, gettext("%(code)s covers %(allowed)s, not %(stated)s") % {"code": general_licence.code, "allowed": ", ".join(allowed), "stated": stated}
        return stated, None
    if len(allowed) == 1:
        return allowed[0], None
    return (Movement.EXPORT if Movement.EXPORT in allowed else allowed[0]), None


def _norm(code: str) -> str:
    return code.strip().upper()


def lines_by_entry(lines: Iterable[LicenceLine]) -> dict[str, LicenceLine]:
    """Which line of a licence a usage report counts against, by the report's control entry (as _norm folds it):
    of lines with the same entry, the last in the licence's order. Reconciliation (licensing.customs) reads reports
    by the same rule."""
    return {_norm(line.control_entry): line for line in lines}


def report_line(by_entry: dict[str, LicenceLine], control_entry: str) -> LicenceLine | None:
    return by_entry.get(_norm(control_entry))


# ASCII digits only (Decimal() also takes '1_000', full-width and Arabic-Indic digits); spaces, no-break spaces and
# narrow no-break spaces only as thousands separators ("1 250 000"), never between any two digits (" 1 2 " is no 12).
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+|[+-]?\d+(?:\.\d*)?[eE][+-]?\d{1,3}", re.ASCII)
THOUSANDS = str.maketrans("", "", " \u00a0\u202f")


def usage_decimal(text: str, name: str, problems: list[str]) -> Decimal | None:
    """The number as the usage report stores it, or None with the problem: never rounded or overflowing silently."""
    stripped = text.strip()
    if not NUMBER.fullmatch(stripped):
        problems.append(f"{name}: " + gettext("'%(value)s' is not a number (use '.' as the decimal separator)") % {"value": text[:40]})
        return None
    value = Decimal(stripped.translate(THOUSANDS))
    model_field = UsageReport._meta.get_field(name)
    places = model_field.decimal_places
    if abs(value) >= Decimal(10) ** (model_field.max_digits - places):
        problems.append(f"{name}: " + gettext("'%(value)s' is too large") % {"value": text[:40]})
        return None
    if value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        problems.append(f"{name}: " + gettext("'%(value)s' has more than %(places)d decimals") % {"value": text[:40], "places": places})
        return None
    return value
