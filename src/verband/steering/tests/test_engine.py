"""The engine on small hand-made histories: each expected value worked out by hand in a comment."""

from __future__ import annotations

from datetime import date

import pytest

from verband.steering import engine
from verband.steering.models import IndicatorValue
from verband.steering.tests.history import assess, at, region, signal, team
from verband.workdays import add_working_days

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def value(
    indicator: str,
    *,
    dimension: str = "all",
    dimension_id: str = "",
    grain: str = "month",
    period: str,
    series: str = "",
) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator=indicator,
        dimension=dimension,
        dimension_id=dimension_id,
        grain=grain,
        period=period,
        series=series,
    )


def test_calendar_counts_working_days_like_verband_workdays():
    engine.fill_calendar(TODAY)
    from verband.steering.models import Calendar

    wn = dict(Calendar.objects.values_list("day", "workday_no"))
    # Friday 24 April 2026; Monday 27 April is Koningsdag: the 5th working day after is Monday 4 May.
    assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 4)
    assert wn[date(2026, 5, 4)] - wn[date(2026, 4, 24)] == 5
    assert wn[date(2026, 5, 5)] - wn[date(2026, 4, 24)] == 6
    # Saturday 25 April counts from the next working day (Tuesday 28 April), as add_working_days does.
    assert add_working_days(date(2026, 4, 25), 0) == date(2026, 4, 28)
    assert wn[date(2026, 4, 28)] - wn[date(2026, 4, 25)] == 0


def test_safety_assessment_within_five_working_days_across_koningsdag():
    r = region()
    wt = team(r)
    # Four signals on Friday 24 April 2026 (the day before the Koningsdag weekend); due Monday 4 May.
    on_time = signal(r, at(2026, 4, 24), activate=wt)
    assess(on_time, at(2026, 5, 4, 16), organisation=wt.organisation)  # 4 May: on time
    late = signal(r, at(2026, 4, 24), activate=wt)
    assess(late, at(2026, 5, 5, 9), organisation=wt.organisation)  # 5 May: one working day late
    signal(r, at(2026, 4, 24), activate=wt)  # never assessed, due long passed by 15 June: late
    # A signal of 11 June, not assessed yet, not due until 18 June: not counted yet.
    signal(r, at(2026, 6, 11), activate=wt)
    # Late evening UTC is already the next local day: 30 April 23:30 Amsterdam is 21:30 UTC → April.
    evening = signal(r, at(2026, 4, 30, 23, 30), activate=wt)
    assess(evening, at(2026, 5, 1, 9), organisation=wt.organisation)  # next working day: on time
    engine.refresh(today=TODAY)
    # April: 4 counted (on_time, late, never, evening), 2 on time → 50%.
    april = value("assessment_within_norm", period="2026-04")
    assert (april.numerator, april.denominator, april.n) == (2, 4, 4)
    assert april.value == pytest.approx(50.0)
    # June: the signal of 11 June is not due yet.
    assert not IndicatorValue.objects.filter(indicator="assessment_within_norm", period="2026-06").exists()
    # Per organisation (the assessing one) and per quarter too.
    q2 = value(
        "assessment_within_norm",
        dimension="organisation",
        dimension_id=str(wt.organisation_id),
        grain="quarter",
        period="2026-Q2",
    )
    assert (q2.numerator, q2.n) == (2, 4)


def test_signals_by_door_and_reporter_and_area():
    r = region()
    wt = team(r)
    police = team(r, "Politie Zuid", kind="police")
    for _ in range(3):
        signal(r, at(2026, 3, 2), activate=wt)  # report via web, by a citizen
    signal(
        r,
        at(2026, 3, 3),
        activate=wt,
        kind="police_registration",
        channel="api",
        source_organisation=police.organisation,
    )
    signal(r, at(2026, 3, 3), activate=wt, postcode="3011 XY")
    engine.refresh(today=TODAY)
    assert value("signals_by_door", period="2026-03").value == 5
    assert value("signals_by_door", period="2026-03", series="report/web").value == 4
    assert value("signals_by_door", period="2026-03", series="police_registration/api").value == 1
    assert value("signals_by_reporter", period="2026-03", series="citizen").value == 4
    assert value("signals_by_reporter", period="2026-03", series="police").value == 1
    assert value("signals_by_door", dimension="team", dimension_id=str(wt.pk), period="2026-03").value == 5
    # Areas: 3072 has 4 households, below a threshold of 5 → merged with 3011 into the region's "overig".
    assert (
        value("signals_by_door", dimension="area", dimension_id=f"overig:{r.pk}", period="2026-03").value == 5
    )
    assert not IndicatorValue.objects.filter(dimension="area", dimension_id="3072").exists()


def test_the_same_sql_in_duckdb_gives_the_same_store():
    duckdb = pytest.importorskip("duckdb")
    from verband.steering import duck

    r = region()
    wt = team(r)
    for i in range(7):
        s = signal(r, at(2026, 4, 20 + i % 5, 23 if i % 2 else 8), activate=wt)
        if i % 3:
            assess(s, at(2026, 4, 28 + i % 3, 22), organisation=wt.organisation)
    engine.refresh(today=TODAY)
    expected = sorted(
        IndicatorValue.objects.values_list(
            "indicator", "series", "dimension", "dimension_id", "grain", "period", "value", "p90", "n"
        )
    )
    con = duckdb.connect()
    duck.copy_from_django(con)
    duck.run(con, TODAY, threshold=5)
    got = sorted(
        con.execute(
            "SELECT indicator, series, dimension, dimension_id, grain, period, value, p90, n FROM steering_indicatorvalue"
        ).fetchall()
    )
    assert got == expected


def test_the_worker_schedules_the_refresh_and_the_task_records_a_run():
    from verband.background.scheduler import schedule
    from verband.steering.models import RefreshRun
    from verband.steering.tasks import refresh_steering

    assert "steering" in [p.name for p in schedule()]
    r = region()
    signal(r, at(2026, 3, 2), activate=team(r))
    assert refresh_steering.call() > 0
    run = RefreshRun.objects.get()
    assert run.finished_at is not None and run.rows == IndicatorValue.objects.count()
