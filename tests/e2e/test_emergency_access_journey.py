"""Break the glass in a real browser: the police officer, not involved with HH-2026-0002, opens it in
acute danger with a written reason; the household page says it is emergency access; the privacy officer
finds it on the review list with the reason and judges it."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in, sign_out
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

REASON = (
    "Melding via 112: geweld op het adres, kinderen in huis. Ik moet weten wie er wonen en wie betrokken is."
)


def test_emergency_access_is_reported_and_judged(page: Page) -> None:
    sign_in(page, "politie")
    response = page.goto("/huishoudens/HH-2026-0002/")
    assert response is not None and response.status == 404
    page.goto("/mijn-werk/")
    page.get_by_role("link", name="Noodtoegang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noodtoegang")
    page.get_by_label("Kenmerk huishouden").fill("HH-2026-0002")
    page.get_by_label("Het acute gevaar, en waarom u het nu nodig hebt").fill("Even kijken")
    page.get_by_role("button", name="Huishouden openen met noodtoegang").click()
    expect(page.locator(".field-error").first).to_contain_text("minstens 20 tekens")
    assert_accessible(page, "the emergency access form with errors")
    screenshot(page, "emergency-form-errors.png")
    page.get_by_label("Het acute gevaar, en waarom u het nu nodig hebt").fill(REASON)
    page.get_by_label(re.compile("Ik begrijp dat de regisseur")).check()
    page.get_by_role("button", name="Huishouden openen met noodtoegang").click()
    expect(page).to_have_url(re.compile(r"/huishoudens/HH-2026-0002/$"))
    expect(page.get_by_role("note").first).to_contain_text("U ziet dit huishouden via noodtoegang")
    expect(page.get_by_role("status")).to_contain_text(
        "De regisseur en de privacyfunctionaris zijn ingelicht"
    )
    assert_accessible(page, "the household page through emergency access")
    screenshot(page, "emergency-household.png")
    sign_out(page)

    sign_in(page, "privacy")
    page.get_by_role("navigation").get_by_role("link", name="Noodtoegangen").click()
    card = page.locator("article", has_text="opende HH-2026-0002")
    expect(card).to_contain_text(REASON)
    card.get_by_label("Niet terecht").check()
    card.get_by_role("button", name="Oordeel vastleggen").click()
    expect(page.locator("article", has_text="opende HH-2026-0002").get_by_role("alert")).to_contain_text(
        "Schrijf op waarom u zo oordeelt."
    )
    card = page.locator("article", has_text="opende HH-2026-0002")
    card.get_by_label("Terecht", exact=True).check()
    card.get_by_label("Notitie").fill("Melding 112 bevestigd door de meldkamer; noodtoegang was nodig.")
    card.get_by_role("button", name="Oordeel vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw oordeel is vastgelegd.")
    expect(page.locator("article", has_text="opende HH-2026-0002")).to_contain_text("Terecht")
    assert_accessible(page, "the privacy officer's review list")
    screenshot(page, "emergency-review.png")
