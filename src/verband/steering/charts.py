"""Charts of steering tables as inline SVG, drawn on the server: a trend (lines over periods with the norm),
a comparison (horizontal bars) and the routes between organisations (a graph).

Pure functions from a `Table` or a list of `Route`s to the markup of one `<svg>`. What they draw is only
what the table holds: numbers that are already suppressed where they must be, never persons. The page
shows the same numbers in a table beside each chart; the chart is for looking, the table for reading.

Accessible by construction: `role="img"` with a `<title>` and a `<desc>` (a sentence on what the chart
shows, named by `aria-labelledby`); series differ in dash pattern and marker shape as well as in colour;
colours have at least 3:1 contrast on white (WCAG 1.4.11). The content security policy allows no inline
style, so everything is drawn with SVG presentation attributes (`stroke`, `fill`, `font-size`), never a
`style` attribute or element. Geometry is written by hand (docs/decisions/0004-steering-charts-hand-written-svg.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verband.steering.tables import Cell, Route, Table, Unit

# Dark enough on white for lines and text (contrast ≥ 4.5:1), and told apart by dash and marker too.
COLOURS = ("#00506e", "#8a3b00", "#1d6b2f", "#6a1b9a", "#1b1f24", "#a4161a")
DASHES = ("", "8 4", "2 4", "10 4 2 4", "4 2", "12 3 3 3 3 3")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "bar")
INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c5ced6"
NORM = "#a4161a"
FONT = "DejaVu Sans, Segoe UI, sans-serif"

ROUTE_KINDS = {
    "activation": ("", "activation"),
    "referral": ("8 4", "referral"),
    "scale_up": ("2 4", "scale_up"),
    "scale_down": ("10 4 2 4", "scale_down"),
    "regie_transfer": ("4 2", "regie_transfer"),
}


def route_kind_label(kind: str) -> str:
    labels = {
        "activation": _("Activation"),
        "referral": _("Referral"),
        "scale_up": _("Scaling up"),
        "scale_down": _("Scaling down"),
        "regie_transfer": _("Transfer of regie"),
    }
    return str(labels.get(kind, kind))


# --- numbers ----------------------------------------------------------------------------------------


def nice_number(value: float, *, round_: bool) -> float:
    """Heckbert's nice numbers: 1, 2, 5 (or 10) times a power of ten, near `value`."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if round_:
        nice = 1.0 if fraction < 1.5 else 2.0 if fraction < 3 else 5.0 if fraction < 7 else 10.0
    else:
        nice = 1.0 if fraction <= 1 else 2.0 if fraction <= 2 else 5.0 if fraction <= 5 else 10.0
    return nice * 10**exponent


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Ticks from a nice number at or below `low` to one at or above `high`, about `count` of them."""
    if high <= low:
        high = low + 1
    span = nice_number(high - low, round_=False)
    step = nice_number(span / max(count - 1, 1), round_=True)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    ticks = []
    n = 0
    while start + n * step <= end + step / 2:
        ticks.append(round(start + n * step, 10))
        n += 1
    return ticks


def _decimals(step: float) -> int:
    return 0 if step >= 1 else min(3, math.ceil(-math.log10(step)))


def format_number(value: float, unit: Unit = "count", decimals: int | None = None) -> str:
    """A number as a Dutch reader writes it (decimal comma, thousands dot), with % for percentages."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}%" if unit == "percent" else str(text)


