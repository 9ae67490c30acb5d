"""Privacy of numbers, as pure functions over tables of counts.

- Primary: a count with 0 < n < threshold is not shown; a share, median or percentile is not shown when it
  was computed over fewer than `threshold` items.
- Complementary: wherever cells add up to a total that is shown (a series' total row, a row's total column,
  the units of a comparison that add up to the scope's total), one hidden cell could be worked out from the
  total and the others, and so could the sum of several hidden cells when that sum is itself small. Then the
  next smallest shown cell of that line is hidden too, and again, until no line gives anything away.
- Areas: postcode areas with fewer households than the threshold are merged into "Overige gebieden" by the
  engine (`verband.steering.engine`); the comparison hides that row too when it is still too small."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Matrix = Sequence[Sequence[float | None]]
Line = list[tuple[int, int]]


def small(n: float | None, threshold: int) -> bool:
    """A count that must not be shown."""
    return n is not None and 0 < n < threshold


def too_few(n: float | None, threshold: int) -> bool:
    """A share, median or percentile over too few items to be shown."""
    return n is None or n < threshold


def lines(rows: int, columns: int, *, column_sums: bool, row_sums: bool) -> list[Line]:
    """The lines whose cells are bound by a shown total: every column (when the rows add up to a total that
    is shown, in the table or elsewhere) and every row (when the columns do)."""
    found: list[Line] = []
    if column_sums and rows > 1:
        found += [[(r, c) for r in range(rows)] for c in range(columns)]
    if row_sums and columns > 1:
        found += [[(r, c) for c in range(columns)] for r in range(rows)]
    return found


def complementary(
    values: Matrix, hidden: Sequence[Sequence[bool]], bound: list[Line], threshold: int
) -> list[list[bool]]:
    """`hidden` widened until no line in `bound` lets a hidden cell (or a small sum of hidden cells) be
    derived: a line with exactly one hidden cell, or hidden cells that add up to less than `threshold`, gets
    its smallest shown cell hidden (a non-zero one first: a zero hides nothing). Repeats until stable."""
    out = [list(row) for row in hidden]
    changed = True
    while changed:
        changed = False
        for line in bound:
            shown_hidden = [values[r][c] or 0 for r, c in line if out[r][c]]
            if not shown_hidden:
                continue
            total_hidden = sum(shown_hidden)
            if len(shown_hidden) > 1 and total_hidden >= threshold:
                continue
            candidates = [(values[r][c] or 0, r, c) for r, c in line if not out[r][c]]
            if not candidates:
                continue
            nonzero = [x for x in candidates if x[0] > 0]
            _, r, c = min(nonzero or candidates)
            if not nonzero and len(shown_hidden) > 1:
                continue  # only zeros left: hiding them tells nothing more
            out[r][c] = True
            changed = True
    return out


def suppress_counts(values: Matrix, threshold: int, *, column_sums: bool, row_sums: bool) -> list[list[bool]]:
    """Which cells of a table of counts to hide: primary, then complementary along the bound lines."""
    hidden = [[small(v, threshold) for v in row] for row in values]
    rows = len(values)
    columns = len(values[0]) if rows else 0
    return complementary(
        values, hidden, lines(rows, columns, column_sums=column_sums, row_sums=row_sums), threshold
    )


K = TypeVar("K", bound=Hashable)


def suppress_related(
    values: dict[K, float], relations: Sequence[tuple[K, Sequence[K]]], threshold: int
) -> set[K]:
    """Which cells to hide when cells are bound by relations `total = sum(parts)` that may each be shown
    on another page (a quarter and its months, a year and its quarters and months, a total and its series).
    Primary: the small cells. Then, per relation, until stable: exactly one hidden cell (the total or a
    part) can be worked out from the others, and so can the sum of several hidden parts of a shown total
    when it is small; the smallest shown non-zero cell of the relation is hidden too. The result depends
    only on the values, never on which page asks, so every page of a scope hides the same cells."""
    hidden = {key for key, value in values.items() if small(value, threshold)}
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            cells = [total, *parts]
            hidden_here = [k for k in cells if k in hidden]
            if not hidden_here:
                continue
            if len(hidden_here) > 1:
                if total in hidden:
                    continue  # the total and a part hidden: only their difference is known
                if sum(values.get(k, 0) or 0 for k in hidden_here) >= threshold:
                    continue
            shown = [(values.get(k, 0) or 0, i, k) for i, k in enumerate(cells) if k not in hidden]
            nonzero = [x for x in shown if x[0] > 0]
            if not nonzero:
                continue  # only zeros left: hiding them tells nothing more
            hidden.add(min(nonzero, key=lambda x: (x[0], x[1]))[2])
            changed = True
    return hidden
