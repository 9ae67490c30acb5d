"""Sturing: the indicators, comparisons and routes of a part of the network for managers, executives and
network coordinators, as charts with the numbers beside them, CSV and XLSX of every table, and the
quarterly PDF for the strategic platform.

Every number comes from the indicator engine's store (`selectors`), already suppressed where it must be:
no view here reads a household, a person or a case. Page views of these numbers are not logged (they hold
no personal data, like the overview page); a download is, as an export, because the file leaves Verband."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from verband.network.models import Role
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record
from verband.sharing.decorators import role_required
from verband.steering import charts, exports, selectors
from verband.steering.forms import (
    BY,
    BY_LABELS,
    GRAIN_LABELS,
    GRAINS,
    PERIODS,
    ReportForm,
    ScopeFilter,
    quarter_end,
)
from verband.steering.tables import Cell, Table

STEERING_ROLES = (Role.MANAGER, Role.EXECUTIVE, Role.NETWORK_COORDINATOR)


@dataclass(frozen=True)
class Shown:
    """A table as the page lays it out: a trend with its periods down the side (so twelve months fit beside
    the chart), a comparison as it is."""

    caption: str
    corner: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    notes: tuple[str, ...]


def shown(table: Table, *, transpose: bool) -> Shown:
    if not transpose:
        return Shown(
            table.title,
            table.row_header,
            table.columns,
            tuple((r.label, r.cells) for r in table.rows),
            table.notes,
        )
    return Shown(
        table.title,
        _("Period"),
        tuple(r.label for r in table.rows),
        tuple(
            (column, tuple(r.cells[i] if i < len(r.cells) else Cell(None, "—") for r in table.rows))
            for i, column in enumerate(table.columns)
        ),
        table.notes,
    )


def headline(table: Table, info: Any) -> tuple[str, Cell] | None:
    """The newest period's number of the whole scope: the total row (the last one), or for a waiting time
    the total's median (the last but one; the last is its 90th percentile)."""
    if not table.rows or not table.columns:
        return None
    row = (
        table.rows[-2]
        if getattr(info, "measure", "") == "median_p90" and len(table.rows) > 1
        else table.rows[-1]
    )
    n = len(table.columns)
    return table.columns[-1], row.cells[n - 1] if len(row.cells) >= n else Cell(None, "—")


def norm_met(info: Any, last: tuple[str, Cell] | None, off: set[str]) -> bool | None:
    """Whether the newest number meets the norm, as the engine judges it (`off_norm`); None when there is
    no norm or no number to judge (nothing counted, or too few to show)."""
    if info.norm is None or last is None or last[1].value is None or last[1].suppressed:
        return None
    return info.key not in off


def compared_column(table: Table, info: Any) -> int:
    """The column a bar chart draws: the median of a waiting time, else the total (the last column)."""
    if getattr(info, "measure", "") == "median_p90" or not table.columns:
        return 0
    return len(table.columns) - 1


class Choice:
    """What the person chose on a page: the scope (from those they may choose), the grain, and the query
    string that keeps both on links."""

    def __init__(self, request: HttpRequest, default_grain: str = "maand", coarse: bool = False) -> None:
        membership = request.membership  # type: ignore[attr-defined]
        self.scopes = selectors.allowed_scopes(membership)
        if not self.scopes:
            self.scopes = [(str(membership.organisation), selectors.scope_for(membership))]
        self.form = ScopeFilter(request.GET or None, self.scopes)
        index, self.grain_key = self.form.chosen(default_grain) if request.GET else (0, default_grain)
        # One period to show (`tijdvak`): the running one so far or one of the last closed ones.
        self.periods_offered: list[tuple[str, str]] = []
        self.period: str | None = None
        # Routes are counted per quarter and year only (per month nearly every one would be hidden).
        if coarse:
            self.form.fields["periode"].choices = [c for c in GRAIN_LABELS if c[0] != "maand"]  # type: ignore[attr-defined]
            if self.grain_key == "maand":
                self.grain_key = "kwartaal"
        if not 0 <= index < len(self.scopes):
            index = 0
        self.index = index
        self.label, self.scope = self.scopes[index]
        self.grain: selectors.Grain = GRAINS.get(self.grain_key, "month")
        self.periods = PERIODS[self.grain]
        if coarse:
            running = selectors.period_key(timezone.localdate(), self.grain)
            closed = list(reversed(selectors.closed_periods(self.grain, self.periods)))
            self.periods_offered = [
                (running, _("%(period)s (so far)") % {"period": selectors.period_label(running)})
            ] + [(key, selectors.period_label(key)) for key in closed]
            wanted = request.GET.get("tijdvak", "")
            self.period = wanted if wanted in dict(self.periods_offered) else closed[0]

    def query(self, **extra: str) -> str:
        chosen = {"bereik": str(self.index), "periode": self.grain_key}
        if self.period:
            chosen["tijdvak"] = self.period
        return urlencode({**chosen, **extra})


