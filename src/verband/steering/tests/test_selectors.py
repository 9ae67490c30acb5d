"""The selectors read the store and show only numbers that are safe to show."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from verband.factories import MembershipFactory
from verband.network.models import Role
from verband.steering import engine, selectors
from verband.steering.selectors import Scope
from verband.steering.tests.history import assess, at, region, signal, team

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def test_trend_rows_are_series_and_total_with_small_cells_hidden():
    r = region()
    wt = team(r)
    for day in range(1, 8):  # 7 web reports in March
        signal(r, at(2026, 3, day + 1), activate=wt)
    for _ in range(2):  # 2 police registrations in March: below 5 → hidden
        signal(r, at(2026, 3, 10), activate=wt, kind="police_registration", channel="api")
    engine.refresh(today=TODAY)
    table = selectors.trend("signalen_per_deur", Scope(region_id=r.pk), grain="month", periods=3, today=TODAY)
    assert table.columns[-1].endswith("2026") and len(table.columns) == 3  # Mar, Apr, May
    labels = [row.label for row in table.rows]
    assert labels[-1] in ("Total", "Totaal")
    march = {row.label: row.cells[0] for row in table.rows}
    total = march[labels[-1]]
    assert total.value == 9
    # The police cell (2) is hidden; the web cell (7) too, else 9 - 7 gives it away (complementary).
    assert all(c.suppressed for label, c in march.items() if label != labels[-1])
    assert table.notes


def test_comparison_and_off_norm_and_scopes():
    r = region()
    wt = team(r)
    # 6 signals in April, 3 assessed on time: 50% against a norm of 90%.
    for i in range(6):
        s = signal(r, at(2026, 4, 1), activate=wt)
        if i < 3:
            assess(s, at(2026, 4, 2), organisation=wt.organisation)
    engine.refresh(today=TODAY)
    table = selectors.comparison(
        "veiligheidsbeoordeling_binnen_norm",
        Scope(region_id=r.pk),
        by="organisation",
        grain="quarter",
        period="2026-Q2",
    )
    assert [row.label for row in table.rows] == [wt.organisation.label]
    assert table.rows[0].cells[0].value == pytest.approx(50.0)
    assert table.rows[0].cells[0].shown == "50%"
    missed = selectors.off_norm(Scope(region_id=r.pk), grain="quarter", period="2026-Q2")
    assert [info.key for info, _cell in missed] == ["veiligheidsbeoordeling_binnen_norm"]
    assert selectors.last_refresh() is not None

    manager = MembershipFactory(organisation=wt.organisation, role=Role.MANAGER)
    assert selectors.scope_for(manager) == Scope(organisation_id=wt.organisation_id)
    assert selectors.allowed_scopes(manager)[0][1] == Scope(organisation_id=wt.organisation_id)
    with pytest.raises(PermissionDenied):
        selectors.scope_for(MembershipFactory(organisation=wt.organisation, role=Role.PROFESSIONAL))


def test_routes_between_organisations_with_waits_and_rates():
    from verband.steering.tests import history as h
    from verband.steering.tests.test_indicators import handover_history

    hist = handover_history()
    x, y1 = hist["x"], hist["y1"]
    sender = h.member(x)
    # Three more accepted referrals X → Y1 in March, each answered after 3 working days: 5 in all.
    for _ in range(3):
        s = h.signal(hist["region"], at(2026, 3, 2, 9))
        h.handover(s, sender, y1, at(2026, 3, 2, 9), "accepted", at(2026, 3, 5, 9))
    engine.refresh(today=TODAY)
    found = selectors.routes(Scope(organisation_id=x.organisation_id), grain="quarter", period="2026-Q1")
    route = next(r for r in found if r.target == y1.organisation.label and r.kind == "referral")
    assert route.source == x.organisation.label
    # 5 questions, but hidden: the region's 7 handovers are shown elsewhere, and 7 - 5 would give the 2
    # of X → Y2 (complementary suppression). Its waits and rates are over 5 answers: shown.
    assert route.count.suppressed
    # Waits 2, 1, 3, 3, 3 → sorted 1 2 3 3 3: median rank 3 → 3; p90 rank 5 → 3. Refused 1 of 5: 20%.
    assert (route.median_wait.value, route.p90_wait.value) == (3, 3)
    assert route.refused.shown == "20%"
    assert route.bounced.shown == "20%"
    # X → Y2 has two questions: the connection is not listed at all (its row would say that one went).
    assert not [r for r in found if r.target == hist["y2"].organisation.label]
    # Y1's own organisation sees the same connection; an organisation elsewhere sees none of them.
    assert any(
        r.source == x.organisation.label
        for r in selectors.routes(Scope(organisation_id=y1.organisation_id), "quarter", "2026-Q1")
    )
    elsewhere = team(region("Regio Anders"), "Elders")
    assert selectors.routes(Scope(organisation_id=elsewhere.organisation_id), "quarter", "2026-Q1") == []


def test_who_sees_which_scope():
    from verband.factories import NetworkFactory

    r = region()
    wt = team(r)
    other = team(r, "Jeugdzorg Oost")
    n1 = NetworkFactory.create(region=r, name="Kernteam Noord", organisations=[wt.organisation])
    n2 = NetworkFactory.create(region=r, name="Kernteam Zuid", organisations=[other.organisation])
    executive = MembershipFactory(organisation=wt.organisation, role=Role.EXECUTIVE)
    assert selectors.scope_for(executive) == Scope(region_id=r.pk)
    labels = [label for label, _scope in selectors.allowed_scopes(executive)]
    assert labels[0] == r.name and {"Kernteam Noord", "Kernteam Zuid", other.organisation.label} <= set(
        labels
    )
    coordinator = MembershipFactory(
        organisation=wt.organisation, role=Role.NETWORK_COORDINATOR, networks=[n1]
    )
    assert selectors.scope_for(coordinator) == Scope(region_id=r.pk)
    scopes = dict(selectors.allowed_scopes(coordinator))
    assert scopes["Kernteam Noord"] == Scope(region_id=r.pk, network_id=n1.pk)
    assert "Kernteam Zuid" not in scopes and other.organisation.label not in scopes
    manager = MembershipFactory(organisation=wt.organisation, role=Role.MANAGER)
    assert dict(selectors.allowed_scopes(manager))[wt.name] == Scope(
        organisation_id=wt.organisation_id, team_id=wt.pk
    )
    for role in (
        Role.PROFESSIONAL,
        Role.LINE_MANAGER,
        Role.PRIVACY_OFFICER,
        Role.FUNCTIONAL_ADMIN,
        Role.EXPERIENCE_EXPERT,
    ):
        with pytest.raises(PermissionDenied):
            selectors.allowed_scopes(MembershipFactory(organisation=wt.organisation, role=role))
    assert n2.pk


def test_labels_are_dutch_in_dutch():
    from django.utils import translation

    r = region()
    for _ in range(6):
        signal(r, at(2026, 3, 2), activate=team(r, f"T{_}"))
    engine.refresh(today=TODAY)
    with translation.override("nl"):
        table = selectors.trend(
            "signalen_per_melder", Scope(region_id=r.pk), grain="quarter", periods=2, today=TODAY
        )
        assert [row.label for row in table.rows] == ["Burger of anoniem", "Totaal"]
        # 15 June 2026 is in Q2: the last two closed quarters.
        assert table.columns == ("K4 2025", "K1 2026")
