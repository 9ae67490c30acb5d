"""A repeat report through the API lands on the known household, and the reporting centre confirms the
likely match in its "te bevestigen" queue — in a real browser (issue 14, item 9).

The police system reports twice about Ingrid van den Berg of HH-2026-0004, without a BSN: once with her
name misspelled and day and month of her birth swapped (a likely match), once as the register knows her,
at her address (a certain match). Both land on her household; the likely one waits for Veilig Thuis, whose
worker sees what was reported next to what is known, with the clock, and confirms it."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.households.models import Household
from verband.signals.models import MatchState, Signal

pytestmark = pytest.mark.e2e

POLICE = "vbd_demo_politie_rotterdam"


def report(page: Page, **ingrid: str) -> dict:
    person = {"role": "victim", "given_names": "Ingrid", "surname_prefix": "van den", "family_name": "Berg",
              "date_of_birth": "1958-10-02", **ingrid}  # fmt: skip
    response = page.request.post(
        "/api/v1/signals",
        headers={"Authorization": f"Bearer {POLICE}"},
        data={
            "kind": "police_registration",
            "description": "Buren hoorden geschreeuw; mevrouw had een blauwe plek.",
            "reporter_name": "Agent Yilmaz",
            "persons": [person],
        },
    )
    assert response.status == 201, response.text()
    return response.json()


def test_the_reporting_centre_confirms_a_likely_match(page: Page):
    likely = report(page, given_names="Ingried", surname_prefix="", family_name="v.d. Berg",
                    date_of_birth="1958-02-10")  # fmt: skip
    certain = report(page, street="Dordtsestraatweg", house_number="512", postcode="3075BK")
    # The answers say nothing about whether she was known.
    assert set(likely) == set(certain) == {"reference", "status", "received_at", "taken_up_by", "feedback"}
    household = Household.objects.get(reference="HH-2026-0004")
    for answer in (likely, certain):
        assert Signal.objects.get(reference=answer["reference"]).household_id == household.pk

    sign_in(page, "vt.medewerker")
    page.get_by_role("navigation").get_by_role("link", name="Te bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te bevestigen")
    row = page.get_by_role("row").filter(has_text=likely["reference"])
    expect(row).to_contain_text("1 persoon")
    expect(row).to_contain_text(re.compile(r"nog 1 werkdag|vandaag"))
    expect(page.get_by_role("link", name=certain["reference"])).to_have_count(
        0
    )  # certain: nothing to confirm
    assert_accessible(page, "the queue to be confirmed")
    screenshot(page, "recognition-queue.png")

    row.get_by_role("link", name=likely["reference"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Herkenning van {likely['reference']} bevestigen"
    )
    group = page.get_by_role("group", name="Slachtoffer")
    expect(group).to_contain_text("Ingried v.d. Berg")
    expect(group).to_contain_text("Ingrid van den Berg")
    expect(group).to_contain_text("geboortedatum met dag en maand omgewisseld")
    # Saving without a choice keeps the page, with the question.
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Geef voor elke persoon aan of het dezelfde persoon is."
    )
    assert_accessible(page, "the confirmation page with an error")
    screenshot(page, "recognition-confirm.png")
    page.get_by_label("Dezelfde persoon").check()
    page.get_by_role("button", name="Besluit opslaan").click()

    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        f"Herkenning van {likely['reference']} bevestigd."
    )
    expect(page.get_by_text("Er is niets te bevestigen.")).to_be_visible()
    assert_accessible(page, "the queue after confirming")
    screenshot(page, "recognition-queue-done.png")
    confirmed = Signal.objects.get(reference=likely["reference"]).persons.get()
    assert confirmed.match_state == MatchState.CONFIRMED

    # The household shows how often it was reported.
    page.goto("/huishoudens/HH-2026-0004/")
    expect(page.locator("#reports")).to_contain_text("3e melding over dit huishouden; herhaalde melding")
    screenshot(page, "recognition-household.png")