def _f(value: float) -> str:
    """A coordinate: short, and with a dot whatever the language."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attrs: object) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value == "":
            continue
        name = key.rstrip("_").replace("_", "-")
        text = _f(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(text)}"')
    return " ".join(parts)


def _el(tag: str, text: str | None = None, **attrs: object) -> str:
    attributes = _attrs(**attrs)
    opening = f"<{tag} {attributes}" if attributes else f"<{tag}"
    return f"{opening}/>" if text is None else f"{opening}>{escape(text)}</{tag}>"


def _svg(
    ident: str, width: float, height: float, title: str, desc: str, body: Iterable[str], css_class: str
) -> SafeString:
    ident = slugify(ident) or "chart"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped above


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 4.0
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=r, fill=colour)
    if shape == "square":
        return _el("rect", x=x - r, y=y - r, width=2 * r, height=2 * r, fill=colour)
    if shape == "triangle":
        points = f"{_f(x)},{_f(y - r - 1)} {_f(x + r + 1)},{_f(y + r)} {_f(x - r - 1)},{_f(y + r)}"
        return _el("polygon", points=points, fill=colour)
    if shape == "diamond":
        points = (
            f"{_f(x)},{_f(y - r - 1)} {_f(x + r + 1)},{_f(y)} {_f(x)},{_f(y + r + 1)} {_f(x - r - 1)},{_f(y)}"
        )
        return _el("polygon", points=points, fill=colour)
    if shape == "cross":
        d = f"M{_f(x - r)},{_f(y - r)}L{_f(x + r)},{_f(y + r)}M{_f(x - r)},{_f(y + r)}L{_f(x + r)},{_f(y - r)}"
        return _el("path", d=d, stroke=colour, stroke_width=2, fill="none")
    return _el("rect", x=x - 1.5, y=y - r - 1, width=3, height=2 * r + 2, fill=colour)


def _values(cells: Sequence[Cell]) -> list[float]:
    return [c.value for c in cells if c.value is not None and not c.suppressed]


def _suppressed(table: Table) -> int:
    return sum(1 for row in table.rows for cell in row.cells if cell.suppressed)


def _norm_text(table: Table) -> str:
    assert table.norm is not None
    return _("Norm %(norm)s") % {"norm": format_number(table.norm, table.unit)}


# --- trend ------------------------------------------------------------------------------------------


def trend_chart(table: Table, *, ident: str | None = None, width: int = 640) -> SafeString:
    """The table's rows as lines over its columns (periods, oldest first), with the norm as a dashed line.
    A suppressed or empty cell is a gap in its line: nothing is drawn for it."""
    ident = ident or f"trend-{table.key}"
    left, right, top, bottom = 56.0, 76.0, 16.0, 44.0
    legend_rows = len(table.rows) if len(table.rows) > 1 else 0
    plot_h = 200.0
    height = top + plot_h + bottom + legend_rows * 18
    plot_w = width - left - right
    values = [v for row in table.rows for v in _values(row.cells)]
    high = max([*values, table.norm or 0, 0])
    if table.unit == "percent" and high <= 100:
        high = max(high, 10)
    ticks = nice_ticks(0, max(high, 5) if table.unit == "count" else high or 1)
    if table.unit == "percent" and ticks[-1] > 100 >= high:
        ticks = [t for t in ticks if t <= 100] + ([100.0] if 100.0 not in ticks else [])
    top_value = ticks[-1] or 1
    n = len(table.columns)

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def y_at(v: float) -> float:
        return top + plot_h - (v / top_value) * plot_h

    body: list[str] = []
    decimals = _decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    for tick in ticks:
        y = y_at(tick)
        body.append(_el("line", x1=left, x2=left + plot_w, y1=y, y2=y, stroke=GRID, stroke_width=1))
        body.append(
            _el("text", format_number(tick, table.unit, decimals), x=left - 6, y=y + 4, text_anchor="end",
                fill=MUTED, font_size=11)
        )  # fmt: skip
    body.append(_el("line", x1=left, x2=left + plot_w, y1=top + plot_h, y2=top + plot_h, stroke=INK))
    every = max(1, math.ceil(n / (6 if width < 800 else 12)))  # labels never overlap
    for i, column in enumerate(table.columns):
        if (n - 1 - i) % every:  # counted back from the newest period, which always has its label
            continue
        x = x_at(i)
        body.append(_el("line", x1=x, x2=x, y1=top + plot_h, y2=top + plot_h + 4, stroke=INK))
        body.append(
            _el("text", column, x=x, y=top + plot_h + 18, text_anchor="middle", fill=MUTED, font_size=11)
        )
    if table.norm is not None:
        y = y_at(table.norm)
        body.append(
            _el(
                "line",
                x1=left,
                x2=left + plot_w,
                y1=y,
                y2=y,
                stroke=NORM,
                stroke_width=2,
                stroke_dasharray="6 4",
            )
        )
        body.append(
            _el("text", _norm_text(table), x=left + plot_w + 6, y=y + 4, text_anchor="start", fill=NORM,
                font_size=11, font_weight="bold")
        )  # fmt: skip
    for s, row in enumerate(table.rows):
        colour, dash, shape = COLOURS[s % len(COLOURS)], DASHES[s % len(DASHES)], MARKERS[s % len(MARKERS)]
        path: list[str] = []
        pen_down = False
        points = []
        for i, cell in enumerate(row.cells[:n]):
            if cell.value is None or cell.suppressed:
                pen_down = False
                continue
            x, y = x_at(i), y_at(cell.value)
            path.append(f"{'L' if pen_down else 'M'}{_f(x)},{_f(y)}")
            pen_down = True
            points.append((x, y))
        body.append('<g class="series" aria-hidden="true">')
        if path:
            body.append(
                _el("path", d="".join(path), fill="none", stroke=colour, stroke_width=2.5, stroke_dasharray=dash,
                    stroke_linejoin="round")
            )  # fmt: skip
        body.extend(_marker(shape, x, y, colour) for x, y in points)
        body.append("</g>")
        if legend_rows:
            ly = top + plot_h + bottom - 8 + s * 18
            body.append(
                _el(
                    "line",
                    x1=left,
                    x2=left + 28,
                    y1=ly,
                    y2=ly,
                    stroke=colour,
                    stroke_width=2.5,
                    stroke_dasharray=dash,
                )
            )
            body.append(_marker(shape, left + 14, ly, colour))
            body.append(_el("text", row.label, x=left + 36, y=ly + 4))
    return _svg(ident, width, height, table.title, _trend_desc(table), body, "trend-chart")


def _trend_desc(table: Table) -> str:
    parts = []
    if table.columns:
        parts.append(
            _("Trend from %(first)s to %(last)s.") % {"first": table.columns[0], "last": table.columns[-1]}
        )
    for row in table.rows:
        last = next(
            ((table.columns[i], c) for i, c in reversed(list(enumerate(row.cells[: len(table.columns)])))
             if c.value is not None and not c.suppressed),
            None,
        )  # fmt: skip
        if last is None:
            parts.append(_("%(series)s: no number shown.") % {"series": row.label})
        else:
            parts.append(
                _("%(series)s: last %(value)s in %(period)s.")
                % {"series": row.label, "value": last[1].shown, "period": last[0]}
            )
    if table.norm is not None:
        parts.append(_norm_text(table) + ".")
    hidden = _suppressed(table)
    if hidden:
        parts.append(
            ngettext(
                "%(n)d number is not shown (too few households): a gap in its line.",
                "%(n)d numbers are not shown (too few households): gaps in the lines.",
                hidden,
            )
            % {"n": hidden}
        )
    return " ".join(parts)


# --- comparison -------------------------------------------------------------------------------------


def _short(label: str, size: int = 28) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def bar_chart(table: Table, *, column: int = 0, ident: str | None = None, width: int = 640) -> SafeString:
    """One horizontal bar per row (network, organisation, team or area) for one column of the table, with
    the norm as a dashed line. A suppressed cell has no bar and says "not shown"."""
    ident = ident or f"bars-{table.key}"
    label_w, right, top, bar_h, gap = 190.0, 70.0, 24.0, 18.0, 10.0
    plot_w = width - label_w - right
    height = top + len(table.rows) * (bar_h + gap) + 28
    cells = [row.cells[column] if column < len(row.cells) else Cell(None, "—") for row in table.rows]
    high = max([*_values(cells), table.norm or 0, 0])
    ticks = nice_ticks(0, max(high, 5) if table.unit == "count" else high or 1, 5)
    if table.unit == "percent" and ticks[-1] > 100 >= high:
        ticks = [t for t in ticks if t <= 100] + ([100.0] if 100.0 not in ticks else [])
    top_value = ticks[-1] or 1

    def x_at(v: float) -> float:
        return label_w + v / top_value * plot_w

    body: list[str] = []
    bottom_y = top + len(table.rows) * (bar_h + gap)
    decimals = _decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    for tick in ticks:
        x = x_at(tick)
        body.append(_el("line", x1=x, x2=x, y1=top - 6, y2=bottom_y, stroke=GRID))
        body.append(
            _el("text", format_number(tick, table.unit, decimals), x=x, y=bottom_y + 16, text_anchor="middle",
                fill=MUTED, font_size=11)
        )  # fmt: skip
    body.append(_el("line", x1=label_w, x2=label_w, y1=top - 6, y2=bottom_y, stroke=INK))
    for r, (row, cell) in enumerate(zip(table.rows, cells, strict=True)):
        y = top + r * (bar_h + gap)
        body.append(_el("text", _short(row.label), x=label_w - 8, y=y + bar_h - 4, text_anchor="end"))
        if cell.value is None or cell.suppressed:
            body.append(
                _el("text", _("not shown") if cell.suppressed else cell.shown, x=label_w + 6, y=y + bar_h - 4,
                    fill=MUTED, font_style="italic")
            )  # fmt: skip
            continue
        w = max(x_at(cell.value) - label_w, 1.0)
        body.append(_el("rect", x=label_w, y=y, width=w, height=bar_h, fill=COLOURS[0]))
        body.append(_el("text", cell.shown, x=label_w + w + 6, y=y + bar_h - 4, font_weight="bold"))
    if table.norm is not None:
        x = x_at(table.norm)
        body.append(
            _el(
                "line",
                x1=x,
                x2=x,
                y1=top - 10,
                y2=bottom_y,
                stroke=NORM,
                stroke_width=2,
                stroke_dasharray="6 4",
            )
        )
        body.append(
            _el("text", _norm_text(table), x=x, y=top - 12, text_anchor="middle", fill=NORM, font_size=11,
                font_weight="bold")
        )  # fmt: skip
    return _svg(ident, width, height, table.title, _bar_desc(table, cells), body, "bar-chart")


def _bar_desc(table: Table, cells: Sequence[Cell]) -> str:
    shown = [
        (row.label, cell)
        for row, cell in zip(table.rows, cells, strict=True)
        if cell.value is not None and not cell.suppressed
    ]
    parts = [
        ngettext("%(n)d bar compared.", "%(n)d bars compared.", len(table.rows)) % {"n": len(table.rows)}
    ]
    if shown:
        best = max(shown, key=lambda item: item[1].value or 0)
        lowest = min(shown, key=lambda item: item[1].value or 0)
        parts.append(
            _("Highest: %(high)s (%(high_value)s); lowest: %(low)s (%(low_value)s).")
            % {"high": best[0], "high_value": best[1].shown, "low": lowest[0], "low_value": lowest[1].shown}
        )
    if table.norm is not None:
        parts.append(_norm_text(table) + ".")
    hidden = sum(1 for c in cells if c.suppressed)
    if hidden:
        parts.append(
            ngettext("%(n)d not shown (too few households).", "%(n)d not shown (too few households).", hidden)
            % {"n": hidden}
        )
    return " ".join(parts)


# --- routes -----------------------------------------------------------------------------------------


def route_graph(
    routes: Sequence[Route], *, title: str | None = None, ident: str = "routes", width: int = 720
) -> SafeString:
    """Organisations on a circle, an arrow from each to each it activated, referred or handed over to: the
    wider the arrow, the more households; the count is written on it. Kinds differ in dash pattern (see the
    legend). A suppressed count is drawn as the thinnest arrow with its shown text ("<5")."""
    title = title or str(_("Routes between organisations"))
    nodes = sorted({r.source for r in routes} | {r.target for r in routes})
    kinds = [k for k in ROUTE_KINDS if any(r.kind == k for r in routes)] + sorted(
        {r.kind for r in routes} - set(ROUTE_KINDS)
    )
    legend_h = 22.0 * len(kinds)
    size = 460.0
    height = size + 20 + legend_h
    cx, cy = width / 2, size / 2 + 10
    radius = size / 2 - 60
    node_r = 9.0
    at = {}
    for i, name in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(nodes), 1)
        at[name] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    most = max([r.count.value or 0 for r in routes if not r.count.suppressed] + [1])
    arrow = f"{slugify(ident) or 'routes'}-arrow"
    body = [
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="3.5" markerHeight="3.5" '
        f'markerUnits="strokeWidth" orient="auto"><path d="M0,0L10,5L0,10z" fill="{INK}"/></marker></defs>'
    ]
    parallel: dict[tuple[str, str], int] = {}
    for route in routes:
        if route.source == route.target:
            continue
        pair = (route.source, route.target)
        index = parallel.get(pair, 0)
        parallel[pair] = index + 1
        (x1, y1, _a1), (x2, y2, _a2) = at[route.source], at[route.target]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        ux, uy = dx / length, dy / length
        # Bend to the right of the direction of travel, so A→B and B→A are two arcs, not one line.
        # Parallel arrows between the same two organisations bend further out, so their labels (at half the
        # bend) stay apart.
        bend = 30 + 40 * index
        mx, my = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
        sx, sy = x1 + ux * node_r, y1 + uy * node_r
        ex, ey = x2 - ux * (node_r + 2), y2 - uy * (node_r + 2)
        suppressed = route.count.suppressed or route.count.value is None
        stroke_w = 2.0 if suppressed else 2.0 + 6.0 * (route.count.value or 0) / most
        dash = ROUTE_KINDS.get(route.kind, ("3 3", ""))[0]
        label = f"{route.source} → {route.target}, {route_kind_label(route.kind)}: {route.count.shown}"
        body.append('<g class="route">')
        body.append(_el("title", label))
        body.append(
            _el("path", d=f"M{_f(sx)},{_f(sy)}Q{_f(mx)},{_f(my)} {_f(ex)},{_f(ey)}", fill="none",
                stroke=MUTED if suppressed else COLOURS[0], stroke_width=stroke_w, stroke_dasharray=dash,
                marker_end=f"url(#{arrow})")
        )  # fmt: skip
        # The label sits on the curve's middle (a quadratic's midpoint is halfway to its control point).
        lx, ly = (sx + 2 * mx + ex) / 4, (sy + 2 * my + ey) / 4
        body.append(
            _el("text", route.count.shown, x=lx, y=ly + 4, text_anchor="middle", font_weight="bold", stroke="#fff",
                stroke_width=4, paint_order="stroke", stroke_linejoin="round")
        )  # fmt: skip
        body.append("</g>")
    for name in nodes:
        x, y, angle = at[name]
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 else "start" if cos > 0 else "end"
        tx = x + (node_r + 6) * cos
        ty = y + (node_r + 14) * math.sin(angle) + 4
        body.append(_el("circle", cx=x, cy=y, r=node_r, fill="#fff", stroke=INK, stroke_width=2))
        body.append(
            _el("text", _short(name, 30), x=tx, y=ty, text_anchor=anchor, font_weight="bold", stroke="#fff",
                stroke_width=4, paint_order="stroke", stroke_linejoin="round")
        )  # fmt: skip
    for k, kind in enumerate(kinds):
        ly = size + 20 + k * 22
        dash = ROUTE_KINDS.get(kind, ("3 3", ""))[0]
        body.append(
            _el("line", x1=20, x2=64, y1=ly, y2=ly, stroke=COLOURS[0], stroke_width=3, stroke_dasharray=dash)
        )
        body.append(_el("text", route_kind_label(kind), x=72, y=ly + 4))
    return _svg(ident, width, height, title, _route_desc(routes, nodes), body, "route-graph")


def _route_desc(routes: Sequence[Route], nodes: Sequence[str]) -> str:
    if not routes:
        return str(_("No routes between organisations in this period."))
    parts = [
        ngettext(
            "%(routes)d connection between %(nodes)d organisations.",
            "%(routes)d connections between %(nodes)d organisations.",
            len(routes),
        )
        % {"routes": len(routes), "nodes": len(nodes)}
    ]
    counted = [r for r in routes if r.count.value is not None and not r.count.suppressed]
    if counted:
        top = max(counted, key=lambda r: r.count.value or 0)
        parts.append(
            _("Most households: %(source)s to %(target)s (%(kind)s, %(count)s).")
            % {"source": top.source, "target": top.target, "kind": route_kind_label(top.kind).lower(),
               "count": top.count.shown}
        )  # fmt: skip
    hidden = sum(1 for r in routes if r.count.suppressed)
    if hidden:
        parts.append(
            ngettext(
                "%(n)d connection with too few households is drawn thin.",
                "%(n)d connections with too few households are drawn thin.",
                hidden,
            )
            % {"n": hidden}
        )
    return " ".join(parts)