def _export(request: HttpRequest, table: Table, fmt: str, scope_label: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    record(actor_for_request(request), action="export", object_type="steering_table", object_id=table.key)
    on = timezone.localdate()
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(table), content_type="text/csv; charset=utf-8")
        name = exports.file_name(table, scope_label, on, "csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.table_xlsx(table, scope=scope_label, generated=on), content_type=exports.XLSX_TYPE
        )
        name = exports.file_name(table, scope_label, on, "xlsx")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _base(choice: Choice) -> dict[str, Any]:
    return {"choice": choice, "form": choice.form, "last_refresh": selectors.last_refresh()}


@role_required(*STEERING_ROLES)
def overview_view(request: HttpRequest) -> HttpResponse:
    choice = Choice(request)
    sets = selectors.indicator_sets()
    if not sets:
        return render(request, "steering/overview.html", {**_base(choice), "sets": [], "cards": []})
    wanted = request.GET.get("set", "")
    current = next((s for s in sets if s[0] == wanted), sets[0])
    off = {info.key for info, _cell in selectors.off_norm(choice.scope, choice.grain)}
    tables = selectors.trends(
        [info.key for info in current[2] if info.computable], choice.scope, choice.grain, choice.periods
    )
    cards = []
    for info in current[2]:
        card: dict[str, Any] = {"info": info, "href": reverse("steering:indicator", args=[info.key])}
        if info.computable:
            table = tables[info.key]
            card.update(
                table=shown(table, transpose=True),
                chart=charts.trend_chart(table, ident=f"trend-{info.key}"),
                last=headline(table, info),
                norm_met=norm_met(info, headline(table, info), off),
                norm_text=None if info.norm is None else charts.format_number(info.norm, info.unit),
            )
        cards.append(card)
    tabs = [
        {"key": key, "label": title, "href": "?" + choice.query(set=key), "current": key == current[0]}
        for key, title, _items in sets
    ]
    return render(
        request,
        "steering/overview.html",
        {**_base(choice), "sets": sets, "tabs": tabs, "current": current, "cards": cards},
    )


def _info_or_404(key: str) -> selectors.IndicatorInfo:
    try:
        return selectors.indicator(key)
    except (KeyError, LookupError):
        raise Http404 from None


def _by(request: HttpRequest) -> str:
    by = request.GET.get("per", "")
    return by if by in BY else "netwerk"


@role_required(*STEERING_ROLES)
def indicator_view(request: HttpRequest, key: str) -> HttpResponse:
    info = _info_or_404(key)
    choice = Choice(request)
    by = _by(request)
    context: dict[str, Any] = {**_base(choice), "info": info, "by": by}
    context["by_tabs"] = [
        {"key": k, "label": label, "href": "?" + choice.query(per=k) + "#vergelijking", "current": k == by}
        for k, label in BY_LABELS.items()
    ]
    if info.computable:
        off = {i.key for i, _cell in selectors.off_norm(choice.scope, choice.grain)}
        trend = selectors.trend(info.key, choice.scope, choice.grain, choice.periods)
        comparison = selectors.comparison(info.key, choice.scope, BY[by], choice.grain)
        context.update(
            trend=shown(trend, transpose=True),
            trend_chart=charts.trend_chart(trend, ident=f"trend-{info.key}"),
            last=headline(trend, info),
            comparison=shown(comparison, transpose=False),
            comparison_chart=(
                charts.bar_chart(
                    comparison, column=compared_column(comparison, info), ident=f"bars-{info.key}"
                )
                if comparison.rows
                else None
            ),
            norm_met=norm_met(info, headline(trend, info), off),
            norm_text=None if info.norm is None else charts.format_number(info.norm, info.unit),
        )
    return render(request, "steering/indicator.html", context)


