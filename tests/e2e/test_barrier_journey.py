"""A system barrier travels up, in a real browser: a neighbourhood-team worker raises it from a case (the
case stays hers to see), the network coordinator puts it on the tactical platform's agenda with a
deadline; not decided by then (time-machine, the worker's sweep) it reaches the strategic platform, where
the executive decides; the worker reads the decision on Mijn knelpunten and has a notification.
Screenshots looked at; axe clean on every page."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.platforms.models import AgendaItem, Barrier, BarrierStatus, Level
from verband.worker import run_sweeps

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"
TITLE = "Geen opvangplek voor moeder met tienerzoon"
DESCRIPTION = (
    "Sinds het voorjaar vindt de vrouwenopvang geen plek voor moeders met een zoon van 13 jaar of ouder. "
    "Moeders blijven daardoor thuis bij hun partner, of de zoon gaat naar familie."
)
DECISION = "De gemeente koopt vier gezinsplekken in bij de opvang, ook voor moeders met oudere zonen."


def test_a_barrier_raised_from_a_case_reaches_the_strategic_platform_and_its_decision_comes_back(
    page: Page, new_page
):
    today = timezone.localdate()

    # 1. Fatima (neighbourhood team) reports the barrier from the household she works with.
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Knelpunt melden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knelpunt melden")
    expect(page.get_by_label("Casus waar het om gaat (niet verplicht, alleen u ziet dit)")).to_have_value(
        HOUSEHOLD
    )
    assert_accessible(page, "the new-barrier form")
    screenshot(page, "barrier-1-form.png")
    # A household reference in the text is refused: the platform reads this text.
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Wat loopt er vast, voor wie, sinds wanneer").fill(f"Voor {HOUSEHOLD}: {DESCRIPTION}")
    page.get_by_label("Geen plek beschikbaar").check()
    page.get_by_role("button", name="Knelpunt melden").click()
    expect(page.get_by_role("alert")).to_contain_text("Haal de referentie van het huishouden")
    assert_accessible(page, "the new-barrier form with an error")
    screenshot(page, "barrier-2-refused.png")
    page.get_by_label("Wat loopt er vast, voor wie, sinds wanneer").fill(DESCRIPTION)
    page.get_by_role("button", name="Knelpunt melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("region", name="Uw casussen")).to_contain_text(HOUSEHOLD)
    expect(page.locator("#affected")).to_have_text("minder dan 5")
    assert_accessible(page, "the barrier page for its raiser")
    screenshot(page, "barrier-3-raised.png")
    barrier = Barrier.objects.get(title=TITLE)

    # 2. The network coordinator puts it on the tactical platform's agenda, to be decided in two weeks.
    coordinator = new_page()
    sign_in(coordinator, "coordinator")
    coordinator.get_by_role("navigation").get_by_role("link", name="Knelpunten").click()
    expect(coordinator.get_by_role("table")).to_contain_text(TITLE)
    assert_accessible(coordinator, "the region's barriers for the coordinator")
    screenshot(coordinator, "barrier-4-region-list.png")
    coordinator.get_by_role("link", name=TITLE).click()
    expect(coordinator.get_by_role("main")).not_to_contain_text(HOUSEHOLD)
    due = today + timedelta(days=14)
    coordinator.get_by_label("Besluit uiterlijk").fill(due.isoformat())
    coordinator.get_by_role("button", name="Agenderen").click()
    expect(coordinator.get_by_role("status")).to_contain_text("op de agenda van het tactisch platform")
    expect(coordinator.get_by_role("main")).to_contain_text("Op de agenda van het tactisch platform")
    assert_accessible(coordinator, "the barrier page after scheduling")
    screenshot(coordinator, "barrier-5-scheduled.png")

    # The tactical platform's page: the barrier waits on the standing agenda until a meeting is planned.
    coordinator.get_by_role("navigation").get_by_role("link", name="Platforms").click()
    coordinator.get_by_role("link", name=re.compile("Tactisch platform")).click()
    expect(coordinator.get_by_role("region", name="Vaste agenda")).to_contain_text(TITLE)
    expect(coordinator.get_by_role("main")).not_to_contain_text(HOUSEHOLD)
    assert_accessible(coordinator, "the tactical platform")
    screenshot(coordinator, "barrier-5b-tactical.png")
    coordinator.get_by_label("Overleg plannen op").fill((today + timedelta(days=7)).isoformat())
    coordinator.get_by_label("Plaats").fill("Stadhuis, kamer 3")
    coordinator.get_by_role("button", name="Overleg plannen").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("overleg van")
    expect(coordinator.get_by_role("region", name="Agenda")).to_contain_text(TITLE)
    assert_accessible(coordinator, "the tactical platform's meeting")
    screenshot(coordinator, "barrier-5c-meeting.png")

    # 3. Not decided by its deadline: the next morning's sweep takes it to the strategic platform.
    with time_machine.travel(
        timezone.make_aware(datetime.combine(due + timedelta(days=1), time(9, 0))), tick=True
    ):
        run_sweeps()
        barrier.refresh_from_db()
        assert barrier.status == BarrierStatus.STRATEGIC and barrier.platform.level == Level.STRATEGIC
        item = AgendaItem.objects.get(barrier=barrier, platform=barrier.platform, status="open")

        # 4. The executive decides on the strategic platform's standing agenda.
        executive = new_page()
        sign_in(executive, "bestuurder")
        executive.get_by_role("navigation").get_by_role("link", name="Platforms").click()
        executive.get_by_role("link", name=re.compile("Strategisch platform")).click()
        standing = executive.get_by_role("region", name="Vaste agenda")
        expect(standing).to_contain_text(TITLE)
        expect(standing).to_contain_text("Het tactisch platform heeft niet op tijd besloten.")
        expect(executive.get_by_role("main")).not_to_contain_text(HOUSEHOLD)
        assert_accessible(executive, "the strategic platform")
        screenshot(executive, "barrier-6-strategic.png")
        form = executive.locator(f"#punt-{item.pk}")
        form.get_by_label("Wat is er besloten").fill(DECISION)
        form.get_by_label("Wie voert het uit").select_option(label="Gemeente")
        form.get_by_label("Gedaan vóór").fill((due + timedelta(days=60)).isoformat())
        form.get_by_role("button", name="Besluit vastleggen").click()
        expect(executive.get_by_role("status")).to_contain_text("Het besluit is vastgelegd")
        expect(executive.get_by_role("region", name="Openstaande besluiten")).to_contain_text(DECISION)
        assert_accessible(executive, "the strategic platform with its decision")
        screenshot(executive, "barrier-7-decided.png")

        # 5. Fatima reads the decision on Mijn knelpunten, and has a notification.
        fatima = new_page()
        sign_in(fatima, "wt.feijenoord")
        fatima.get_by_role("navigation").get_by_role("link", name="Knelpunten").click()
        mine = fatima.get_by_role("region", name="Mijn knelpunten")
        expect(mine).to_contain_text(TITLE)
        expect(mine).to_contain_text("Besloten")
        expect(mine).to_contain_text(DECISION)
        assert_accessible(fatima, "Mijn knelpunten")
        screenshot(fatima, "barrier-8-mine.png")
        fatima.get_by_role("navigation").get_by_role("link", name=re.compile("Notificaties")).click()
        expect(fatima.get_by_role("main")).to_contain_text(f"Besluit over uw knelpunt: {TITLE}")
        expect(fatima.get_by_role("main")).to_contain_text(f"Knelpunt naar het strategisch platform: {TITLE}")
        assert_accessible(fatima, "the notifications")
        screenshot(fatima, "barrier-9-notifications.png")
