"""What steering pages, charts, exports and reports read: tables of numbers that are safe to show.

Every function reads only the store (`IndicatorValue`, one indexed lookup per table) and the small
network tables for names; never a source table, a person or a household reference. Suppression
(`verband.steering.suppression`) is applied here, so nothing unsafe leaves this module."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from verband.network.models import Network, Organisation, OrganisationKind, Region, Role, Team
from verband.steering import config
from verband.steering.models import IndicatorValue, RefreshRun
from verband.steering.suppression import small, suppress_counts, suppress_related, too_few
from verband.steering.tables import Cell, Route, Row, Table, Unit

Grain = Literal["month", "quarter", "year"]
By = Literal["region", "network", "organisation", "team", "area"]


@dataclass(frozen=True)
class Scope:
    """What is looked at: everything (all None), or one region, network, organisation, team or area (a
    4-digit postcode, within `region_id` when given)."""

    region_id: int | None = None
    network_id: int | None = None
    organisation_id: int | None = None
    team_id: int | None = None
    area: str | None = None


@dataclass(frozen=True)
class IndicatorInfo:
    key: str
    set_key: str
    group: str
    title: str
    definition: str
    unit: Unit
    norm: float | None
    computable: bool
    why_not: str
    measure: str = "count"  # count | share | median_p90
    norm_direction: str | None = None  # at_least | at_most
    series_title: str = ""
    dimensions: tuple[str, ...] = field(default_factory=tuple)
    compute: str = ""  # the store's indicator key


def _info(set_key: str, spec: config.IndicatorSpec) -> IndicatorInfo:
    return IndicatorInfo(
        key=spec.key,
        set_key=set_key,
        group=spec.group,
        title=spec.title,
        definition=spec.definition.strip(),
        unit=spec.unit,
        norm=spec.norm,
        computable=spec.computable,
        why_not=spec.why_not.strip(),
        measure=spec.measure,
        norm_direction=spec.norm_direction,
        series_title=spec.series_title,
        dimensions=tuple(spec.dimensions),
        compute=spec.compute,
    )


def indicator_sets() -> list[tuple[str, str, list[IndicatorInfo]]]:
    """(set key, set title, indicators) for every configured set."""
    return [(s.key, s.title, [_info(s.key, i) for i in s.indicators]) for s in config.indicator_sets()]


def indicator(key: str) -> IndicatorInfo:
    for _key, _title, infos in indicator_sets():
        for info in infos:
            if info.key == key:
                return info
    raise KeyError(key)


# --- Who sees what ---------------------------------------------------------------------------------------


def scope_for(membership: Any) -> Scope:
    """The default scope of a person: a manager their organisation, an executive and a network coordinator
    their region. Anyone else sees no steering numbers."""
    role = membership.role
    if role == Role.MANAGER:
        return Scope(organisation_id=membership.organisation_id)
    if role in (Role.EXECUTIVE, Role.NETWORK_COORDINATOR):
        return Scope(region_id=membership.organisation.region_id)
    raise PermissionDenied


def allowed_scopes(membership: Any) -> list[tuple[str, Scope]]:
    """The scopes this person may choose, labelled: the default first, then the networks, organisations
    and teams within it."""
    default = scope_for(membership)
    if default.organisation_id is not None:
        organisation = Organisation.objects.get(pk=default.organisation_id)
        found = [(organisation.label, default)]
        found += [
            (team.name, Scope(organisation_id=organisation.pk, team_id=team.pk))
            for team in Team.objects.filter(organisation=organisation).order_by("name")
        ]
        return found
    region = Region.objects.get(pk=membership.organisation.region_id)
    found = [(region.name, default)]
    networks = Network.objects.filter(region=region).order_by("name")
    if membership.role == Role.NETWORK_COORDINATOR:
        own = list(membership.networks.all())
        if own:
            networks = networks.filter(pk__in=[n.pk for n in own])
    found += [(n.name, Scope(region_id=region.pk, network_id=n.pk)) for n in networks]
    if membership.role == Role.EXECUTIVE:
        found += [
            (o.label, Scope(region_id=region.pk, organisation_id=o.pk))
            for o in Organisation.objects.filter(region=region).order_by("name")
        ]
    return found


def _key(scope: Scope) -> tuple[str, str]:
    """The store's (dimension, dimension_id) for a scope: its most specific part."""
    if scope.area:
        return "area", scope.area
    for dimension, value in (
        ("team", scope.team_id),
        ("organisation", scope.organisation_id),
        ("network", scope.network_id),
        ("region", scope.region_id),
    ):
        if value is not None:
            return dimension, str(value)
    return "all", ""


