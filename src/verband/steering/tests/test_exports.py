"""CSV and XLSX of a steering table: what the table shows, nothing a spreadsheet would run, notes on
suppression."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from verband.steering import exports
from verband.steering.tables import Cell, Route, Row, Table


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


TABLE = Table(
    key="tijdig",
    title="Veiligheidsbeoordeling binnen 5 werkdagen",
    definition="Aandeel van de meldingen met een veiligheidsbeoordeling binnen 5 werkdagen.",
    row_header="Netwerk",
    columns=("2026 K1", "2026 K2"),
    rows=(
        Row('=HYPERLINK("x")', (Cell(87.5, "87,5%"), Cell(None, "<5", suppressed=True))),
        Row("Netwerk Zuid", (Cell(92.0, "92%"), Cell(90.0, "90%"))),
    ),
    unit="percent",
    norm=90.0,
    notes=("Een periode met te weinig huishoudens is samengevoegd.",),
)


def test_csv_is_the_table_as_shown_and_safe_against_formulas():
    text = exports.table_csv(TABLE)
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Netwerk;2026 K1;2026 K2"
    assert lines[1].startswith('"\'=HYPERLINK(""x"")";87,5%;<5')
    assert lines[2] == "Netwerk Zuid;92%;90%"


def test_xlsx_has_title_definition_table_and_suppression_notes():
    data = exports.table_xlsx(TABLE, scope="Regio Testregio", generated=date(2026, 12, 2))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Veiligheidsbeoordeling binnen 5 werkdagen"]
    assert rows[1] == ["Regio Testregio"]
    assert rows[2] == ["Definitie", TABLE.definition]
    assert rows[3] == ["Norm", 0.9]
    assert ["Netwerk", "2026 K1", "2026 K2"] in rows
    assert ['\'=HYPERLINK("x")', 0.875, "<5"] in rows
    assert ["Netwerk Zuid", 0.92, 0.9] in rows
    flat = " ".join(str(c) for r in rows for c in r)
    assert "niet getoond" in flat and "samengevoegd" in flat and "02-12-2026" in flat


def test_routes_become_a_table():
    route = Route(
        "Veilig Thuis", "Wijkteams", "activation", Cell(40, "40"), Cell(3, "3"), Cell(8, "8"),
        Cell(10, "10%"), Cell(None, "<5", True),
    )  # fmt: skip
    table = exports.routes_table([route])
    assert table.rows[0].label == "Veilig Thuis → Wijkteams"
    assert [c.shown for c in table.rows[0].cells] == ["Activatie", "40", "3", "8", "10%", "<5"]
    assert exports.table_csv(table).splitlines()[1] == "Veilig Thuis → Wijkteams;Activatie;40;3;8;10%;<5"


def test_file_name_is_plain():
    assert exports.file_name(TABLE, "Regio Rotterdam-Rijnmond", date(2026, 12, 2), "csv") == (
        "tijdig-regio-rotterdam-rijnmond-2026-12-02.csv"
    )
