"""Sign-in journeys in a real browser: password and one-time code for three roles, the language switch,
sign-out, axe-core on every page on the way, and reflow at 200% zoom."""

from __future__ import annotations

import re

import pytest
from journey import (
    assert_accessible,
    assert_no_horizontal_scroll,
    current_menu_item,
    screenshot,
    sign_in,
    sign_out,
)
from playwright.sync_api import Page, expect

from verband.demo.households import HOUSEHOLDS

pytestmark = pytest.mark.e2e


def test_professional_signs_in_switches_language_and_signs_out(page: Page):
    sign_in(page, "wt.feijenoord", check=True)

    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")
    expect(current_menu_item(page)).to_have_text("Mijn werk")
    expect(page.get_by_role("link", name="HH-2026-0001", exact=True)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Fatima El Amrani")
    assert_accessible(page, "Mijn werk")
    screenshot(page, "mijn-werk.png")

    # Language switch in the header, and back.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("link", name="HH-2026-0001", exact=True)).to_be_visible()
    assert_accessible(page, "My work (English)")
    screenshot(page, "mijn-werk-en.png")
    page.get_by_role("banner").get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")

    # 200% zoom of a 1280 px wide window: the page reflows, nothing scrolls sideways.
    page.set_viewport_size({"width": 640, "height": 800})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")
    assert_no_horizontal_scroll(page)
    # Below the actions from family plans, the households list reflows as well.
    household_link = page.get_by_role("link", name="HH-2026-0001", exact=True)
    household_link.scroll_into_view_if_needed()
    expect(household_link).to_be_in_viewport()
    # The narrow layout stacks the cells; the column headers must stay in the accessibility tree.
    expect(page.get_by_role("columnheader", name="Sinds")).to_have_count(1)
    assert_accessible(page, "Mijn werk at 200% zoom")
    screenshot(page, "mijn-werk-zoom200.png")

    sign_out(page)


def _household_person_names() -> set[str]:
    names = set()
    for household in HOUSEHOLDS:
        for person in household.persons:
            names.add(person.given)
            names.add(" ".join(part for part in (person.prefix, person.family) if part))
    return names


@pytest.mark.parametrize(
    ("username", "path", "heading", "shot"),
    [
        ("manager", "/overzicht/", "Overzicht", "overzicht.png"),
        ("beheer", "/beheer/", "Beheer", "beheer.png"),
    ],
)
def test_other_roles_land_on_their_start_page(page: Page, username, path, heading, shot):
    sign_in(page, username)

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(current_menu_item(page)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    main_text = page.get_by_role("main").inner_text()
    assert "HH-20" not in main_text, "a start page without casework shows household references"
    if username == "manager":
        body = page.locator("body").inner_text()
        shown = sorted(
            name for name in _household_person_names() if re.search(rf"\b{re.escape(name)}\b", body)
        )
        assert not shown, f"the steering overview shows names of persons: {shown}"
    assert_accessible(page, heading)
    screenshot(page, shot)

    sign_out(page)