# --- Periods -------------------------------------------------------------------------------------------


def period_key(day: date, grain: Grain) -> str:
    if grain == "month":
        return f"{day:%Y-%m}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}"


def closed_periods(grain: Grain, count: int, today: date | None = None) -> list[str]:
    """The last `count` periods that have ended before `today`, oldest first."""
    today = today or timezone.localdate()
    step = {
        "month": relativedelta(months=1),
        "quarter": relativedelta(months=3),
        "year": relativedelta(years=1),
    }[grain]
    current = period_key(today, grain)
    keys: list[str] = []
    day = today
    while len(keys) < count:
        day = day - step
        key = period_key(day, grain)
        if key != current and key not in keys:
            keys.append(key)
    return list(reversed(keys))


def period_label(key: str) -> str:
    """'2026-04' → 'apr 2026', '2026-Q2' → 'K2 2026', '2026' → '2026'."""
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    if "-" in key:
        year, month = key.split("-")
        names = [
            _("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"),
            _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec"),
        ]  # fmt: skip
        return f"{names[int(month) - 1]} {year}"
    return key


# --- Cells and labels -------------------------------------------------------------------------------------


def _threshold() -> int:
    return int(settings.SMALL_CELL_THRESHOLD)


def number_text(value: float, unit: Unit) -> str:
    """A value as a cell shows it: "87%", "12", "3,5"."""
    if unit == "percent":
        return f"{round(value)}%"
    if unit == "count":
        return str(round(value))
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _cell(value: float | None, unit: Unit, hidden: bool = False) -> Cell:
    if hidden:
        # Not "<5": a cell hidden because it could be worked out from a total may be large, and beside a
        # median "<5" would read as "under five days".
        return Cell(None, _("not shown"), suppressed=True)
    if value is None:
        return Cell(None, "—")
    return Cell(float(value), number_text(value, unit))


def series_label(kind: str, series: str) -> str:
    if series == "":
        return _("Total")
    if kind == "door":
        signal_kind, _sep, channel = series.partition("/")
        from verband.signals.models import SignalKind

        labels = dict(SignalKind.choices)
        channel_label = {"web": _("web form"), "api": _("API")}.get(channel, channel)
        return f"{labels.get(signal_kind, signal_kind)} ({channel_label})"
    if kind == "reporter":
        if series == "citizen":
            return _("Citizen or anonymous")
        return str(dict(OrganisationKind.choices).get(series, series))
    if kind == "step":
        from verband.escalation.models import Step

        return str(dict(Step.choices).get(int(series), series)) if series.isdigit() else series
    if kind == "status":
        from verband.collaboration.models import HandoverStatus

        return str(dict(HandoverStatus.choices).get(series, series))
    return series


def _unit_names(by: str, ids: list[str]) -> dict[str, str]:
    numeric = [int(i) for i in ids if i.isdigit()]
    if by == "region":
        return {str(r.pk): r.name for r in Region.objects.filter(pk__in=numeric)}
    if by == "network":
        return {str(n.pk): n.name for n in Network.objects.filter(pk__in=numeric)}
    if by == "organisation":
        return {str(o.pk): o.label for o in Organisation.objects.filter(pk__in=numeric)}
    if by == "team":
        return {str(t.pk): t.name for t in Team.objects.filter(pk__in=numeric)}
    return {i: (_("Other areas") if i.startswith("overig:") else i) for i in ids}


