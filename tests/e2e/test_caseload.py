"""The caseload list and "vandaag eerst" in a real browser (issue 14, items 2 and 7).

A neighbourhood-team professional of the demo region opens Huishoudens from the menu, switches to her
team's households, filters on phase, sorts on last contact (the header says how the column is sorted),
pages and exports nothing unseen; then Mijn werk opens with "Vandaag eerst" and a link back to the list.
Every page passes axe; the screenshots go to test-artifacts/ for a human to look at."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, current_menu_item, screenshot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_a_professional_finds_her_households_filters_sorts_and_starts_with_today(page: Page):
    sign_in(page, "wt.feijenoord")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Huishoudens", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/huishoudens/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Huishoudens")
    expect(current_menu_item(page).first).to_have_text("Huishoudens")
    tabs = page.get_by_role("navigation", name="Welke huishoudens")
    expect(tabs.get_by_role("link", name="Mijn huishoudens")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "Mijn huishoudens")
    screenshot(page, "caseload-mine.png")

    tabs.get_by_role("link", name="Mijn team").click()
    expect(tabs.get_by_role("link", name="Mijn team")).to_have_attribute("aria-current", "page")
    table = page.locator("table.caseload")
    expect(table).to_be_visible()
    all_rows = table.locator("tbody tr").count()
    assert all_rows > 0, "the neighbourhood team works with no household in the demo"
    assert_accessible(page, "Mijn team")
    screenshot(page, "caseload-team.png")

    # Filter: only households without an assessment or in phase 1; the filter is a plain GET form.
    page.get_by_label("Fase").select_option(label="1. Directe veiligheid")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"fase=direct"))
    expect(page.get_by_label("Fase")).to_have_value("direct")
    phases = table.locator("tbody td[data-label=Fase]").all_inner_texts() if table.count() else []
    assert all(p == "1. Directe veiligheid" for p in phases)
    screenshot(page, "caseload-team-phase-1.png")
    page.get_by_label("Fase").select_option(label="Alle")
    page.get_by_role("button", name="Filteren").click()

    # Sort on last contact, then the other way round; the header says so (aria-sort).
    header = table.get_by_role("columnheader", name=re.compile("Laatste contact"))
    header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sorteer=contact"))
    expect(table.get_by_role("columnheader", name=re.compile("Laatste contact"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    table.get_by_role("columnheader", name=re.compile("Laatste contact")).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sorteer=-contact"))
    expect(table.get_by_role("columnheader", name=re.compile("Laatste contact"))).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(table.locator("tbody tr")).to_have_count(min(all_rows, 25))
    assert_accessible(page, "Mijn team, sorted on last contact")
    screenshot(page, "caseload-team-sorted.png")

    # The export keeps the filter and the sort.
    export = page.get_by_role("link", name="CSV")
    assert "sorteer=-contact" in (export.get_attribute("href") or "")
    with page.expect_download() as download:
        export.click()
    assert download.value.suggested_filename.startswith("huishoudens-team-")

    # Monday morning: Mijn werk starts with what is urgent, overdue or due today.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn werk").click()
    today = page.get_by_role("region", name="Vandaag eerst")
    expect(today).to_be_visible()
    first_heading = page.locator("main h2").first
    expect(first_heading).to_have_text("Vandaag eerst")
    expect(today.get_by_role("link", name=re.compile("Al uw huishoudens"))).to_have_attribute(
        "href", "/huishoudens/"
    )
    assert_accessible(page, "Mijn werk with Vandaag eerst")
    screenshot(page, "my-work-today-first.png")
