"""Every indicator of the engine on a small hand-made history, the expected numbers worked out by hand.

Working days: 2 March 2026 is a Monday; March 2026 has no public holidays. Nearest-rank percentiles: of n
sorted values the median is the one at rank ceil(n/2), the 90th percentile the one at rank ceil(0.9n)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from verband.signals.models import Activation
from verband.steering import engine
from verband.steering.models import IndicatorValue
from verband.steering.tests import history as h
from verband.steering.tests.history import at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def value(
    indicator: str,
    period: str,
    *,
    series: str = "",
    dimension: str = "all",
    dimension_id: str = "",
    grain: str = "month",
) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator=indicator,
        dimension=dimension,
        dimension_id=dimension_id,
        grain=grain,
        period=period,
        series=series,
    )


def first_contact_history() -> dict[str, Any]:
    r = h.region("Regio Contact")
    t = h.team(r, "Wijkteam Contact")
    # Five signals on Monday 2 March; first contact after 0, 1, 2, 3 and 9 working days.
    for day in (2, 3, 4, 5, 13):
        s = h.signal(r, at(2026, 3, 2, 9), activate=t)
        h.involvement(s, t, date(2026, 3, 2), first_contact=at(2026, 3, day, 14))
    # A contact before the signal does not count for it: this signal has no first contact after it.
    s = h.signal(r, at(2026, 3, 20, 9), activate=t)
    h.involvement(s, t, date(2026, 3, 1), first_contact=at(2026, 3, 19, 14))
    return {"region": r, "team": t}


def test_time_to_first_contact_median_and_p90():
    first_contact_history()
    engine.refresh(today=TODAY)
    # Values 0, 1, 2, 3, 9 (n=5): median rank 3 → 2; 90th percentile rank 5 → 9.
    v = value("signal_to_first_contact", "2026-03")
    assert (v.value, v.p90, v.n) == (2, 9, 5)


def help_history() -> dict[str, Any]:
    r = h.region("Regio Hulp")
    t = h.team(r, "Aanbieder")
    trauma = h.help_kind(r, "Traumabehandeling", norm=10)
    parenting = h.help_kind(r, "Opvoedondersteuning")  # no norm of its own; the region has none: 10
    a = h.signal(r, at(2026, 3, 2, 9), activate=t)
    h.help_(a, trauma, t, date(2026, 3, 2), date(2026, 3, 9))  # 5 working days: within 10
    b = h.signal(r, at(2026, 3, 2, 9), activate=t)
    h.help_(b, trauma, t, date(2026, 3, 2), date(2026, 3, 23))  # 15 working days: over the norm
    c = h.signal(r, at(2026, 3, 2, 9), activate=t)
    h.help_(c, trauma, t, date(2026, 3, 2))  # not started, norm long passed: over the norm
    d = h.signal(r, at(2026, 3, 2, 9), activate=t)
    h.help_(d, parenting, t, date(2026, 3, 2), date(2026, 3, 2))  # 0 working days
    e = h.signal(r, at(2026, 6, 12, 9), activate=t)
    h.help_(e, parenting, t, date(2026, 6, 12))  # requested 12 June, norm not passed yet: not counted
    return {"region": r, "trauma": trauma}


def test_waiting_time_per_kind_of_help_and_share_within_norm():
    help_history()
    engine.refresh(today=TODAY)
    # Started in March: trauma 5 and 15, parenting 0. Total 0, 5, 15: median rank 2 → 5, p90 rank 3 → 15.
    total = value("help_wait", "2026-03")
    assert (total.value, total.p90, total.n) == (5, 15, 3)
    trauma = value("help_wait", "2026-03", series="Traumabehandeling")
    assert (trauma.value, trauma.p90, trauma.n) == (5, 15, 2)  # ranks 1 and 2 of 2
    # Requested in March: trauma 1 of 3 within the norm, parenting 1 of 1: 2 of 4 = 50%.
    share = value("help_within_norm", "2026-03")
    assert (share.numerator, share.denominator, share.value) == (2, 4, 50)
    assert value("help_within_norm", "2026-03", series="Traumabehandeling").numerator == 1
    assert not IndicatorValue.objects.filter(indicator="help_within_norm", period="2026-06").exists()
    # Time from signal to help started (signals of 2 March): 5, 15 and 0 → median 5, p90 15.
    v = value("signal_to_help", "2026-03")
    assert (v.value, v.p90, v.n) == (5, 15, 3)


def activation_history() -> dict[str, Any]:
    r = h.region("Regio Activatie")
    t = h.team(r, "Veilig Thuis")
    s = h.signal(r, at(2026, 3, 2, 9))

    def activation(status: str, decided: Any = None, due: date = date(2026, 3, 9), **kw: Any) -> Activation:
        return Activation.objects.create(
            signal=s, household=h.household_of(s), team=t, purpose="safety_assessment", reason="Elke melding",
            norm_working_days=5, due_on=due, created_at=at(2026, 3, 2, 9), status=status, decided_at=decided, **kw,
        )  # fmt: skip

    activation("accepted", at(2026, 3, 9, 17))  # taken up on the due date: in time
    activation("accepted", at(2026, 3, 10, 8))  # a day late
    activation("handed_back", at(2026, 3, 3, 8))  # handed back: not taken up
    activation("open")  # still open, due date passed: not taken up
    activation("open", due=date(2026, 6, 20))  # not due yet: not counted
    activation("forwarded", at(2026, 3, 3, 8))  # sent on by the routing desk: not counted
    activation("acknowledged", at(2026, 3, 3, 8), update=True)  # an update: not counted
    return {"region": r, "team": t}


def test_activations_taken_up_within_their_norm():
    activation_history()
    engine.refresh(today=TODAY)
    v = value("activation_in_time", "2026-03")
    assert (v.numerator, v.denominator, v.value) == (1, 4, 25)


def regie_history() -> dict[str, Any]:
    r = h.region("Regio Regie")
    t = h.team(r, "Wijkteam Regie")
    m = h.member(t)
    a = h.signal(r, at(2026, 3, 2, 9))
    h.involvement(a, t, date(2026, 3, 2))
    h.regie(a, m, at(2026, 3, 6, 9))  # 4 working days: in time
    b = h.signal(r, at(2026, 3, 2, 9))
    h.involvement(b, t, date(2026, 3, 2))
    h.regie(b, m, at(2026, 3, 10, 9))  # 6 working days: too late
    c = h.signal(r, at(2026, 3, 2, 9))
    h.involvement(c, t, date(2026, 3, 2))  # never a regisseur: too late
    d = h.signal(r, at(2026, 6, 12, 9))
    h.involvement(d, t, date(2026, 6, 12))  # 1 working day before TODAY: not yet
    return {"region": r, "team": t}


def test_households_without_a_regisseur_within_the_norm():
    regie_history()
    engine.refresh(today=TODAY)
    assert value("no_regisseur", "2026-03").value == 2
    assert not IndicatorValue.objects.filter(indicator="no_regisseur", period="2026-06").exists()


def escalation_history() -> dict[str, Any]:
    r = h.region("Regio Escalatie")
    s1, s2, s3 = (h.signal(r, at(2026, 3, 2, 9)) for _ in range(3))
    # Reached step 1 on 2 March and step 2 on 4 March, decided at step 2 on Friday 6 March: 4 working days.
    h.escalation(
        s1, at(2026, 3, 2, 9), [(1, at(2026, 3, 2, 9)), (2, at(2026, 3, 4, 9))], closed=at(2026, 3, 6, 9)
    )
    h.escalation(s2, at(2026, 3, 3, 9), [(1, at(2026, 3, 3, 9))])  # still open
    h.escalation(s3, at(2026, 3, 2, 9), [(1, at(2026, 3, 2, 9))], closed=at(2026, 3, 3, 9))  # 1 working day
    return {"region": r}


def test_escalations_per_step_and_time_to_decision():
    escalation_history()
    engine.refresh(today=TODAY)
    assert value("escalations_reached", "2026-03", series="1").value == 3
    assert value("escalations_reached", "2026-03", series="2").value == 1
    assert value("escalations_reached", "2026-03").value == 4
    assert value("escalations_decided", "2026-03", series="1").value == 1
    assert value("escalations_decided", "2026-03", series="2").value == 1
    # Decision times 1 and 4 (n=2): median rank 1 → 1; p90 rank 2 → 4.
    v = value("escalation_decision_days", "2026-03")
    assert (v.value, v.p90) == (1, 4)
    assert value("escalation_decision_days", "2026-03", series="2").value == 4


def handover_history() -> dict[str, Any]:
    r = h.region("Regio Overdracht")
    x = h.team(r, "Wijkteam X")
    y1 = h.team(r, "GGZ Y1")
    y2 = h.team(r, "Verslavingszorg Y2")
    sender = h.member(x)
    a, b, c = (h.signal(r, at(2026, 3, 2, 9)) for _ in range(3))
    h.handover(a, sender, y1, at(2026, 3, 2, 9), "accepted", at(2026, 3, 4, 9))  # 2 working days
    h.handover(
        b, sender, y1, at(2026, 3, 2, 9), "rejected", at(2026, 3, 3, 9)
    )  # refused and asked elsewhere:
    h.handover(b, sender, y2, at(2026, 3, 5, 9), "pending")  # bounced
    h.handover(c, sender, y2, at(2026, 3, 2, 9), "withdrawn", at(2026, 3, 2, 12))
    return {"region": r, "x": x, "y1": y1, "y2": y2}


def test_handovers_accepted_refused_and_bouncing():
    hist = handover_history()
    engine.refresh(today=TODAY)
    for status in ("accepted", "rejected", "pending", "withdrawn"):
        assert value("handovers", "2026-03", series=status).value == 1
    assert value("handovers", "2026-03").value == 4
    # Answered: the accepted and the refused one; 1 of 2 refused, and that one bounced.
    assert value("handover_refused", "2026-03").value == 50
    assert value("handover_bounced", "2026-03").value == 50
    # As routes: X → Y1 twice (1 refused, bounced; waits 2 and 1 → median 1, p90 2), X → Y2 twice.
    x, y1 = hist["x"].organisation_id, hist["y1"].organisation_id
    route = f"referral|{x}|{y1}"
    assert value("route_count", "2026-03", series=route).value == 2
    wait = value("route_wait", "2026-03", series=route)
    assert (wait.value, wait.p90) == (1, 2)
    assert value("route_refused", "2026-03", series=route).value == 50


def closing_history() -> dict[str, Any]:
    r = h.region("Regio Afsluiten")
    t = h.team(r, "Wijkteam Afsluiten")
    a = h.signal(r, at(2025, 2, 1, 9))
    h.closing(a, at(2025, 3, 2, 12), [7, 8], organisation=t.organisation)  # both at least 7: target met
    h.signal(r, at(2025, 12, 1, 9), repeat_after_closing=True)  # another household reported again
    repeat = h.signal(r, at(2025, 12, 1, 9), repeat_after_closing=True)
    repeat.household = a.household
    repeat.save(update_fields=["household"])  # A reported again 9 months after closing
    b = h.signal(r, at(2025, 2, 1, 9))
    h.closing(b, at(2025, 3, 5, 12), [9, 5], organisation=t.organisation)  # one member below 7: not met
    c = h.signal(r, at(2026, 2, 1, 9))
    h.closing(c, at(2026, 3, 2, 12), [], organisation=t.organisation)  # no scores: not counted
    return {"region": r, "team": t}


def test_repeat_reports_and_target_at_closing():
    closing_history()
    engine.refresh(today=TODAY)
    # Two signals marked as repeat reports in December 2025.
    assert value("repeat_signals", "2025-12").value == 2
    # Closed in March 2025: A had a new signal within 365 days, B none (and the year has passed): 50%.
    v = value("repeat_within_year", "2025-03")
    assert (v.numerator, v.denominator) == (1, 2)
    # C (March 2026): no new signal and the year not over yet: not counted.
    assert not IndicatorValue.objects.filter(indicator="repeat_within_year", period="2026-03").exists()
    # Target at closing: A met (7, 8 ≥ 7), B not (5 < 7), C has no scores: 1 of 2.
    t = value("target_met_at_closing", "2025-03")
    assert (t.numerator, t.denominator) == (1, 2)


def network_history() -> dict[str, Any]:
    from verband.factories import NetworkFactory

    r = h.region("Regio Netwerk")
    t = h.team(r, "Wijkteam Netwerk")
    network = NetworkFactory.create(region=r, organisations=[t.organisation])
    asker = h.member(t)
    for n, day in enumerate((2, 3, 31)):
        h.consultation(network, asker, at(2026, 3, day, 10), n)  # three questions in March
    h.consultation(network, asker, at(2026, 4, 1, 10), 9)  # one in April
    expert = h.member(t, role="experience_expert")
    households = [h.household_of(h.signal(r, at(2026, 2, 2, 9))) for _ in range(3)]
    h.meeting(network, asker, at(2026, 3, 10, 14), households, expert=expert)  # 3 households, with expert
    h.meeting(network, asker, at(2026, 3, 24, 14), households[:2])  # no expert: not counted
    h.meeting(network, asker, at(2026, 3, 26, 14), households[:1], expert=expert, held=False)  # not held
    return {"region": r, "network": network}


def test_consultations_and_households_discussed_with_an_experience_expert():
    hist = network_history()
    engine.refresh(today=TODAY)
    assert value("consultations", "2026-03").value == 3
    assert value("consultations", "2026-Q1", grain="quarter").value == 3
    assert value("consultations", "2026-04").value == 1
    assert (
        value("consultations", "2026-03", dimension="network", dimension_id=str(hist["network"].pk)).value
        == 3
    )
    assert value("discussed_with_experience_expert", "2026-03").value == 3


def test_every_computation_has_a_test_history():
    """The histories above cover every computation of the engine (the DuckDB test runs them all)."""
    from verband.steering.config import COMPUTATIONS

    covered = {
        "signals_by_door", "signals_by_reporter", "repeat_signals", "assessment_within_norm",
        "signal_to_first_contact", "signal_to_help", "activation_in_time", "help_wait", "help_within_norm",
        "no_regisseur", "escalations_reached", "escalations_decided", "escalation_decision_days", "handovers",
        "handover_refused", "handover_bounced", "repeat_within_year", "target_met_at_closing",
        "consultations", "discussed_with_experience_expert",
    }  # fmt: skip
    assert covered == set(COMPUTATIONS)


def test_all_histories_give_the_same_store_in_duckdb():
    duckdb = pytest.importorskip("duckdb")
    from verband.steering import duck

    first_contact_history()
    help_history()
    activation_history()
    regie_history()
    escalation_history()
    handover_history()
    closing_history()
    network_history()
    engine.refresh(today=TODAY)
    columns = (
        "indicator, series, dimension, dimension_id, grain, period, numerator, denominator, value, p90, n"
    )
    expected = sorted(IndicatorValue.objects.values_list(*[c.strip() for c in columns.split(",")]))
    con = duckdb.connect()
    duck.copy_from_django(con)
    duck.run(con, TODAY, threshold=5)
    got = sorted(con.execute(f"SELECT {columns} FROM steering_indicatorvalue").fetchall())
    assert len(got) == len(expected) > 500
    assert got == expected
