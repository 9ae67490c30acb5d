"""Indicators off their norm reach the tactical platform's agenda, once per indicator and quarter."""

from __future__ import annotations

from datetime import date

import pytest

from verband.households.models import Household
from verband.platforms.models import AgendaItem, AgendaSource, Level, Platform
from verband.steering import engine
from verband.steering.agenda import feed_platform_agendas
from verband.steering.tests.history import assess, at, region, signal, team

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 15)  # the last closed quarter is 2026-Q2


def test_an_indicator_off_its_norm_goes_on_the_tactical_agenda_once():
    r = region()
    wt = team(r)
    tactical = Platform.objects.create(region=r, level=Level.TACTICAL, name="Tactisch platform Test")
    strategic = Platform.objects.create(region=r, level=Level.STRATEGIC, name="Strategisch platform Test")
    # Ten signals on Monday 4 May 2026: four assessed the same day (on time), six never (late by 15 July).
    # Within the norm: 4 / 10 = 40%, against a norm of at least 90%.
    for number in range(10):
        s = signal(r, at(2026, 5, 4, 9, number), activate=wt)
        if number < 4:
            assess(s, at(2026, 5, 4, 15), organisation=wt.organisation)
    engine.refresh(today=TODAY)
    feed_platform_agendas(today=TODAY)
    items = AgendaItem.objects.filter(platform=tactical, source=AgendaSource.INDICATOR)
    assessment = items.get(indicator="veiligheidsbeoordeling_binnen_norm@2026-Q2")
    assert "K2 2026" in assessment.title
    assert assessment.text.startswith("40% in K2 2026; de norm is minstens 90%.")
    # Refreshed again: the same miss in the same quarter is not put on the agenda twice.
    count = items.count()
    engine.refresh(today=TODAY)
    assert feed_platform_agendas(today=TODAY) == 0
    assert items.count() == count
    # Only the tactical platform gets indicators; no item names a household.
    assert not AgendaItem.objects.filter(platform=strategic).exists()
    references = set(Household.objects.filter(region=r).values_list("reference", flat=True))
    for item in items:
        assert not any(ref in item.title or ref in item.text for ref in references)


def test_an_indicator_on_its_norm_stays_off_the_agenda():
    r = region()
    wt = team(r)
    tactical = Platform.objects.create(region=r, level=Level.TACTICAL, name="Tactisch platform Test")
    for number in range(10):  # all ten assessed the same day: 100%
        s = signal(r, at(2026, 5, 4, 9, number), activate=wt)
        assess(s, at(2026, 5, 4, 15), organisation=wt.organisation)
    engine.refresh(today=TODAY)
    feed_platform_agendas(today=TODAY)
    assert not AgendaItem.objects.filter(
        platform=tactical, indicator="veiligheidsbeoordeling_binnen_norm@2026-Q2"
    ).exists()