@role_required(*STEERING_ROLES)
def trend_export_view(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    info = _info_or_404(key)
    if not info.computable:
        raise Http404
    choice = Choice(request)
    return _export(
        request, selectors.trend(info.key, choice.scope, choice.grain, choice.periods), fmt, choice.label
    )


@role_required(*STEERING_ROLES)
def comparison_export_view(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    info = _info_or_404(key)
    if not info.computable:
        raise Http404
    choice = Choice(request)
    table = selectors.comparison(info.key, choice.scope, BY[_by(request)], choice.grain)
    return _export(request, table, fmt, choice.label)


@role_required(*STEERING_ROLES)
def routes_view(request: HttpRequest) -> HttpResponse:
    choice = Choice(request, default_grain="kwartaal", coarse=True)
    routes = selectors.routes(choice.scope, choice.grain, choice.period)
    table = exports.routes_table(routes)
    return render(
        request,
        "steering/routes.html",
        {
            **_base(choice),
            "graph": charts.route_graph(routes, ident="routes") if routes else None,
            "table": shown(table, transpose=False),
            "definition": table.definition,
        },
    )


@role_required(*STEERING_ROLES)
def routes_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    choice = Choice(request, default_grain="kwartaal", coarse=True)
    return _export(
        request,
        exports.routes_table(selectors.routes(choice.scope, choice.grain, choice.period)),
        fmt,
        choice.label,
    )


# --- the quarterly report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportItem:
    info: Any  # selectors.IndicatorInfo
    table: Shown | None
    chart: SafeString | None
    last: tuple[str, Cell] | None
    norm_met: bool | None
    norm_text: str | None


def report_context(scope_label: str, scope: Any, period: str, label: str) -> dict[str, Any]:
    """Everything the quarterly report shows for one scope and one quarter (`period`, "2026-Q3"): per group of
    each indicator set, each indicator's definition, trend over eight quarters up to this one, its table and
    whether the norm was met; the routes of the quarter; the notes on suppression."""
    end = quarter_end(period)
    off = {info.key for info, _cell in selectors.off_norm(scope, "quarter", period)}
    groups: list[tuple[str, str, list[ReportItem]]] = []
    notes: list[str] = []
    for _set_key, set_title, infos in selectors.indicator_sets():
        by_group: dict[str, list[ReportItem]] = {}
        tables = selectors.trends(
            [info.key for info in infos if info.computable], scope, "quarter", PERIODS["quarter"], today=end
        )
        for info in infos:
            item = ReportItem(info, None, None, None, None, None)
            if info.computable:
                table = tables[info.key]
                notes.extend(n for n in table.notes if n not in notes)
                item = ReportItem(
                    info,
                    shown(table, transpose=True),
                    charts.trend_chart(table, ident=f"report-{info.key}", width=600),
                    headline(table, info),
                    norm_met(info, headline(table, info), off),
                    None if info.norm is None else charts.format_number(info.norm, info.unit),
                )
            by_group.setdefault(info.group, []).append(item)
        for group, items in by_group.items():
            groups.append((set_title, group, items))
    routes = selectors.routes(scope, "quarter", period)
    route_table = exports.routes_table(routes)
    return {
        "scope_label": scope_label,
        "quarter": label,
        "groups": groups,
        "graph": charts.route_graph(routes, ident="report-routes", width=600) if routes else None,
        "routes": shown(route_table, transpose=False),
        "routes_definition": route_table.definition,
        "notes": notes,
        "suppression": exports.suppression_note(),
        "generated": timezone.localdate(),
        "last_refresh": selectors.last_refresh(),
    }


@role_required(*STEERING_ROLES)
def report_view(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    scopes = selectors.allowed_scopes(membership) or [
        (str(membership.organisation), selectors.scope_for(membership))
    ]
    form = ReportForm(request.GET if "kwartaal" in request.GET else None, scopes, timezone.localdate())
    if not form.is_valid():
        return render(
            request, "steering/report.html", {"form": form, "last_refresh": selectors.last_refresh()}
        )
    index = form.cleaned_data["bereik"]
    scope_label, scope = scopes[index]
    value = form.cleaned_data["kwartaal"]
    if quarter_end(value) is None:  # the form's choices only hold valid quarters
        raise Http404
    label = dict(form.fields["kwartaal"].choices)[value]  # type: ignore[attr-defined]
    from weasyprint import HTML

    html = render_to_string("steering/report_pdf.html", report_context(scope_label, scope, value, label))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    record(actor_for_request(request), action="export", object_type="steering_report", object_id=value)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = exports.file_name(
        Table(key="kwartaalrapportage", title="", definition="", row_header="", columns=(), rows=()),
        f"{scope_label} {value}",
        timezone.localdate(),
        "pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