def _values(compute: str, dimension: str, ids: list[str] | None, grain: str, periods: list[str]) -> list[Any]:
    rows = IndicatorValue.objects.filter(
        indicator=compute, dimension=dimension, grain=grain, period__in=periods
    )
    if ids is not None:
        rows = rows.filter(dimension_id__in=ids)
    return list(rows.values("series", "dimension_id", "period", "value", "p90", "n", "region_id"))


def _stat_rows(info: IndicatorInfo) -> list[tuple[str, str]]:
    """For a median_p90 indicator: (field, label) of the two statistics."""
    return [("value", _("median")), ("p90", _("90th percentile"))]


# --- Trend ---------------------------------------------------------------------------------------------


def trend(
    key: str, scope: Scope, grain: Grain = "month", periods: int = 12, today: date | None = None
) -> Table:
    """The indicator over the last `periods` closed periods (columns, oldest first); a row per series and a
    total row (one row "Total" when there is no breakdown; a median and a 90th-percentile row per series for
    waiting times)."""
    return trends([key], scope, grain, periods, today)[key]


def trends(
    keys: list[str], scope: Scope, grain: Grain = "month", periods: int = 12, today: date | None = None
) -> dict[str, Table]:
    """`trend` for several indicators, read from the store in one query (a page of indicator cards)."""
    infos = [indicator(key) for key in keys]
    columns = closed_periods(grain, periods, today)
    dimension, dimension_id = _key(scope)
    computes = sorted({info.compute for info in infos if info.computable})
    found: dict[str, list[Any]] = defaultdict(list)
    if computes:
        # Every month, quarter and year of the years shown: a count hidden here must stay hidden on the
        # page of another grain (`_time_hidden`).
        rows = IndicatorValue.objects.filter(
            indicator__in=computes,
            dimension=dimension,
            dimension_id=dimension_id,
            period__in=_periods_of_years(columns),
        )
        for v in rows.values(
            "indicator", "series", "dimension_id", "grain", "period", "value", "p90", "n", "region_id"
        ):
            found[v["indicator"]].append(v)
    return {
        info.key: _trend_table(info, grain, columns, found[info.compute] if info.computable else [])
        for info in infos
    }


def _periods_of_years(columns: list[str]) -> list[str]:
    """Every month, quarter and year of the years the columns lie in."""
    years = sorted({c[:4] for c in columns})
    found = list(years)
    for year in years:
        found += [f"{year}-Q{q}" for q in range(1, 5)]
        found += [f"{year}-{m:02d}" for m in range(1, 13)]
    return found


Key = tuple[str, str, str]  # (unit, series, period)


def _time_relations(unit: str, series: list[str], years: list[str]) -> list[tuple[Key, list[Key]]]:
    """The relations between the (unit, series, period) counts of one unit over whole years: a year is its
    quarters and its months, a quarter its months, a total its series."""
    relations: list[tuple[Key, list[Key]]] = []
    parts = [s for s in series if s]
    for year in years:
        quarters = [f"{year}-Q{q}" for q in range(1, 5)]
        months = [f"{year}-{m:02d}" for m in range(1, 13)]
        for s in series:
            relations.append(((unit, s, year), [(unit, s, q) for q in quarters]))
            relations.append(((unit, s, year), [(unit, s, m) for m in months]))
            for q, quarter in enumerate(quarters):
                relations.append(((unit, s, quarter), [(unit, s, m) for m in months[3 * q : 3 * q + 3]]))
        if parts:
            for period in [year, *quarters, *months]:
                relations.append(((unit, "", period), [(unit, s, period) for s in parts]))
    return relations


def _time_hidden(values: dict[tuple[str, str], float], series: list[str], years: list[str]) -> set[Any]:
    """The (series, period) counts to hide so that no page of the scope gives a hidden one away: a month
    from its quarter or year and the other months, a quarter from its year and the other quarters, a
    series from the total and the other series — on whatever grain the page shows, so the relations are
    taken over whole years, whether or not a period is closed yet."""
    cells: dict[Key, float] = {("", s, p): v for (s, p), v in values.items()}
    hidden = suppress_related(cells, _time_relations("", series, years), _threshold())
    return {(s, p) for _u, s, p in hidden}


