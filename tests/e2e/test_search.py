"""Finding a household with the search box in the header, in a real browser.

Mark (police, Basisteam Feijenoord, working with HH-2026-0004) types Ingrid van den Berg's name misspelled
with another tussenvoegsel and her birth date in the header's search box: the result is her household, with
her name, birth date and role, and opens the household page. A neighbourhood team colleague in Charlois,
who does not work with the household, gets the page of a search that finds no one."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

QUERY = "Ingried van der Berg 02-10-1958"


def test_a_professional_finds_a_household_by_a_misspelled_name_and_birth_date(page: Page, new_page) -> None:
    sign_in(page, "politie")
    header = page.get_by_role("banner")
    box = header.get_by_role("searchbox", name="Zoeken")
    box.fill(QUERY)
    header.get_by_role("button", name="Zoeken").click()

    expect(page).to_have_url(re.compile(r"/zoeken/\?q="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken")
    results = page.get_by_role("table")
    expect(results).to_contain_text("HH-2026-0004")
    expect(results).to_contain_text("Ingrid van den Berg")
    expect(results).to_contain_text("02-10-1958")
    expect(results).to_contain_text("Slachtoffer")
    # What was typed stays in the page's box.
    expect(page.get_by_role("main").get_by_role("searchbox")).to_have_value(QUERY)
    assert_accessible(page, "the search results")
    screenshot(page, "search-results.png")

    results.get_by_role("link", name="HH-2026-0004").click()
    expect(page).to_have_url(re.compile(r"/huishoudens/HH-2026-0004/$"))
    expect(page.get_by_role("main")).to_contain_text("Ingrid van den Berg")

    # A professional who does not work with the household: no hint that it exists.
    other = new_page()
    sign_in(other, "wt.charlois")
    other.goto(f"/zoeken/?q={QUERY}")
    expect(other.get_by_role("main")).to_contain_text("Geen resultaten")
    expect(other.get_by_role("main")).not_to_contain_text("Ingrid")
    expect(other.get_by_role("main")).not_to_contain_text("HH-2026-0004")
    assert_accessible(other, "a search without results")
    screenshot(other, "search-no-results.png")

    # A mistyped BSN: a Dutch message with what was typed kept.
    other.goto("/zoeken/?q=123456789")
    expect(other.get_by_role("alert")).to_contain_text("geen geldig BSN")
    expect(other.get_by_role("main").get_by_role("searchbox")).to_have_attribute("aria-invalid", "true")
    assert_accessible(other, "a search with an error")
    screenshot(other, "search-error.png")
