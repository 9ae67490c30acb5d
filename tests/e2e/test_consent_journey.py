"""Consent in a real browser: given by a victim, then withdrawn, changes what a partner sees.

1. The neighbourhood team records Elif Demir's written consent to share her family's file with Enver.
2. It asks Enver's team to help her, on that consent (the basis proposed is a covenant; it chooses consent).
3. Enver accepts and sees the household.
4. Elif withdraws her consent: the form first says what ends; confirmed, Enver no longer sees the household,
   and the record keeps the basis it rested on.
"""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.collaboration.models import Handover
from verband.sharing.models import Consent, Involvement

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"


def test_consent_given_and_withdrawn_changes_what_a_partner_sees(page: Page, new_page) -> None:
    enver = new_page()  # Enver's own browser: each person signs in once (a one-time code is used once)
    sign_in(enver, "enver")
    response = enver.goto(f"/huishoudens/{HOUSEHOLD}/")
    assert response is not None and response.status == 404  # Enver does not work with the family yet

    # 1. The consent, as Elif gave it.
    sign_in(page, "wt.feijenoord")
    page.goto(f"/huishoudens/{HOUSEHOLD}/")
    page.get_by_role("link", name="Toestemming en grondslagen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Toestemming en grondslagen — {HOUSEHOLD}")
    page.get_by_role("link", name="Toestemming vastleggen").click()
    page.get_by_label("Van wie is de toestemming").select_option(label="Elif Demir")
    page.get_by_label("Toestemming gegeven").check()
    page.get_by_label("Enver", exact=True).check()
    page.get_by_label("Het hele dossier").check()
    page.get_by_label("Schriftelijk (ondertekend)").check()
    page.get_by_label("Toelichting (optioneel)").fill("Getekend formulier tijdens huisbezoek.")
    assert_accessible(page, "the consent form")
    screenshot(page, "consent-form.png")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De toestemming is vastgelegd.")
    row = page.locator("tr", has_text="Elif Demir")
    expect(row).to_contain_text("Gegeven")
    expect(row).to_contain_text("Enver")

    # 2. Asking Enver on that consent.
    page.goto(f"/huishoudens/{HOUSEHOLD}/overdragen/")
    team = page.locator("#to-team option", has_text="Team Rotterdam-Zuid").first.get_attribute("value")
    page.get_by_label("Aan", exact=True).select_option(value=team)
    page.get_by_label("Voor wie").select_option(label="Elif Demir")  # one person's consent: her handover
    page.get_by_label("Wat vraagt u van hen?").fill("Gezinsbehandeling na het geweld; moeder wil hulp.")
    expect(page.get_by_label(re.compile(r"Convenant tussen partners"))).to_be_checked()  # the proposal
    page.get_by_label(re.compile(r"Toestemming van betrokkene")).check()
    consent = page.locator("#basis-consent option", has_text="Elif Demir").first.get_attribute("value")
    page.get_by_label("Bij toestemming: de toestemming waarop het rust").select_option(value=consent)
    assert_accessible(page, "the handover form with the legal basis")
    screenshot(page, "consent-handover-basis.png")
    page.get_by_role("button", name="Vraag om te accepteren").click()
    expect(page.get_by_role("status")).to_contain_text("Team Rotterdam-Zuid is gevraagd.")
    handover = Handover.objects.get(to_team__name="Team Rotterdam-Zuid", status="pending")

    # 3. Enver accepts and sees the household.
    enver.goto(f"/overdrachten/{handover.pk}/")
    enver.get_by_role("button", name="Wij accepteren").click()
    expect(enver).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/$"))
    expect(enver.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
    involvement = Involvement.objects.active().get(
        household__reference=HOUSEHOLD, team__name="Team Rotterdam-Zuid"
    )
    assert involvement.legal_basis == "consent"

    # 4. Elif withdraws: the warning first, then it ends.
    page.goto(f"/huishoudens/{HOUSEHOLD}/toestemming/")
    page.locator("tr", has_text="Elif Demir").get_by_role("link", name="Intrekken").click()
    warning = page.locator(".card.warning")
    expect(warning).to_contain_text("Wat stopt als u bevestigt")
    expect(warning).to_contain_text("Team Rotterdam-Zuid")
    expect(warning).to_contain_text("is niet meer betrokken")
    page.get_by_label("Mondeling").check()
    page.get_by_label("Toelichting (optioneel)").fill("Belde op: wil geen hulp van Enver meer.")
    assert_accessible(page, "the withdrawal with its warning")
    screenshot(page, "consent-withdraw-warning.png")
    page.get_by_role("button", name="Toestemming intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("De toestemming is ingetrokken.")
    expect(page.locator("tr", has_text="Elif Demir")).to_contain_text("Ingetrokken")
    bases = page.locator("section[aria-labelledby=bases-heading]")
    expect(bases).to_contain_text("Een partner betrekken")
    expect(bases).to_contain_text("Op toestemming van Elif Demir")
    screenshot(page, "consent-withdrawn.png")

    response = enver.goto(f"/huishoudens/{HOUSEHOLD}/")
    assert response is not None and response.status == 404
    involvement.refresh_from_db()
    assert involvement.end_reason == "consent_withdrawn"
    assert Consent.objects.get(person__given_names="Elif").status == "withdrawn"


def test_the_privacy_officer_reads_what_was_shared_on_which_basis(page: Page) -> None:
    """The demo's referrals of Naomi rest on her written consent; the privacy officer reads them, with the
    basis proposed and chosen, under Verstrekkingen."""
    sign_in(page, "privacy")
    page.get_by_role("navigation").get_by_role("link", name="Verstrekkingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verstrekkingen en hun grondslag")
    cards = page.locator("article.card", has_text="HH-2026-0006")
    expect(cards.first).to_contain_text("Een partner betrekken: Toestemming van betrokkene")
    expect(cards.first).to_contain_text("Op toestemming van Naomi Kroon")
    expect(page.locator("article.card", has_text="Gedeeld met: Opvang Rotterdam")).to_have_count(1)
    page.get_by_label("Grondslag").select_option(value="zonder-toestemming")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("article.card", has_text="HH-2026-0006")).to_have_count(0)
    page.get_by_label("Grondslag").select_option(value="consent")
    page.get_by_role("button", name="Filter").click()
    assert_accessible(page, "the privacy officer's disclosures")
    screenshot(page, "disclosures-privacy-officer.png")