def _trend_table(info: IndicatorInfo, grain: Grain, columns: list[str], found: list[Any]) -> Table:
    by_series: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    every: dict[tuple[str, str], float] = {}
    for v in found:
        every[(v["series"], v["period"])] = v["value"] or 0
        if v.get("grain", grain) == grain and v["period"] in columns:
            by_series[v["series"]][v["period"]] = v
    kind = _series_kind(info)
    series = sorted((s for s in by_series if s), key=lambda s: series_label(kind, s))
    series.append("")
    threshold = _threshold()
    rows: list[Row] = []
    notes: list[str] = []
    if info.measure == "count":
        values = [[by_series[s].get(p, {}).get("value") or 0 for p in columns] for s in series]
        every_series = sorted({s for s, _p in every} | set(series))
        gone = _time_hidden(every, every_series, sorted({c[:4] for c in columns}))
        hidden = [[(s, p) in gone for p in columns] for s in series]
        for s, vals, hid in zip(series, values, hidden, strict=True):
            rows.append(
                Row(
                    series_label(kind, s),
                    tuple(_cell(v, info.unit, h) for v, h in zip(vals, hid, strict=True)),
                )
            )
    elif info.measure == "share":
        for s in series:
            cells = []
            for p in columns:
                v = by_series[s].get(p)
                cells.append(
                    _cell(
                        v["value"] if v else None,
                        info.unit,
                        hidden=v is not None and too_few(v["n"], threshold),
                    )
                )
            rows.append(Row(series_label(kind, s), tuple(cells)))
    else:
        for s in series:
            for fieldname, stat in _stat_rows(info):
                cells = []
                for p in columns:
                    v = by_series[s].get(p)
                    cells.append(
                        _cell(
                            v[fieldname] if v else None,
                            info.unit,
                            hidden=v is not None and too_few(v["n"], threshold),
                        )
                    )
                label = (
                    stat.capitalize() if s == "" and len(series) == 1 else f"{series_label(kind, s)} ({stat})"
                )
                rows.append(Row(label, tuple(cells)))
    if any(c.suppressed for r in rows for c in r.cells):
        notes.append(_suppression_note())
    return Table(
        key=f"{info.key}-{grain}",
        title=info.title,
        definition=info.definition,
        row_header=info.series_title or _("Series"),
        columns=tuple(period_label(p) for p in columns),
        rows=tuple(rows),
        unit=info.unit,
        norm=info.norm,
        notes=tuple(notes),
    )


def _series_kind(info: IndicatorInfo) -> str:
    for s in config.indicator_sets():
        for spec in s.indicators:
            if spec.key == info.key:
                return spec.series
    return ""


def _suppression_note() -> str:
    return _(
        "Numbers below %(threshold)s are not shown, nor any number from which they could be worked out."
    ) % {"threshold": _threshold()}


# --- Comparison ------------------------------------------------------------------------------------------


def _units_in(scope: Scope, by: By) -> list[str] | None:
    """The ids of the units of `by` that lie within `scope` (None: every unit, for areas filtered by
    region afterwards)."""
    if by == "region":
        if scope.region_id is not None:
            return [str(scope.region_id)]
        if scope.organisation_id is not None:
            return [str(Organisation.objects.get(pk=scope.organisation_id).region_id)]
        return [str(pk) for pk in Region.objects.values_list("pk", flat=True)]
    if by == "network":
        networks = Network.objects.all()
        if scope.network_id is not None:
            networks = networks.filter(pk=scope.network_id)
        elif scope.organisation_id is not None:
            networks = networks.filter(organisations=scope.organisation_id)
        elif scope.region_id is not None:
            networks = networks.filter(region_id=scope.region_id)
        return [str(pk) for pk in networks.values_list("pk", flat=True)]
    if by == "organisation":
        organisations = Organisation.objects.all()
        if scope.organisation_id is not None:
            organisations = organisations.filter(pk=scope.organisation_id)
        elif scope.network_id is not None:
            organisations = organisations.filter(networks=scope.network_id)
        elif scope.region_id is not None:
            organisations = organisations.filter(region_id=scope.region_id)
        return [str(pk) for pk in organisations.values_list("pk", flat=True)]
    if by == "team":
        teams = Team.objects.all()
        if scope.team_id is not None:
            teams = teams.filter(pk=scope.team_id)
        elif scope.organisation_id is not None:
            teams = teams.filter(organisation_id=scope.organisation_id)
        elif scope.region_id is not None:
            teams = teams.filter(organisation__region_id=scope.region_id)
        return [str(pk) for pk in teams.values_list("pk", flat=True)]
    return None


