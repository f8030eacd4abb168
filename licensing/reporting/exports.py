"""
Downloads: the report's tables as sheets, written as one CSV (one sheet) or one XLSX workbook (every sheet).

Labels follow the reader's language; codes (regions, countries, ML categories) stay in their own columns so a
spreadsheet can be joined to other data. Amounts are numbers in euro (two decimals), shares percentages.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from licensing.applications.choices import GoodsKind
from licensing.applications.models import GoodsLine
from licensing.core.spreadsheets import spreadsheet_cell

from . import aluminium, tables, usage
from .labels import DUAL_USE_KINDS, PARLIAMENT_STATUSES, Names


@dataclass
class Sheet:
    name: str  # file and sheet name: "table_2"
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _matrix_sheet(name: str, title: str, table: tables.MilitaryTable, names: Names) -> Sheet:
    categories = table.categories
    sheet = Sheet(name, title, [_("Code"), _("Destination"), *[names.category(c) for c in categories], _("Total (EUR)")])
    for row in table.by_country:
        sheet.rows.append([row.country, names.country(row.country), *[row.categories.get(c) for c in categories], row.value_eur])
    sheet.rows.append(["", _("Total"), *[r.value_eur for r in table.by_category], table.total_eur])
    return sheet


def report_sheets(period: tables.Period) -> list[Sheet]:
    """Every table of the report for the period, as sheets (each table computed once)."""
    names = Names()
    military = tables.military_table(period)
    sheets = []

    sheet = Sheet("table_2", _("Table 2: value of licences issued by region"), [_("Code"), _("Region"), _("Value (EUR)"), _("Share (%)")])
    sheet.rows = [[r.region, names.region(r.region), r.value_eur, r.share] for r in military.by_region]
    sheet.rows.append(["", _("Total"), military.total_eur, Decimal(100) if military.total_eur else Decimal(0)])
    sheets.append(sheet)

    dual_use = tables.dual_use_table(period)
    sheet = Sheet(
        "table_3",
        _("Table 3: dual-use licences issued and denied"),
        [_("Kind"), _("Licences issued"), _("Value issued (EUR)"), _("Licences denied"), _("Value denied (EUR)")],
        notes=dual_use.missing,
    )
    for r in [*dual_use.rows, dual_use.total]:
        sheet.rows.append([str(DUAL_USE_KINDS[r.kind]), r.issued_count, r.issued_value_eur, r.denied_count, r.denied_value_eur])
    sheets.append(sheet)

    top = usage.dual_use_top_destinations(period)
    sheet = Sheet("table_4", _("Table 4: dual-use exports, top 10 destinations (reported usage)"), [_("Rank"), _("Code"), _("Destination"), _("Value (EUR)")], notes=top.missing)
    sheet.rows = [[i, r.country, names.country(r.country), r.value_eur] for i, r in enumerate(top.rows, start=1)]
    sheets.append(sheet)

    anti_torture = tables.anti_torture_table(period)
    sheet = Sheet(
        "table_5",
        _("Table 5: anti-torture licences by annex"),
        [_("Annex"), _("Licences"), _("Value (EUR)"), _("Destinations"), _("End use")],
        notes=anti_torture.missing,
    )
    sheet.rows = [[r.annex, r.licence_count, r.value_eur, names.countries_of(r.destinations), r.end_use or ""] for r in anti_torture.rows]
    sheets.append(sheet)

    sheet = Sheet("table_7", _("Table 7: value of licences issued by ML category"), [_("ML category"), _("Value (EUR)"), _("Share (%)")])
    sheet.rows = [[names.category(r.category), r.value_eur, r.share] for r in military.by_category]
    sheet.rows.append([_("Total"), military.total_eur, Decimal(100) if military.total_eur else Decimal(0)])
    sheets.append(sheet)

    sheets.append(_matrix_sheet("table_8", _("Table 8: value of licences issued by destination and ML category"), military, names))

    for key, table in usage.general_licence_tables(period).items():
        spec = usage.GENERAL_LICENCE_TABLES[key]
        title = (_("Reported transit under general licence %(code)s") if spec.movements == usage.TRANSIT else _("Reported exports under general licence %(code)s")) % {"code": spec.general_licence}
        country = _("Origin") if table.by == usage.ORIGIN else _("Destination")
        sheet = Sheet(table.title, title, [_("Code"), country, _("Value (EUR)"), _("ML categories")], notes=table.missing)
        sheet.rows = [[r.country or "", names.country(r.country) or _("Not reported"), r.value_eur, "; ".join(r.categories)] for r in table.rows]
        sheets.append(sheet)

    sheets.append(_matrix_sheet("table_17", _("Table 17: transit licences by destination and ML category"), tables.transit_table(period), names))

    brokering = tables.brokering_table(period)
    sheet = Sheet(
        "table_18",
        _("Table 18: brokering licences"),
        [_("Licence"), _("Decided"), _("Destination"), _("Origin"), _("ML entries"), _("Goods"), _("Value of the brokering service (EUR)")],
    )
    sheet.rows = [
        [r.licence, r.decided_on, names.countries_of(r.destinations), names.country(r.origin), "; ".join(r.control_entries), r.description, r.value_eur]
        for r in brokering.rows
    ]
    sheets.append(sheet)

    denials = tables.denial_table(period, goods_kind=GoodsKind.MILITARY)
    sheet = Sheet(
        "denials",
        _("Denied applications for military goods"),
        [_("Destination"), _("Goods"), _("Control entry"), _("Quantity"), _("Recipient"), _("End user"), _("Date of denial"), _("Criteria")],
    )
    sheet.rows = [
        [names.country(r.destination), r.goods, r.control_entry, r.quantity, r.consignee, r.end_user, r.denied_on, ", ".join(str(c) for c in r.criteria)]
        for r in denials.rows
    ]
    sheets.append(sheet)

    parliament = tables.parliament_table(period)
    sheet = Sheet(
        "parliament",
        _("Fast-track notifications to parliament"),
        [_("Licence"), _("Holder"), _("Destinations"), _("Value (EUR)"), _("Decided"), _("Due"), _("Sent"), _("Status")],
    )
    sheet.rows = [
        [r.licence, r.holder, names.countries_of(r.destinations), r.value_eur, r.decided_on, r.due_on, r.sent_on, str(PARLIAMENT_STATUSES[r.status])]
        for r in parliament.rows
    ]
    sheets.append(sheet)
    return sheets


def aluminium_sheet(period: tables.Period) -> Sheet:
    """Declared smelt and cast origins of aluminium goods (reporting.aluminium): one row per step, country, HS
    heading and unit. Countries and units keep their codes beside the names."""
    names = Names()
    units = dict(GoodsLine.Unit.choices)
    sheet = Sheet(
        f"aluminium_origins_{period.slug}",
        _("Declared smelt and cast origins of aluminium goods"),
        [_("Step"), _("Code"), _("Country"), _("HS heading"), _("Unit"), _("Goods lines"), _("Applications"), _("Quantity"), _("Value (EUR)")],
    )
    sheet.rows = [
        [
            aluminium.step_label(r.step), r.country or "", names.country(r.country) if r.country else _("Not declared"), r.hs_heading,
            str(units.get(r.unit, r.unit)), r.lines, r.applications, r.quantity, r.value_eur,
        ]
        for r in aluminium.aluminium_origins(period)
    ]
    return sheet


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(spreadsheet_cell(value))


def sheet_csv(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_cell(v) for v in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def sheets_xlsx(sheets: list[Sheet], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name[:31])
        ws.append([spreadsheet_cell(sheet.title)])
        ws["A1"].font = bold
        for note in sheet.notes:
            ws.append([spreadsheet_cell(note)])
        ws.append([])
        ws.append([spreadsheet_cell(v) for v in sheet.header])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in sheet.rows:
            ws.append([float(v) if isinstance(v, Decimal) else None if v is None else spreadsheet_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
