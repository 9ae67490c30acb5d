"""End of access in a real browser.

1. A member of a network is not offered to end the network's involvement (its coordinator is).
2. Veilig Thuis ends its monitoring of HH-2026-0002 with a reason: it lands on Mijn werk and the
   household is no longer open to it.
3. The neighbourhood team reads why on the timeline (not the note), and ends its own involvement as the
   last partner: the household is closed.
"""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in, sign_out
from playwright.sync_api import Page, expect

from verband.households.models import Household

pytestmark = pytest.mark.e2e


def end_form(page: Page, party: str):
    summary = page.locator("summary", has_text=f"Betrokkenheid van {party}")
    summary.click()
    return page.locator("details.end-involvement", has=summary)


def test_partners_end_their_involvement_and_the_last_one_closes_the_household(page: Page) -> None:
    sign_in(page, "wt.feijenoord")
    page.goto("/huishoudens/HH-2026-0001/")
    expect(page.locator("summary", has_text="Betrokkenheid van Wijkteam Feijenoord")).to_have_count(1)
    # A network's involvement is ended by its coordinator, not by one of its members.
    expect(page.locator("summary", has_text="Betrokkenheid van Netwerk")).to_have_count(0)
    sign_out(page)

    sign_in(page, "vt.medewerker")
    page.goto("/huishoudens/HH-2026-0002/")
    form = end_form(page, "Team Onderzoek Zuid")
    form.get_by_label("Waarom eindigt de betrokkenheid?").select_option(label="Doelen bereikt")
    form.get_by_label("Toelichting (optioneel)").fill(
        "Monitoring afgerond na drie maanden zonder incidenten."
    )
    assert_accessible(page, "the household page with the end-of-involvement form open")
    screenshot(page, "end-involvement-form.png")
    form.get_by_role("button", name="Onze betrokkenheid beëindigen").click()
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    expect(page.get_by_role("status")).to_contain_text("Uw betrokkenheid bij HH-2026-0002 is beëindigd.")
    response = page.goto("/huishoudens/HH-2026-0002/")
    assert response is not None and response.status == 404
    sign_out(page)

    sign_in(page, "wt.charlois")
    page.goto("/huishoudens/HH-2026-0002/")
    timeline = page.locator("section[aria-labelledby=timeline-heading]")
    expect(timeline).to_contain_text("heeft de betrokkenheid beëindigd: Doelen bereikt")
    expect(timeline).not_to_contain_text("Monitoring afgerond")
    form = end_form(page, "Wijkteam Charlois")
    form.get_by_label("Waarom eindigt de betrokkenheid?").select_option(label="Onze inzet is niet meer nodig")
    form.get_by_role("button", name="Onze betrokkenheid beëindigen").click()
    expect(page.get_by_role("status")).to_contain_text("het huishouden is afgesloten")
    assert_accessible(page, "Mijn werk after the household closed")
    screenshot(page, "end-involvement-closed.png")
    assert Household.objects.get(reference="HH-2026-0002").status == "closed"