def _region_of(scope: Scope) -> int | None:
    """The region a scope lies in (None for everything)."""
    if scope.region_id is not None:
        return scope.region_id
    if scope.organisation_id is not None:
        return (
            Organisation.objects.filter(pk=scope.organisation_id).values_list("region_id", flat=True).first()
        )
    if scope.team_id is not None:
        return Team.objects.filter(pk=scope.team_id).values_list("organisation__region_id", flat=True).first()
    if scope.network_id is not None:
        return Network.objects.filter(pk=scope.network_id).values_list("region_id", flat=True).first()
    return None


def _units_hidden(compute: str, by: By, ids: list[str] | None, scope: Scope, period: str) -> set[Key]:
    """The (unit, series, period) counts of a comparison to hide: over the whole year of `period` and every
    grain, each unit's months, quarters, year and series bound as on a trend, and the units of each series
    and period bound by the scope's total (shown on the scope's own page). A unit's quarter hidden in one
    quarter's comparison cannot then be worked out from the year's comparison and the other quarters'."""
    rows = IndicatorValue.objects.filter(
        indicator=compute, dimension=by, period__in=_periods_of_years([period])
    )
    if ids is not None:
        rows = rows.filter(dimension_id__in=ids)
    if by == "area":
        rows = rows.filter(region_id=_region_of(scope))
    cells: dict[Key, float] = {}
    totals: dict[Key, float] = defaultdict(float)
    series_of: dict[str, set[str]] = defaultdict(set)
    for v in rows.values("series", "dimension_id", "period", "value"):
        value = v["value"] or 0
        cells[(v["dimension_id"], v["series"], v["period"])] = value
        totals[("", v["series"], v["period"])] += value
        series_of[v["dimension_id"]].add(v["series"])
    every_series = sorted(set().union(*series_of.values()) | {""}) if series_of else [""]
    years = [period[:4]]
    relations: list[tuple[Key, list[Key]]] = []
    for unit in series_of:
        relations += _time_relations(unit, every_series, years)
    units = sorted(series_of)
    if len(units) > 1:
        for total in totals:
            _scope, s, p = total
            relations.append((("", s, p), [(u, s, p) for u in units]))
    hidden = suppress_related({**cells, **totals}, relations, _threshold())
    return {key for key in hidden if key[0] != ""}


