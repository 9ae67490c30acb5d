"""Every steering table as a file: CSV (semicolons, UTF-8 with a byte order mark, as Dutch spreadsheet
programs read it) and XLSX (openpyxl: one sheet with the title, the definition, the table and the notes on
what is not shown). Both write only what the table holds — numbers already suppressed — and no text cell a
spreadsheet would run as a formula (`verband.text.spreadsheet_cell`, shared with the caseload export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from verband.steering.charts import route_kind_label
from verband.steering.tables import Cell, Route, Row, Table
from verband.text import spreadsheet_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def suppression_note() -> str:
    return _(
        "Numbers below %(n)d are not shown, nor numbers that could be worked out from a total and the other "
        "numbers, so that no household can be recognised."
    ) % {"n": settings.SMALL_CELL_THRESHOLD}


def file_name(table: Table, scope: str, on: date, extension: str) -> str:
    """An ASCII name for the download: the table's key, the scope and the day."""
    parts = [slugify(table.key), slugify(scope)]
    return "-".join(p for p in [*parts, f"{on:%Y-%m-%d}"] if p) + f".{extension}"


def routes_table(routes: Sequence[Route], *, title: str | None = None, definition: str = "") -> Table:
    """The routes as a table (one row per connection), so the page, the exports and the report show them
    as they show every other table."""
    rows = tuple(
        Row(
            f"{route.source} → {route.target}",
            (
                Cell(None, route_kind_label(route.kind)),
                route.count,
                route.median_wait,
                route.p90_wait,
                route.refused,
                route.bounced,
            ),
        )
        for route in routes
    )
    return Table(
        key="routes",
        title=title or str(_("Routes between organisations")),
        definition=definition
        or str(
            _(
                "How households went from one organisation to another: activated, referred, scaled up or down, "
                "or regie handed over. Waits in working days from the question to the answer; refused and "
                "bounced as a share of the questions."
            )
        )
        + " "
        + _("Connections with fewer than %(n)d households are left out.")
        % {"n": settings.SMALL_CELL_THRESHOLD},
        row_header=str(_("From → to")),
        columns=(
            str(_("How")),
            str(_("Households")),
            str(_("Median wait (working days)")),
            str(_("90th percentile wait (working days)")),
            str(_("Refused")),
            str(_("Bounced back")),
        ),
        rows=rows,
    )


def table_csv(table: Table) -> str:
    """The table as CSV text: a header row, then each row with the numbers as shown ("87%", "<5")."""
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerow([spreadsheet_cell(h) for h in (table.row_header, *table.columns)])
    for row in table.rows:
        writer.writerow([spreadsheet_cell(v) for v in (row.label, *(cell.shown for cell in row.cells))])
    return out.getvalue()


def _value(cell: Cell, percent: bool) -> tuple[object, str | None]:
    """What goes in a spreadsheet cell: the number (a percentage as a fraction, formatted as %), or the
    shown text where there is no number to give ("<5", "—")."""
    if cell.value is None or cell.suppressed:
        return spreadsheet_cell(cell.shown), None
    if percent:
        return cell.value / 100, "0.0%"
    return cell.value, "0" if float(cell.value).is_integer() else "0.0"


def table_xlsx(table: Table, *, scope: str = "", generated: date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (slugify(table.title)[:31] or "tabel").replace("-", " ")
    bold = Font(bold=True)
    sheet.append([spreadsheet_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    if scope:
        sheet.append([spreadsheet_cell(scope)])
    sheet.append([spreadsheet_cell(_("Definition")), spreadsheet_cell(table.definition)])
    sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    if table.norm is not None:
        norm = table.norm / 100 if table.unit == "percent" else table.norm
        sheet.append([spreadsheet_cell(_("Norm")), norm])
        if table.unit == "percent":
            sheet.cell(row=sheet.max_row, column=2).number_format = "0%"
    sheet.append([])
    sheet.append([spreadsheet_cell(h) for h in (table.row_header, *table.columns)])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    percent = table.unit == "percent"
    for row in table.rows:
        values = [_value(cell, percent) for cell in row.cells]
        sheet.append([spreadsheet_cell(row.label), *(v for v, _fmt in values)])
        for column, (_v, fmt) in enumerate(values, start=2):
            if fmt:
                sheet.cell(row=sheet.max_row, column=column).number_format = fmt
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.append([])
    sheet.append([spreadsheet_cell(_("Notes"))])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for note in (*table.notes, suppression_note()):
        sheet.append([spreadsheet_cell(note)])
    if generated:
        sheet.append([spreadsheet_cell(_("Made on %(day)s") % {"day": f"{generated:%d-%m-%Y}"})])
    sheet.column_dimensions["A"].width = 40
    for letter in "BCDEFGHIJKLMNOPQRSTUVWXYZ"[: max(len(table.columns), 1)]:
        sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
