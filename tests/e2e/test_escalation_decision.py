"""An escalation is decided concretely, in a real browser: the regisseur's escalation about a shelter
referral nobody answered is decided with an action — who does it, by when. When the stall is still there
after that date, it reopens one step higher, with her line manager. Screenshots looked at; axe clean."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.collaboration import services as collaboration
from verband.collaboration.models import Handover
from verband.escalation.models import Escalation, EscalationStatus
from verband.households.models import Household
from verband.network.models import Team
from verband.testing import actor_for
from verband.workdays import add_working_days
from verband.worker import run_sweeps

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"


def morning_after(day) -> datetime:
    return timezone.make_aware(datetime.combine(add_working_days(day, 1), time(9, 0)))


def test_escalation_decided_with_an_action_and_date_reopens_higher(page: Page, new_page):
    from django.contrib.auth import get_user_model

    fatima_user = get_user_model().objects.get(username="wt.feijenoord")
    handover = collaboration.request_handover(
        actor_for(fatima_user),
        Household.objects.get(reference=HOUSEHOLD),
        kind="referral",
        to_team_id=Team.objects.get(name="Opvang Rotterdam").pk,
        question="Elif en de kinderen hebben een veilige plek nodig.",
    )
    handover = Handover.objects.get(pk=handover.pk)

    # 1. Nobody at the shelter answers: the escalation lies with the regisseur, who decides concretely.
    with time_machine.travel(morning_after(handover.due_on), tick=True):
        run_sweeps()
        escalation = Escalation.objects.get(subject_type="handover", subject_id=handover.pk)
        sign_in(page, "wt.feijenoord")
        page.goto(f"/escalaties/{escalation.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Escalatie: Overdracht onbeantwoord")
        # One sentence is not a decision.
        page.get_by_label("Wat er gebeurt — of waarom de norm hier niet geldt").fill("Ik bel ze morgen wel.")
        page.get_by_role("button", name="Besluit vastleggen en sluiten").click()
        expect(page.get_by_role("alert")).to_contain_text("Kies wat u besluit")
        expect(page.get_by_label("Wat er gebeurt — of waarom de norm hier niet geldt")).to_have_value(
            "Ik bel ze morgen wel."
        )
        page.get_by_label("Een actie: wie doet wat, vóór wanneer").check()
        page.get_by_label("Wat er gebeurt — of waarom de norm hier niet geldt").fill(
            "De opvang belt HH-2026-0001 terug en plant een intake."
        )
        owner = page.get_by_label("Wie doet het (bij een actie)")
        owner.select_option(label=owner.locator("option", has_text="Opvang").first.inner_text())
        due = timezone.localdate() + timedelta(days=2)
        page.get_by_label("Gedaan vóór (bij een actie of als iemand anders het overneemt)").fill(
            due.isoformat()
        )
        assert_accessible(page, "the escalation decision form")
        screenshot(page, "escalation-decision-form.png")
        page.get_by_role("button", name="Besluit vastleggen en sluiten").click()
        expect(page.get_by_role("status").first).to_contain_text("Uw besluit is vastgelegd")
        facts = page.locator("#decision-facts")
        expect(facts).to_contain_text("Een actie: wie doet wat, vóór wanneer")
        expect(facts).to_contain_text("(Arosa)")  # a worker of the shelter
        expect(page.get_by_text("De opvang belt HH-2026-0001 terug")).to_be_visible()
        expect(page.get_by_text("opnieuw open, één stap hoger")).to_be_visible()
        assert_accessible(page, "the decided escalation")
        screenshot(page, "escalation-decided-action.png")
        escalation.refresh_from_db()
        assert escalation.status == EscalationStatus.RESOLVED and escalation.action_due_on == due

    # 2. The date passes and the referral is still unanswered: it reopens one step higher.
    with time_machine.travel(morning_after(due), tick=True):
        run_sweeps()
        again = Escalation.objects.get(previous=escalation)
        assert again.step == escalation.step + 1
        manager = new_page()
        sign_in(manager, "lm.feijenoord")
        manager.goto(f"/escalaties/{again.pk}/")
        expect(manager.get_by_text("Opnieuw geopend, één stap hoger")).to_be_visible()
        expect(manager.locator(".ladder li.current")).to_contain_text("leidinggevende")
        manager.get_by_role("link", name="Het vorige besluit").click()
        expect(manager.get_by_text("De opvang belt HH-2026-0001 terug")).to_be_visible()  # she reads it too
        assert_accessible(manager, "the reopened escalation's previous decision")
        screenshot(manager, "escalation-reopened-previous.png")


def test_the_line_manager_named_confirms_the_regie_mandate(page: Page, new_page):
    """ "Ik neem de regie" asks the line manager named; the regie shows "mandaat gevraagd" until she
    confirms on the page the notification leads to."""
    from verband.plans.models import Regie

    household = Household.objects.filter(regies__isnull=True, involvements__team__name="Wijkteam Feijenoord")
    reference = household.order_by("reference").values_list("reference", flat=True).first()
    assert reference, "the demo has a household of Wijkteam Feijenoord without a regisseur"
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{reference}/")
    page.get_by_role("button", name="Ik neem de regie").click()
    page.get_by_label("Leidinggevende die u het mandaat geeft").select_option(
        label="Marieke de Jong (Wijkteam Feijenoord)"
    )
    page.get_by_role("button", name="Regie aanvaarden").click()
    regie = page.get_by_role("region", name="Regie")
    expect(regie).to_contain_text("mandaat gevraagd")
    screenshot(page, "regie-mandate-requested.png")

    marieke = new_page()
    sign_in(marieke, "lm.feijenoord")
    marieke.goto("/notificaties/")
    marieke.get_by_role("button", name=f"Regiemandaat bevestigen: {reference}").first.click()
    expect(marieke.get_by_role("heading", level=1)).to_have_text(f"Regiemandaat: {reference}")
    expect(marieke.locator("#mandate-status")).to_contain_text("mandaat gevraagd")
    assert_accessible(marieke, "the mandate page")
    screenshot(marieke, "regie-mandate-confirm.png")
    marieke.get_by_role("button", name="Mandaat bevestigen").click()
    expect(marieke.get_by_role("status").first).to_contain_text("U hebt het mandaat bevestigd")
    assert (
        Regie.objects.get(household__reference=reference, ended_at__isnull=True).mandate_status == "confirmed"
    )

    page.reload()
    expect(page.get_by_role("region", name="Regie")).to_contain_text("mandaat van Marieke de Jong")