def comparison(
    key: str,
    scope: Scope,
    by: By,
    grain: Grain = "quarter",
    period: str | None = None,
) -> Table:
    """The indicator in one period (default: the last closed one) for each unit of `by` within the scope:
    rows are the units, columns the series and their total (or "Value"; "Median" and "90th percentile" for
    waiting times)."""
    info = indicator(key)
    if by == "area" and grain == "month":
        grain = (
            "quarter"  # areas are counted per quarter and year only (per month nearly all would be hidden)
        )
        period = None
    period = period or closed_periods(grain, 1)[0]
    ids = _units_in(scope, by)
    found = _values(info.compute, by, ids, grain, [period]) if info.computable else []
    if by == "area":  # areas are the region's: never another region's, whatever the scope
        region_id = _region_of(scope)
        found = [v for v in found if region_id is not None and v["region_id"] == region_id]
        if scope.area:
            found = [v for v in found if v["dimension_id"] == scope.area]
    kind = _series_kind(info)
    units = sorted({v["dimension_id"] for v in found})
    names = _unit_names(by, units)
    grid: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for v in found:
        grid[v["dimension_id"]][v["series"]] = v
    threshold = _threshold()
    if by == "area":  # the merged small areas, hidden when still too small
        units = [
            u
            for u in units
            if not (u.startswith("overig:") and too_few(grid[u].get("", {}).get("n"), threshold))
        ]
    units.sort(key=lambda u: (u.startswith("overig:"), names.get(u, u)))
    series = sorted({v["series"] for v in found if v["series"]}, key=lambda s: series_label(kind, s))
    rows: list[Row] = []
    if info.measure == "median_p90":
        columns = [_("Median"), _("90th percentile")]
        for u in units:
            v = grid[u].get("")
            hide = v is not None and too_few(v["n"], threshold)
            rows.append(
                Row(
                    names.get(u, u),
                    (
                        _cell(v["value"] if v else None, info.unit, hide),
                        _cell(v["p90"] if v else None, info.unit, hide),
                    ),
                )
            )
    else:
        keys = [*series, ""] if series else [""]
        columns = [series_label(kind, s) for s in series] + ([_("Total")] if series else [_("Value")])
        if info.measure == "count":
            values = [[grid[u].get(s, {}).get("value") or 0 for s in keys] for u in units]
            gone = _units_hidden(info.compute, by, ids, scope, period)
            hidden = [[(u, s, period) in gone for s in keys] for u in units]
            for u, vals, hid in zip(units, values, hidden, strict=True):
                rows.append(
                    Row(
                        names.get(u, u), tuple(_cell(x, info.unit, h) for x, h in zip(vals, hid, strict=True))
                    )
                )
        else:
            for u in units:
                cells = []
                for s in keys:
                    v = grid[u].get(s)
                    cells.append(
                        _cell(
                            v["value"] if v else None, info.unit, v is not None and too_few(v["n"], threshold)
                        )
                    )
                rows.append(Row(names.get(u, u), tuple(cells)))
    notes = [_suppression_note()] if any(c.suppressed for r in rows for c in r.cells) else []
    by_labels = {
        "region": _("Region"),
        "network": _("Network"),
        "organisation": _("Organisation"),
        "team": _("Team"),
        "area": _("Area (postcode)"),
    }
    return Table(
        key=f"{info.key}-{by}-{period}",
        title=f"{info.title} — {period_label(period)}",
        definition=info.definition,
        row_header=by_labels[by],
        columns=tuple(columns),
        rows=tuple(rows),
        unit=info.unit,
        norm=info.norm,
        notes=tuple(notes),
    )


# --- Routes --------------------------------------------------------------------------------------------


ROUTE_KINDS = ("activation", "referral", "scale_up", "scale_down", "regie_transfer")


