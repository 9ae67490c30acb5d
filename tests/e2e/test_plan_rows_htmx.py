"""Progressive enhancement on the plan editor and in Mijn werk, in a real browser under the strict CSP:
adding a row does not reload the page (the page keeps its place and the new row gets the focus), and an
action's status is updated in place; htmx runs without a single CSP violation."""

from __future__ import annotations

import re

from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect


def test_rows_are_added_in_place_and_an_action_status_is_updated_inline(page: Page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, "wt.feijenoord")
    page.goto("/mijn-werk/")
    section = page.get_by_role("region", name="Huishoudens waarbij u betrokken bent")
    references = sorted(set(re.findall(r"/huishoudens/(HH-[0-9-]+)/", section.inner_html())))
    assert references, "Fatima works with no household in the demo"
    page.goto(f"/huishoudens/{references[0]}/plan/bewerken/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gezinsplan")
    page.evaluate("window.notReloaded = true")
    add = page.get_by_role("button", name="Actie toevoegen")
    add.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 0
    n = int(page.locator("#act-TOTAL_FORMS").input_value())
    add.click()
    expect(page.locator(f"#act-{n}-text")).to_be_focused()
    expect(page.locator("#act-TOTAL_FORMS")).to_have_value(str(n + 1))
    assert page.evaluate("window.notReloaded") is True  # no reload …
    assert page.evaluate("window.scrollY") > 0  # … so not back at the top
    page.get_by_label(f"Actie {n + 1}", exact=True).fill("Huisbezoek met Marloes plannen")
    page.locator(f"#act-{n}-org").select_option(label="Wijkteams Rotterdam")
    page.locator(f"#act-{n}-due").fill("2026-12-20")
    goals = int(page.locator("#goal-TOTAL_FORMS").input_value())
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.locator(f"#goal-{goals}-text")).to_be_focused()
    assert_accessible(page, "the plan form with added rows")
    screenshot(page, "plan-form-rows-added.png")
    page.get_by_role("button", name="Plan opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het gezinsplan is opgeslagen.")
    expect(page.get_by_role("cell", name="Huisbezoek met Marloes plannen")).to_be_visible()

    page.goto("/mijn-werk/")
    row = page.get_by_role("row", name=re.compile("Huisbezoek met Marloes plannen"))
    page.evaluate("window.notReloaded = true")
    row.get_by_label("Status").select_option(value="done")
    row.get_by_role("button", name="Bijwerken").click()
    expect(row.get_by_role("status")).to_have_text("De actie is bijgewerkt.")
    expect(row.get_by_label("Status")).to_have_value("done")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "my-work-status-inline.png")
    assert not [p for p in problems if "Content Security Policy" in p or "htmx" in p.lower()], problems
