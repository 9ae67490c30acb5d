"""The Werkbak in a real browser, with the demo region (issue 14, item 7): one card per household whatever
the number of signals and of the user's teams and networks asked, the number waiting in the menu, an
update for a team already involved marked as seen (not taken up again), and the filters."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _menu_count(page: Page) -> int:
    link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=re.compile(r"^Werkbak"))
    text = link.inner_text()
    found = re.search(r"\d+", text)
    return int(found.group()) if found else 0


def test_one_card_per_household_with_counts_in_the_menu(page: Page, new_page):
    # Fatima works in Wijkteam Feijenoord and in the network Rotterdam-Zuid: both are asked about the
    # household of signal SG-2026-00003. One card, with a group for each.
    sign_in(page, "wt.feijenoord")
    page.goto("/werkbak/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbak")
    cards = page.locator("article.inbox-item")
    count = _menu_count(page)
    assert count > 0
    expect(cards).to_have_count(count)
    expect(page.get_by_role("status").first).to_contain_text(f"{count} huishoudens wachten")
    household = page.locator("article.inbox-item", has_text="SG-2026-00003")
    expect(household).to_have_count(1)
    expect(household).to_contain_text("Gevraagd aan Netwerk Huiselijk Geweld Rotterdam-Zuid")
    expect(household).to_contain_text("Gevraagd aan Wijkteam Feijenoord")
    expect(household.get_by_role("button", name="Wij pakken dit op")).to_have_count(2)
    assert_accessible(page, "the Werkbak with one card per household")
    screenshot(page, "inbox-one-card-per-household.png")

    # The filters: urgent only shows the urgent households, and says how many.
    page.get_by_label("Alleen urgent").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"urgent=on"))
    urgent = page.locator("article.inbox-item")
    expect(urgent.first).to_contain_text("Urgent")
    assert urgent.count() == page.locator("article.inbox-item.urgent").count() < count
    assert_accessible(page, "the Werkbak filtered on urgent")
    screenshot(page, "inbox-filtered-urgent.png")

    # Jeroen's team (Wijkteam Charlois) already works with HH-2026-0006: the two new signals about it are
    # one update to mark as seen, not a take-up.
    jeroen = new_page()
    sign_in(jeroen, "wt.charlois")
    jeroen.goto("/werkbak/")
    before = _menu_count(jeroen)
    update = jeroen.locator("article.inbox-item", has_text="SG-2026-00006")
    expect(update).to_have_count(1)
    expect(update).to_contain_text("HH-2026-0006")  # the team sees the household already
    expect(update).to_contain_text("2 signalen")
    expect(update).to_contain_text("Voor Wijkteam Charlois (Wijkteams), al betrokken")
    expect(update.get_by_role("button", name="Wij pakken dit op")).to_have_count(0)
    assert_accessible(jeroen, "the Werkbak with an update")
    screenshot(jeroen, "inbox-update-to-see.png")
    update.get_by_role("button", name="Gezien").click()
    expect(jeroen.get_by_role("status").first).to_contain_text(
        "Gezien: de 2 nieuwe signalen over HH-2026-0006."
    )
    expect(jeroen.locator("article.inbox-item", has_text="SG-2026-00006")).to_have_count(0)
    assert _menu_count(jeroen) == before - 1
    screenshot(jeroen, "inbox-after-seen.png")
