"""Issue 14's acceptance journey, in a real browser: daily work from finding a household to its aftercare.

1. The police officer (Mark Jansen) finds "Ingried van der Berg" — a misspelled name with her birth date — in
   the header's search box and opens her household.
2. He records a home visit with his report attached (the journal), and the mayor's huisverbod for her son.
3. Veilig Thuis's Noor Hendriks holds regie (mandated by her team leader). Three working days before the
   huisverbod ends the worker's sweep gives her the task "Veiligheidsplan herzien"; not done by its end,
   the escalation engine takes it up. She does it, and closes the case with aftercare checks after 3, 6 and
   12 months.
4. After closing, the officer reports again: the household is recognised, opens again, and the report is
   counted as a repeat report after closing.
5. On a Monday morning after the new report's norm, Noor's Mijn werk starts with "Vandaag eerst".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.accounts.models import User
from verband.escalation.models import Escalation, EscalationKind
from verband.households.models import Household, HouseholdStatus
from verband.measures.models import ProtectiveMeasure
from verband.network.models import Role
from verband.plans import regie
from verband.signals.models import Signal
from verband.tasks.models import Task, TaskKind
from verband.testing import actor_for, make_user
from verband.workdays import add_working_days, is_working_day
from verband.worker import run_sweeps

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0004"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
VISIT = "Huisbezoek bij mevrouw Van den Berg: pinpas terug, zoon logeert bij een vriend."


def nine_on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def choose(select, text: str) -> None:
    select.select_option(value=select.locator("option", has_text=text).first.get_attribute("value"))


def first_review_day(today: date, end: date, workdays: int = 3) -> date:
    day = today
    while not (is_working_day(day) and add_working_days(day, workdays) >= end):
        day += timedelta(days=1)
    return day


def noor_holds_regie() -> None:
    """Given: Noor (Veilig Thuis, routing desk) took regie, mandated and confirmed by her team leader."""
    household = Household.objects.get(reference=HOUSEHOLD)
    noor = User.objects.get(username="vt.triage")
    desk = noor.memberships.get()
    leader = make_user("vt.teamleider", desk.organisation, Role.LINE_MANAGER, desk.team)
    transfer = regie.request_regie(actor_for(noor), household, noor.memberships.get().pk)
    taken = regie.accept_regie(actor_for(noor), transfer, leader.pk)
    regie.confirm_mandate(actor_for(leader), taken)


def report_again(page: Page) -> str:
    """The officer reports a new incident about Ingrid and her son through the intake form."""
    page.get_by_role("navigation").get_by_role("link", name="Zorg melden").click()
    page.get_by_label("Politieregistratie").check()
    page.get_by_label("Wat is er gebeurd, en waar maakt u zich zorgen over?").fill(
        "Mevrouw belde opnieuw: haar zoon staat weer voor de deur en eist geld."
    )
    page.get_by_label("Financiële uitbuiting").check()
    page.get_by_label("Postcode van het huishouden").fill("3075 BK")
    first = page.get_by_role("group", name="Persoon 1")
    first.get_by_label("Voornamen").fill("Ingrid")
    first.get_by_label("Tussenvoegsel").fill("v.d.")
    first.get_by_label("Achternaam").fill("Berg")
    first.get_by_label("Dag").fill("2")
    first.get_by_label("Maand").fill("10")
    first.get_by_label("Jaar").fill("1958")
    second = page.get_by_role("group", name="Persoon 2")
    second.get_by_label("Voornamen").fill("Tom")
    second.get_by_label("Tussenvoegsel").fill("van den")
    second.get_by_label("Achternaam").fill("Berg")
    second.get_by_label("Dag").fill("14")
    second.get_by_label("Maand").fill("5")
    second.get_by_label("Jaar").fill("1985")
    page.get_by_role("button", name="Vastleggen").click()
    if page.get_by_role("heading", level=1, name="Over wie gaat dit?").count():
        page.get_by_label(re.compile(r"Ingrid van den Berg")).check()
        page.get_by_label(re.compile(r"Tom van den Berg")).check()
        screenshot(page, "monday-recognise-again.png")
        page.get_by_role("button", name="Bevestigen en partners inschakelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Signaal SG-\d{4}-\d{5}"))
    return page.get_by_role("heading", level=1).inner_text().split()[-1]


def test_find_record_protect_close_and_recognise_the_repeat_report(page: Page, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "documents")
    today = timezone.localdate()

    # 1. The officer finds her by a misspelled name and her birth date.
    sign_in(page, "politie")
    header = page.get_by_role("banner")
    header.get_by_role("searchbox", name="Zoeken").fill("Ingried van der Berg 02-10-1958")
    header.get_by_role("button", name="Zoeken").click()
    results = page.get_by_role("table")
    expect(results).to_contain_text("Ingrid van den Berg")
    assert_accessible(page, "the search results")
    screenshot(page, "monday-search.png")
    results.get_by_role("link", name=HOUSEHOLD).click()
    expect(page.get_by_role("main")).to_contain_text("Ingrid van den Berg")

    # 2a. A home visit with his report attached.
    page.get_by_role("link", name="Journaal", exact=True).click()
    page.get_by_role("link", name="Contact of notitie vastleggen").click()
    when = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("Soort").select_option(label="Huisbezoek")
    page.get_by_label("Datum", exact=True).fill(f"{when:%Y-%m-%d}")
    page.get_by_label("Tijd", exact=True).fill(f"{when:%H:%M}")
    page.get_by_label("Over", exact=True).select_option(label="Ingrid van den Berg")
    page.locator("fieldset", has_text="Aanwezige gezinsleden").get_by_label("Ingrid van den Berg").check()
    page.get_by_label("Samenvatting").fill(VISIT)
    page.get_by_label("Document toevoegen").set_input_files(
        {"name": "proces-verbaal.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Vastleggen in het journaal").click()
    expect(page.get_by_role("status")).to_contain_text("Het is vastgelegd in het journaal.")
    entry = page.locator("article.journal-entry", has_text=VISIT)
    expect(entry.get_by_role("link", name="proces-verbaal.pdf")).to_be_visible()
    assert_accessible(page, "the journal with the home visit")
    screenshot(page, "monday-journal.png")

    # 2b. The mayor's huisverbod for her son: ten days from today.
    page.goto(f"/huishoudens/{HOUSEHOLD}/maatregelen/")
    page.get_by_role("link", name="Maatregel vastleggen").click()
    choose(page.get_by_label("Maatregel"), "Huisverbod")
    choose(page.get_by_label("Over", exact=True), "Tom")
    page.get_by_label("Datum besluit of begin").fill(today.isoformat())
    page.get_by_label("Toelichting").fill("Besluit burgemeester, uitgereikt door de politie")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/maatregelen/$"))
    ban = ProtectiveMeasure.objects.get(household__reference=HOUSEHOLD, kind="house_ban")
    assert ban.ends_on == today + timedelta(days=10)
    screenshot(page, "monday-measure.png")

    # 3. Noor holds regie: the review task comes three working days before the end, not a day earlier.
    noor_holds_regie()
    review_day = first_review_day(today, ban.ends_on)
    with time_machine.travel(nine_on(review_day - timedelta(days=1)), tick=True):
        run_sweeps()
    assert not Task.objects.filter(kind=TaskKind.REVIEW_SAFETY_PLAN, source_id=ban.pk).exists()
    with time_machine.travel(nine_on(review_day), tick=True):
        run_sweeps()
        task = Task.objects.get(kind=TaskKind.REVIEW_SAFETY_PLAN, source_id=ban.pk)
        noor = new_page()
        sign_in(noor, "vt.triage")
        noor.get_by_role("navigation").get_by_role("link", name="Mijn taken").click()
        expect(noor.locator("tr", has_text="Veiligheidsplan herzien")).to_contain_text(HOUSEHOLD)
        screenshot(noor, "monday-review-task.png")

    # Not done by the end: the escalation engine takes it up; then she does it.
    with time_machine.travel(nine_on(add_working_days(ban.ends_on, 1)), tick=True):
        run_sweeps()
        escalation = Escalation.objects.get(kind=EscalationKind.TASK_OVERDUE, subject_id=task.pk)
        assert "Tom" not in escalation.summary and "Ingrid" not in escalation.summary
        late = new_page()
        sign_in(late, "vt.triage")
        late.get_by_role("navigation").get_by_role("link", name="Escalaties").click()
        expect(late.locator(f"#escalatie-{escalation.pk}")).to_contain_text("Taak te laat")
        screenshot(late, "monday-review-escalated.png")
        late.get_by_role("navigation").get_by_role("link", name="Mijn taken").click()
        row = late.locator("tr", has_text="Veiligheidsplan herzien")
        row.get_by_label("Wat is gedaan").fill(
            "Veiligheidsplan besproken met mevrouw; zoon blijft bij een vriend."
        )
        row.get_by_role("button", name="Afronden").click()
        expect(late.get_by_role("status").first).to_contain_text("Taak afgerond")

        # She closes the case with aftercare checks after 3, 6 and 12 months.
        late.goto(f"/huishoudens/{HOUSEHOLD}/")
        late.get_by_role("link", name="Casus afsluiten").click()
        late.get_by_label("Eindbeoordeling", exact=True).fill(
            "Geen nieuwe incidenten sinds het huisverbod; de zoon woont elders; mevrouw voelt zich veilig."
        )
        late.get_by_label("Ingrid van den Berg", exact=True).select_option("7")
        late.get_by_label("Tom van den Berg", exact=True).select_option("6")
        late.get_by_label("Ik sluit deze casus af").check()
        assert_accessible(late, "the closing page")
        screenshot(late, "monday-close.png")
        late.get_by_role("button", name="Casus afsluiten").click()
        if late.locator(".error-summary").count():
            screenshot(late, "monday-close-refused.png")
            pytest.fail(late.locator(".error-summary").inner_text())
        screenshot(late, "monday-aftercare.png")
        for months in ("3 maanden", "6 maanden", "12 maanden"):
            expect(late.locator("tr", has_text=f"Nazorgcontact {months} na afsluiten")).to_have_count(1)
        screenshot(late, "monday-aftercare.png")
    household = Household.objects.get(reference=HOUSEHOLD)
    assert household.status == HouseholdStatus.CLOSED

    # 4. Two weeks later the officer reports again: recognised, the household opens again, counted as a
    # repeat report after closing.
    with time_machine.travel(nine_on(add_working_days(ban.ends_on, 10)), tick=True):
        officer = new_page()
        sign_in(officer, "politie")
        reference = report_again(officer)
        screenshot(officer, "monday-new-report.png")
        signal = Signal.objects.get(reference=reference)
        household.refresh_from_db()
        assert signal.household_id == household.pk
        assert household.status == HouseholdStatus.ACTIVE
        assert signal.repeat_after_closing
        regisseur = new_page()
        sign_in(regisseur, "vt.triage")
        regisseur.goto(f"/huishoudens/{HOUSEHOLD}/")
        expect(regisseur.get_by_role("main")).to_contain_text("na afsluiting")
        assert_accessible(regisseur, "the household opened again")
        screenshot(regisseur, "monday-reopened.png")

    # 5. A Monday morning after the new report's norm: "Vandaag eerst" on Mijn werk.
    due = max(a.due_on for a in signal.activations.all())
    monday = due + timedelta(days=1)
    while monday.weekday() != 0:
        monday += timedelta(days=1)
    with time_machine.travel(timezone.make_aware(datetime.combine(monday, time(8, 30))), tick=True):
        morning = new_page()
        sign_in(morning, "vt.triage")
        morning.goto("/mijn-werk/")
        first = morning.locator("section.today-first")
        expect(first.get_by_role("heading", name="Vandaag eerst")).to_be_visible()
        expect(first).to_contain_text(HOUSEHOLD)
        assert_accessible(morning, "Mijn werk on a Monday morning")
        screenshot(morning, "monday-today-first.png")
