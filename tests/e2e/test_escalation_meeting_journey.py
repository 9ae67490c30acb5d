"""No handover into the void, nothing stalls silently, meet and decide — in a real browser.

Fatima (regisseur of the Demir household) refers Elif to the shelter. Nobody at the shelter answers within
the norm: the worker opens an escalation for Fatima; when she does not decide in time it climbs to her
line manager, who decides. Then the network coordinator plans a case meeting for the household, holds it,
and its decision appears as an owned, dated action in the family plan. The clock moves with time-machine;
the sweeps are the worker's own."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from journey import answer_five_questions, assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.collaboration.models import Handover
from verband.escalation.models import Escalation
from verband.workdays import add_working_days
from verband.worker import run_sweeps

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"


def morning_after(day) -> datetime:
    """Nine o'clock on the working day after `day`, in Dutch time."""
    return timezone.make_aware(datetime.combine(add_working_days(day, 1), time(9, 0)))


def choose(select, text: str) -> None:
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def test_unanswered_shelter_referral_escalates_and_the_meeting_decides(page: Page, new_page):
    # 1. The regisseur refers Elif to the shelter: a warm handover, waiting for acceptance.
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Verwijzen of op-/afschalen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{HOUSEHOLD} overdragen")
    choose(page.get_by_label("Aan"), "Opvang Rotterdam")
    choose(page.get_by_label("Voor wie"), "Elif")
    page.get_by_label("Wat vraagt u van hen?").fill(
        "Elif en de kinderen hebben een veilige plek nodig; Kemal is terug in de wijk."
    )
    answer_five_questions(page)  # on the covenant proposed, without consent
    assert_accessible(page, "the handover form")
    screenshot(page, "handover-form.png")
    page.get_by_role("button", name="Vraag om te accepteren").click()
    expect(page).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/$"))
    expect(page.get_by_role("status").first).to_contain_text("U blijft verantwoordelijk tot zij accepteren")
    expect(page.locator("#together-heading + *")).to_be_visible()
    expect(page.get_by_text("antwoord vóór")).to_be_visible()
    screenshot(page, "handover-pending.png")
    handover = Handover.objects.get(household__reference=HOUSEHOLD, to_team__name="Opvang Rotterdam")

    # 2. The norm passes without an answer: the worker escalates to the regisseur.
    with time_machine.travel(morning_after(handover.due_on), tick=True):
        run_sweeps()
        escalation = Escalation.objects.get(subject_type="handover", subject_id=handover.pk)
        assert escalation.step == 1
        fatima = new_page()
        sign_in(fatima, "wt.feijenoord")
        fatima.goto("/mijn-werk/")
        mine = fatima.locator("#escalations-heading + ul li", has_text="Opvang Rotterdam")
        expect(mine).to_contain_text("Overdracht onbeantwoord")
        mine.get_by_role("link").click()
        expect(fatima.get_by_role("heading", level=1)).to_have_text("Escalatie: Overdracht onbeantwoord")
        expect(fatima.locator(".ladder li.current")).to_contain_text("Regisseur")
        assert_accessible(fatima, "the escalation page")
        screenshot(fatima, "escalation-regisseur.png")

    # 3. The regisseur's deadline passes too: it climbs to her line manager, who decides.
    escalation.refresh_from_db()
    with time_machine.travel(morning_after(escalation.step_due_on), tick=True):
        run_sweeps()
        escalation.refresh_from_db()
        assert escalation.step == 2
        manager = new_page()
        sign_in(manager, "lm.feijenoord")
        manager.get_by_role("navigation").get_by_role("link", name="Escalaties").click()
        row = manager.locator(f"#escalatie-{escalation.pk}")
        expect(row).to_contain_text("leidinggevende")
        row.get_by_role("link", name="Overdracht onbeantwoord").click()
        expect(manager.locator(".ladder li.current")).to_contain_text("leidinggevende")
        expect(manager.locator(".ladder")).to_contain_text("Fatima El Amrani")
        manager.get_by_label("Een actie: wie doet wat, vóór wanneer").check()
        manager.get_by_label("Wat er gebeurt — of waarom de norm hier niet geldt").fill(
            "Ik heb Opvang Rotterdam gebeld: er is morgen plek. Fatima regelt vervoer."
        )
        choose(manager.get_by_label("Wie doet het (bij een actie)"), "Fatima")
        manager.get_by_label("Gedaan vóór (bij een actie of als iemand anders het overneemt)").fill(
            (timezone.localdate() + timedelta(days=1)).isoformat()
        )
        screenshot(manager, "escalation-line-manager.png")
        manager.get_by_role("button", name="Besluit vastleggen en sluiten").click()
        expect(manager.get_by_role("status").first).to_contain_text("Uw besluit is vastgelegd")
        expect(manager.get_by_role("heading", name="Besluit")).to_be_visible()
        expect(manager.get_by_text("Opvang Rotterdam gebeld")).to_be_visible()
        screenshot(manager, "escalation-decided.png")
        escalation.refresh_from_db()
        assert escalation.status == "resolved" and escalation.decided_by.username == "lm.feijenoord"

        # 4. The network coordinator plans a case meeting about the household and holds it.
        coordinator = new_page()
        sign_in(coordinator, "coordinator")
        coordinator.get_by_role("navigation").get_by_role("link", name="Casusoverleggen").click()
        coordinator.get_by_role("link", name="Overleg plannen").first.click()
        expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Casusoverleg plannen")
        for box in coordinator.locator("input[name=households]").all():
            box.uncheck()
        coordinator.get_by_label(re.compile(HOUSEHOLD)).check()
        day = timezone.localdate()  # held today: a meeting is not recorded as held before its planned day
        coordinator.get_by_label("Datum").fill(day.isoformat())
        coordinator.get_by_label("Tijd").fill("10:00")
        coordinator.get_by_label("Waar").fill("Wijkkantoor Feijenoord")
        coordinator.get_by_role("button", name="Overleg plannen").click()
        expect(coordinator.get_by_role("status").first).to_contain_text("Het overleg is gepland")
        item = coordinator.locator("section.agenda-item", has_text=HOUSEHOLD)
        expect(item.get_by_role("heading", name="Wat veranderde sinds het vorige overleg")).to_be_visible()
        expect(item).to_contain_text("Traumascreening Deniz")  # an open action of the plan
        item.get_by_label("Besluiten").fill(
            "Elif gaat met de kinderen naar de opvang; het wijkteam houdt regie."
        )
        item.locator("input[name$='-act-0-text']").fill("Vervoer naar de opvang regelen")
        choose(item.locator("select[name$='-act-0-org']"), "Wijkteams")
        choose(item.locator("select[name$='-act-0-user']"), "Fatima")
        item.locator("input[name$='-act-0-due']").fill((timezone.localdate() + timedelta(days=2)).isoformat())
        assert_accessible(coordinator, "the case meeting")
        screenshot(coordinator, "meeting-planned.png")
        coordinator.get_by_role("button", name="Overleg vastleggen en acties in de plannen zetten").click()
        expect(coordinator.get_by_role("status").first).to_contain_text("Het overleg is vastgelegd")
        expect(coordinator.get_by_text("het wijkteam houdt regie")).to_be_visible()
        screenshot(coordinator, "meeting-held.png")

        # 5. The decision is an owned, dated action in the family plan and in Fatima's Mijn werk.
        fatima = new_page()
        sign_in(fatima, "wt.feijenoord")
        fatima.goto("/mijn-werk/")
        expect(fatima.locator("tr", has_text="Vervoer naar de opvang regelen")).to_contain_text(HOUSEHOLD)
        fatima.goto(f"/huishoudens/{HOUSEHOLD}/plan/")
        expect(fatima.get_by_text("Vervoer naar de opvang regelen")).to_be_visible()
        screenshot(fatima, "plan-after-meeting.png")