def routes(scope: Scope, grain: Grain = "quarter", period: str | None = None) -> list[Route]:
    """Which organisation activates, refers, scales up or down, or transfers regie to which, in one
    period: how often, the median and 90th-percentile wait (working days) until the answer, and the shares
    refused and bounced (handed back and sent on again, or refused and asked elsewhere). A connection with
    fewer households than the threshold is left out (its row alone would say that one went that way);
    other counts suppressed as everywhere; the waits and shares over too few questions are not shown.
    Routes are counted per quarter and year only: a month is read as its quarter."""
    if grain == "month":
        grain, period = "quarter", None
    period = period or closed_periods(grain, 1)[0]
    # Routes are stored per region and network: an organisation (or its team) sees the connections of
    # its region that start or end with it; an area its region's.
    organisation_id = scope.organisation_id
    if scope.team_id is not None and organisation_id is None:
        organisation_id = (
            Team.objects.filter(pk=scope.team_id).values_list("organisation_id", flat=True).first()
        )
    if scope.network_id is not None:
        dimension, dimension_id = "network", str(scope.network_id)
    elif organisation_id is not None:
        region_id = (
            Organisation.objects.filter(pk=organisation_id).values_list("region_id", flat=True).first()
        )
        dimension, dimension_id = "region", str(region_id)
    elif scope.region_id is not None:
        dimension, dimension_id = "region", str(scope.region_id)
    else:
        dimension, dimension_id = "all", ""
    data: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for name in ("route_count", "route_wait", "route_refused", "route_bounced"):
        for v in _values(name, dimension, [dimension_id], grain, [period]):
            if not v["series"]:
                continue
            if organisation_id is not None and str(organisation_id) not in v["series"].split("|")[1:]:
                continue
            data[v["series"]][name] = v
    threshold = _threshold()
    keys = sorted(data, key=lambda s: -(data[s].get("route_count", {}).get("value") or 0))
    counts = [[data[k].get("route_count", {}).get("value") or 0] for k in keys]
    hidden = suppress_counts(counts, threshold, column_sums=True, row_sums=False)
    organisation_ids = {int(p) for k in keys for p in k.split("|")[1:] if p.isdigit()}
    names = {o.pk: o.label for o in Organisation.objects.filter(pk__in=organisation_ids)}
    found: list[Route] = []
    for k, count, hid in zip(keys, counts, hidden, strict=True):
        if small(count[0], threshold):
            # Not listed at all: "police → shelter: not shown" would still tell that the shelter took in
            # someone the police sent that quarter.
            continue
        kind, source, target = k.split("|")
        wait = data[k].get("route_wait")
        refused = data[k].get("route_refused")
        bounced = data[k].get("route_bounced")
        few_wait = too_few(wait["n"] if wait else None, threshold)
        few_answers = too_few(refused["n"] if refused else None, threshold)
        source_name = names.get(int(source)) or (
            _("Citizen or anonymous") if kind == "activation" else _("Unknown")
        )
        target_name = names.get(int(target)) or _("Network")
        found.append(
            Route(
                source=source_name,
                target=target_name,
                kind=kind,
                count=_cell(count[0], "count", hid[0]),
                median_wait=_cell(wait["value"] if wait else None, "workdays", bool(wait) and few_wait),
                p90_wait=_cell(wait["p90"] if wait else None, "workdays", bool(wait) and few_wait),
                refused=_cell(
                    refused["value"] if refused else None, "percent", bool(refused) and few_answers
                ),
                bounced=_cell(
                    bounced["value"] if bounced else None, "percent", bool(bounced) and few_answers
                ),
            )
        )
    return found


# --- Off the norm -----------------------------------------------------------------------------------------


def off_norm(
    scope: Scope, grain: Grain = "quarter", period: str | None = None
) -> list[tuple[IndicatorInfo, Cell]]:
    """The indicators with a norm whose value in the period (default: the last closed one) misses it, for
    the platforms' agenda. Values over too few items are left out (they are not shown either)."""
    period = period or closed_periods(grain, 1)[0]
    dimension, dimension_id = _key(scope)
    threshold = _threshold()
    found: list[tuple[IndicatorInfo, Cell]] = []
    normed = [
        info
        for _set, _t, infos in indicator_sets()
        for info in infos
        if info.computable and info.norm is not None
    ]
    totals = {
        row["indicator"]: row
        for row in IndicatorValue.objects.filter(
            indicator__in={info.compute for info in normed},
            dimension=dimension,
            dimension_id=dimension_id,
            grain=grain,
            period=period,
            series="",
        ).values("indicator", "value", "n")
    }
    for info in normed:
        assert info.norm is not None
        v = totals.get(info.compute)
        if not v or v["value"] is None or too_few(v["n"], threshold):
            continue
        misses = v["value"] < info.norm if info.norm_direction == "at_least" else v["value"] > info.norm
        if misses:
            found.append((info, _cell(v["value"], info.unit)))
    return found


def last_refresh() -> datetime | None:
    run = RefreshRun.objects.filter(finished_at__isnull=False, error="").order_by("-finished_at").first()
    return run.finished_at if run else None
