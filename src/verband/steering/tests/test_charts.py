"""The charts: accessible SVG, drawn only from the table, without inline style, with gaps for suppressed
numbers and a norm line."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.utils import translation

from verband.steering import charts
from verband.steering.tables import Cell, Route, Row, Table

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def _c(value: float | None, shown: str | None = None, suppressed: bool = False) -> Cell:
    return Cell(value, shown if shown is not None else ("—" if value is None else str(value)), suppressed)


def _trend() -> Table:
    return Table(
        key="veiligheidsbeoordeling-tijdig",
        title="Veiligheidsbeoordeling binnen 5 werkdagen",
        definition="Aandeel van de meldingen met een veiligheidsbeoordeling binnen 5 werkdagen.",
        row_header="Reeks",
        columns=("jan 2026", "feb 2026", "mrt 2026", "apr 2026"),
        rows=(
            Row("Netwerk Zuid", (_c(82.5, "82,5%"), _c(None, "<5", True), _c(91.0, "91%"), _c(93.0, "93%"))),
            Row("Regio", (_c(85.0, "85%"), _c(87.0, "87%"), _c(88.0, "88%"), _c(1234.5, "1.234,5"))),
        ),
        unit="percent",
        norm=90.0,
        notes=("Aantallen onder 5 worden niet getoond.",),
    )


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def _accessible(root: ElementTree.Element) -> None:
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None and title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def _desc(root: ElementTree.Element) -> str:
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text
    return desc.text


def _no_inline_style(svg: str) -> None:
    assert " style=" not in svg and "<style" not in svg and "<script" not in svg


def test_nice_ticks_are_round():
    assert charts.nice_ticks(0, 93) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0, 0.42) == [0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert charts.nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_numbers_are_written_the_dutch_way():
    assert charts.format_number(1234.5) == "1.234,5"
    assert charts.format_number(90, "percent") == "90%"
    assert charts.format_number(0.25, "count", 2) == "0,25"


def test_trend_chart_is_accessible_svg_with_norm_line_and_gaps():
    svg = str(charts.trend_chart(_trend()))
    root = _parse(svg)
    _accessible(root)
    _no_inline_style(svg)
    assert root.find(f"{SVG}title").text == "Veiligheidsbeoordeling binnen 5 werkdagen"
    desc = _desc(root)
    assert "Norm 90%" in desc and "1 getal wordt niet getoond" in desc
    assert "Norm 90%" in svg
    paths = [p for p in root.iter(f"{SVG}path") if p.get("stroke") in charts.COLOURS]
    # The first series is broken where its February number is suppressed: two pieces, one starting anew.
    assert paths[0].get("d").count("M") == 2
    assert paths[1].get("d").count("M") == 1
    # Told apart by dashes, not only colour.
    assert paths[0].get("stroke-dasharray") != paths[1].get("stroke-dasharray")
    # The legend names each series.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Netwerk Zuid" in texts and "Regio" in texts and "jan 2026" in texts


def test_trend_chart_escapes_labels():
    table = _trend()
    evil = Table(
        key="x", title="<script>alert(1)</script>", definition="", row_header="", columns=('"><b>',),
        rows=(Row("<i>", (_c(3.0),)),),
    )  # fmt: skip
    svg = str(charts.trend_chart(evil))
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    _parse(svg)
    assert table.title in str(charts.trend_chart(table))


def test_bar_chart_shows_suppressed_bars_as_not_shown():
    table = Table(
        key="per-netwerk",
        title="Meldingen per netwerk",
        definition="",
        row_header="Netwerk",
        columns=("Aantal",),
        rows=(
            Row("Netwerk Zuid", (_c(120.0, "120"),)),
            Row("Netwerk Noord", (_c(None, "<5", True),)),
            Row("Een heel erg lange naam van een netwerk in de regio", (_c(40.0, "40"),)),
        ),
        norm=100.0,
    )
    svg = str(charts.bar_chart(table))
    root = _parse(svg)
    _accessible(root)
    _no_inline_style(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "niet getoond" in texts
    assert "<5" not in texts  # the bar says "not shown"; the table beside it says "<5"
    assert len([r for r in root.iter(f"{SVG}rect")]) == 2
    assert any(t and t.endswith("…") for t in texts)
    desc = _desc(root)
    assert "Netwerk Zuid" in desc and "1 niet getoond" in desc


def _route(source: str, target: str, kind: str, count: Cell) -> Route:
    return Route(source, target, kind, count, _c(3.0), _c(8.0), _c(10.0), _c(None, "<5", True))


def test_route_graph_draws_each_connection_with_width_by_count():
    routes = [
        _route("Veilig Thuis", "Wijkteams", "activation", _c(40.0, "40")),
        _route("Wijkteams", "Veilig Thuis", "scale_up", _c(10.0, "10")),
        _route("Politie", "Veilig Thuis", "referral", _c(None, "<5", True)),
    ]
    svg = str(charts.route_graph(routes, ident="routes-q3"))
    root = _parse(svg)
    _accessible(root)
    _no_inline_style(svg)
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == 3
    widths = [float(p.get("stroke-width")) for p in arrows]
    assert widths[0] > widths[1] > widths[2]
    assert arrows[0].get("marker-end") == "url(#routes-q3-arrow)"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"40", "10", "<5", "Veilig Thuis", "Wijkteams", "Politie"} <= set(texts)
    assert {"Activatie", "Verwijzing", "Opschalen"} <= set(texts)
    assert "3 verbindingen tussen 3 organisaties" in _desc(root)


def test_route_graph_without_routes_says_so():
    root = _parse(str(charts.route_graph([])))
    _accessible(root)
    assert "Geen routes" in _desc(root)


def test_ids_are_unique_per_chart():
    a = str(charts.trend_chart(_trend(), ident="a"))
    b = str(charts.trend_chart(_trend(), ident="b"))
    assert re.findall(r'id="([^"]+)"', a) != re.findall(r'id="([^"]+)"', b)
