"""What a steering page, chart, export and report are made of: tables of numbers that are already safe to
show (suppressed where they must be), never persons or household references.

The indicator engine (`verband.steering.engine`, `selectors`) builds them; charts (`charts`), the CSV and
XLSX exports and the quarterly PDF report draw or write them, and only them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["count", "percent", "workdays", "days"]


@dataclass(frozen=True)
class Cell:
    """One number. `value` is None when the number is suppressed or there is nothing to count; `shown` is
    what a person reads ("12", "87%", "3,5", "<5", "—")."""

    value: float | None
    shown: str
    suppressed: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """Rows by columns. For a trend the columns are periods (oldest first) and each row is a series; for a
    comparison the rows are networks, organisations, teams or areas and the columns what is compared."""

    key: str  # a slug, used in export file names and element ids
    title: str
    definition: str  # the indicator's definition in Dutch, from its YAML file
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    unit: Unit = "count"
    norm: float | None = None  # drawn as a norm line, in the table's unit
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. why cells are not shown


@dataclass(frozen=True)
class Route:
    """One connection between two organisations in a period, as the events show it: `kind` is how the
    household went ("activation", "referral", "scale_up", "scale_down", "regie_transfer"); the waits are in
    working days from the question to the answer; the rates are shares of the questions (percent)."""

    source: str  # organisation (kind) label, never a person
    target: str
    kind: str
    count: Cell
    median_wait: Cell
    p90_wait: Cell
    refused: Cell
    bounced: Cell
