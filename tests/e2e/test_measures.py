"""A huisverbod and its clock, and closing the case with aftercare — in a real browser.

Fatima (regisseur of the Demir household) records the mayor's huisverbod for Kemal. Three working days
before it ends (time-machine; the worker's own sweeps) she has the task "Veiligheidsplan herzien" in her
tasks and on the household page; when it is not done by the end, the escalation engine takes it up. She
then closes the case with a closing assessment and aftercare checks after 3, 6 and 12 months, which
become her tasks."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.escalation.models import Escalation, EscalationKind
from verband.households.models import HouseholdStatus
from verband.measures.models import ProtectiveMeasure
from verband.tasks.models import Task, TaskKind
from verband.workdays import add_working_days, is_working_day
from verband.worker import run_sweeps

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"


def nine_on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def choose(select, text: str) -> None:
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def first_review_day(today: date, end: date, workdays: int = 3) -> date:
    """The first working day on which the end lies within `workdays` working days."""
    day = today
    while not (is_working_day(day) and add_working_days(day, workdays) >= end):
        day += timedelta(days=1)
    return day


def test_a_house_ban_gives_the_regisseur_a_review_and_the_case_closes_with_aftercare(page: Page, new_page):
    today = timezone.localdate()
    # 1. The regisseur records the huisverbod (decided today): it runs 10 days.
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/maatregelen/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Beschermende maatregelen van {HOUSEHOLD}")
    page.get_by_role("link", name="Maatregel vastleggen").click()
    choose(page.get_by_label("Maatregel"), "Huisverbod")
    choose(page.get_by_label("Over", exact=True), "Kemal")
    page.get_by_label("Datum besluit of begin").fill(today.isoformat())
    # A first decision for longer than 10 days is refused, and what was typed stays.
    page.get_by_label("Einddatum").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Toelichting").fill("Besluit burgemeester, uitgereikt door de politie")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator(".field-error").first).to_contain_text("Een huisverbod wordt opgelegd voor 10 dagen")
    expect(page.get_by_label("Toelichting")).to_have_value("Besluit burgemeester, uitgereikt door de politie")
    assert_accessible(page, "the measure form with an error")
    screenshot(page, "measure-form-refused.png")
    page.get_by_label("Einddatum").fill("")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/maatregelen/$"))
    ban = ProtectiveMeasure.objects.get(household__reference=HOUSEHOLD, kind="house_ban")
    assert ban.ends_on == today + timedelta(days=10)
    expect(page.locator(f"#maatregel-{ban.pk}")).to_contain_text("Kemal")
    assert_accessible(page, "the measures page")
    screenshot(page, "measures.png")

    # 2. Three working days before its end the sweep gives her the review task (not a day earlier).
    review_day = first_review_day(today, ban.ends_on)
    day_before = review_day - timedelta(days=1)
    with time_machine.travel(nine_on(day_before), tick=True):
        run_sweeps()
    assert not Task.objects.filter(kind=TaskKind.REVIEW_SAFETY_PLAN, source_id=ban.pk).exists()
    with time_machine.travel(nine_on(review_day), tick=True):
        run_sweeps()
        task = Task.objects.get(kind=TaskKind.REVIEW_SAFETY_PLAN, source_id=ban.pk)
        fatima = new_page()
        sign_in(fatima, "wt.feijenoord")
        fatima.get_by_role("navigation").get_by_role("link", name="Mijn taken").click()
        expect(fatima.get_by_role("heading", level=1)).to_have_text("Mijn taken")
        row = fatima.locator("tr", has_text="Veiligheidsplan herzien")
        expect(row).to_contain_text("Huisverbod eindigt op")
        expect(row).to_contain_text(HOUSEHOLD)
        assert_accessible(fatima, "my tasks")
        screenshot(fatima, "tasks-review.png")
        fatima.goto(f"/huishoudens/{HOUSEHOLD}/")
        expect(fatima.locator("#tasks-heading")).to_be_visible()
        expect(fatima.locator("#measures-heading + ul")).to_contain_text("Huisverbod")
        screenshot(fatima, "household-measures-tasks.png")

    # 3. Not done by its date: the escalation engine takes it up.
    with time_machine.travel(nine_on(add_working_days(ban.ends_on, 1)), tick=True):
        run_sweeps()
        escalation = Escalation.objects.get(kind=EscalationKind.TASK_OVERDUE, subject_id=task.pk)
        assert "Kemal" not in escalation.summary
        late = new_page()
        sign_in(late, "wt.feijenoord")
        late.get_by_role("navigation").get_by_role("link", name="Escalaties").click()
        expect(late.locator(f"#escalatie-{escalation.pk}")).to_contain_text("Taak te laat")
        screenshot(late, "tasks-escalated.png")
        # She reviews the plan now.
        late.get_by_role("navigation").get_by_role("link", name="Mijn taken").click()
        row = late.locator("tr", has_text="Veiligheidsplan herzien")
        row.get_by_label("Wat is gedaan").fill("Plan besproken met Elif; Kemal blijft bij zijn broer.")
        row.get_by_role("button", name="Afronden").click()
        expect(late.get_by_role("status").first).to_contain_text("Taak afgerond")
    task.refresh_from_db()
    assert task.done_at is not None

    # 4. She closes the case: a closing assessment and aftercare checks after 3, 6 and 12 months.
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Casus afsluiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {HOUSEHOLD} afsluiten")
    page.get_by_label("Eindbeoordeling", exact=True).fill(
        "Geen nieuwe incidenten sinds het huisverbod; Kemal in behandeling; iedereen geeft een 7 of hoger."
    )
    page.get_by_role("button", name="Casus afsluiten").click()
    expect(page.locator(".field-error").first).to_contain_text("Bevestig dat u de casus afsluit")
    assert_accessible(page, "the closing page with an error")
    page.get_by_label("Ik sluit deze casus af").check()
    screenshot(page, "close-case.png")
    page.get_by_role("button", name="Casus afsluiten").click()
    if page.locator(".error-summary").count():
        screenshot(page, "close-case-refused.png")
        pytest.fail(page.locator(".error-summary").inner_text())
    expect(page).to_have_url(re.compile(r"/taken/$"))
    expect(page.get_by_role("status").first).to_contain_text("is afgesloten")
    for months in ("3 maanden", "6 maanden", "12 maanden"):
        expect(page.locator("tr", has_text=f"Nazorgcontact {months} na afsluiten")).to_have_count(1)
    assert_accessible(page, "my tasks after closing")
    screenshot(page, "tasks-aftercare.png")
    household = ban.household
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED
