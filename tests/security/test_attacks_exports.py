"""Formula injection (issue 23.6): party names and goods descriptions that start with =, +, -, @ (or hide the sign
behind whitespace, zero-width or full-width characters) are filed by an exporter, denied by the office, and then
downloaded from every spreadsheet export the API has (found from the OpenAPI schema). No cell may reach an
official's spreadsheet program as a formula; every payload must still be there, as text."""
import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from licensing.screening.models import ScreeningHit

from tests.conftest import tasks_in_process
from tests.factories import application_payload, pdf_upload

from .attacks import FORMULAS, api_export_paths, starts_a_formula

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"-?\d+(\.\d+)?")
TODAY = date.today()
# How to ask each export for every spreadsheet it makes. A new export fails test_every_export_is_attacked until it is
# listed here.
EXPORTS = {
    "/api/v1/denials/export/": lambda sheets: ["?format=csv"],
    "/api/v1/reports/annual/{year}/export/": lambda sheets: ["?format=xlsx", *(f"?format=csv&sheet={s}" for s in sheets)],
    "/api/v1/reports/monthly/{year}/{month}/export/": lambda sheets: ["?format=xlsx", *(f"?format=csv&sheet={s}" for s in sheets)],
}


@pytest.fixture
def denied_with_formulas(api_as, exporter_a, officer, django_capture_on_commit_callbacks, countersigned):
    """One denied application per payload, the payload as the goods' description, the consignee's and the end user's name."""
    exporter, office = api_as(exporter_a), api_as(officer)
    for payload in FORMULAS:
        body = application_payload(
            goods=[{"goods_kind": "military", "description": payload, "control_entry": "ML5", "quantity": "1", "value_eur": "10.00"}],
            parties=[
                {"role": "consignee", "name": payload, "address": "Oslo", "country": "NO", "party_type": "government"},
                {"role": "end_user", "name": payload, "address": "Oslo", "country": "NO", "party_type": "armed_forces"},
            ],
        )
        draft = exporter.post("/api/v1/applications/", body, format="json")
        assert draft.status_code == 201, draft.json()
        pk = draft.json()["id"]
        exporter.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
        with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
            assert exporter.post(f"/api/v1/applications/{pk}/submit/").status_code == 200
        # Each payload is close to the one denied before it: the denial register screening asks for a disposition.
        for hit in ScreeningHit.objects.filter(application_id=pk):
            disposed = office.post(f"/api/v1/office/applications/{pk}/screening/{hit.pk}/disposition/", {"disposition": "false_positive", "reason": "Test data."}, format="json")
            assert disposed.status_code == 200, disposed.json()
        denied = office.post(f"/api/v1/office/applications/{pk}/decision/", {"outcome": "denied", "criteria": [1], "reasons": "Embargo."}, format="json")
        countersigned(denied)  # a denial takes effect once a second officer countersigns it
    return FORMULAS


def _url(path: str) -> str:
    return path.format(year=TODAY.year, month=TODAY.month)


def _sheet_names(client) -> list[str]:
    response = client.get(_url("/api/v1/reports/annual/{year}/export/") + "?format=xlsx")
    return load_workbook(io.BytesIO(response.content), read_only=True).sheetnames


def _cells(response) -> list:
    """Every cell of the download; XLSX formulas come back as such (data_type 'f')."""
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    workbook = load_workbook(io.BytesIO(response.content))  # not read-only: keeps each cell's data type
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                cells.append(cell.value)
    return cells


def test_every_export_is_attacked():
    assert set(api_export_paths()) == set(EXPORTS), "a new spreadsheet export: list it in EXPORTS so it is attacked"


def test_no_export_hands_out_a_formula(api_as, officer, denied_with_formulas):
    client = api_as(officer)
    sheets = _sheet_names(client)
    for path in sorted(EXPORTS):
        _attack(client, path, EXPORTS[path](sheets), denied_with_formulas)


def _attack(client, path, queries, payloads):
    seen = []
    for query in queries:
        response = client.get(_url(path) + query)
        assert response.status_code == 200, (query, response.content[:300])
        cells = _cells(response)
        live = [c for c in cells if starts_a_formula(c) and not NUMBER.fullmatch(str(c).strip())]
        assert live == [], f"{path}{query}: {live[:5]}"
        seen.extend(str(c) for c in cells if c is not None)
    # The payloads are all there, as text an official can read (what a spreadsheet shows after the apostrophe).
    text = "\n".join(seen)
    for payload in payloads:
        assert payload.strip() in text or payload.strip().lstrip("\ufeff\u200b") in text, (path, payload)


def test_numbers_stay_numbers_in_the_workbook(api_as, officer):
    """The escaping never turns an amount into text: a negative or a plain number is still a number."""
    from licensing.core.spreadsheets import spreadsheet_cell
    from decimal import Decimal

    assert spreadsheet_cell(Decimal("-12.50")) == Decimal("-12.50") and spreadsheet_cell(-3) == -3 and spreadsheet_cell(None) == ""
    assert spreadsheet_cell("-12.50") == "-12.50" and spreadsheet_cell("+31 20 123") == "'+31 20 123"
    assert spreadsheet_cell("Forsvarsmateriell") == "Forsvarsmateriell" and spreadsheet_cell("=1+1") == "'=1+1"
