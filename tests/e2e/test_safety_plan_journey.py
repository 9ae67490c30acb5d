"""See the whole, one plan, one director — in a real browser.

Veilig Thuis takes up a new police report about the Verbeek household and records its safety assessment
(structural unsafety, intimate terror, a weapon in the house). The neighbourhood-team professional of the
local network sees the danger flag in her inbox and, after taking it up, on the household page with the
scores against the target. She takes regie with her line manager's mandate, drafts the family plan with
three actions owned by three organisations, and each owner finds their action in Mijn werk. The plan
downloads as a PDF for the household, which is rendered to PNG for a human to look at."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from journey import ARTIFACTS, assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0005"


def choose(select, text: str) -> None:
    """Select the option whose text contains `text`."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def test_assessment_danger_flag_regie_plan_and_pdf(page: Page, new_page):
    # 1. The reporting centre takes up the report and records its safety assessment.
    sign_in(page, "vt.medewerker")
    page.goto("/werkbak/")
    # Before take-up the item names no household: it is found by its area and the people's roles and ages.
    item = (
        page.locator("article.inbox-item", has_text="Politieregistratie")
        .filter(has_text="postcodegebied 3072")
        .filter(has_text=re.compile(r"kind, \d+ jaar"))
    )
    expect(item).not_to_contain_text("Verbeek")
    expect(item.locator(".danger-flag")).to_have_count(0)
    item.get_by_role("button", name="Wij pakken dit op").click()
    expect(page).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/$"))
    expect(page.get_by_text("Nog geen veiligheidsbeoordeling vastgelegd.").first).to_be_visible()
    page.get_by_role("link", name="Veiligheidsbeoordelingen en gevaarsfeiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Veiligheid van {HOUSEHOLD}")
    page.locator("input[name=acute][value=no]").check()
    page.locator("input[name=structural][value=yes]").check()
    page.locator("input[name=phase][value=direct]").check()
    page.locator("input[name=weighing_suspicion][value=yes]").check()
    page.locator("input[name=weighing_unsafety][value=yes]").check()
    page.get_by_label("Uw score voor Marloes Verbeek").fill("4")
    page.get_by_label("Eigen score van Marloes Verbeek").fill("3")
    page.get_by_label("Uw score voor Ruben Verbeek").fill("6")
    page.get_by_label("Uw score voor Sem Verbeek").fill("4")
    page.get_by_label("Intieme terreur (dwingende controle)").check()
    page.get_by_label("Wapen aanwezig").check()
    page.get_by_label("Toelichting op het gevaar").fill("Vuurwapen in huis volgens de politie")
    page.get_by_label("Sociaal isolement").check()
    page.get_by_label("Sociale steun van familie, vrienden of buren").check()
    assert_accessible(page, "the safety assessment form")
    screenshot(page, "safety-form.png")
    page.get_by_role("button", name="Beoordeling vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De veiligheidsbeoordeling is vastgelegd.")
    # The police reported: the law asks Veilig Thuis to tell them the follow-up and by whom — nothing more.
    expect(page).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/terugkoppeling/$"))
    page.get_by_label("Veilig Thuis stelt veiligheidsvoorwaarden en volgt of ze worden nagekomen").check()
    page.get_by_label("Opgepakt door").select_option(label="Veilig Thuis Rotterdam Rijnmond")
    assert_accessible(page, "the feedback to the reporter")
    screenshot(page, "safety-feedback-step.png")
    page.get_by_role("button", name="Laat het de melders weten").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"melders? krijg"))
    expect(page.locator(".danger-flag")).to_contain_text("Wapen aanwezig")
    history = page.get_by_role("region", name="Geschiedenis")
    expect(history).to_contain_text("Intieme terreur")
    expect(history).to_contain_text("Marloes Verbeek: 4 (zelf 3)")
    screenshot(page, "safety-page.png")

    # 2. The network professional sees the flag in her inbox, takes it up, and sees it on the household.
    fatima = new_page()
    sign_in(fatima, "wt.feijenoord")
    fatima.goto("/werkbak/")
    item = (
        fatima.locator("article.inbox-item", has_text="Politieregistratie")
        .filter(has_text="postcodegebied 3072")
        .filter(has_text=re.compile(r"kind, \d+ jaar"))
        .filter(has_text="Netwerk Huiselijk Geweld Rotterdam-Zuid")
    )
    expect(item.locator(".danger-flag")).to_contain_text("Gevaar voor hulpverleners: Wapen aanwezig")
    assert_accessible(fatima, "the inbox with a danger flag")
    screenshot(fatima, "inbox-danger-flag.png")
    # One card for the household; she takes it up for the network (her team is asked in its own group).
    asked = item.get_by_role("region", name=re.compile(r"^Gevraagd aan Netwerk Huiselijk Geweld"))
    asked.get_by_role("button", name="Wij pakken dit op").click()
    expect(fatima).to_have_url(re.compile(rf"/huishoudens/{HOUSEHOLD}/$"))
    expect(fatima.locator(".danger-flag")).to_contain_text("Vuurwapen in huis volgens de politie")
    safety = fatima.get_by_role("region", name="Veiligheid", exact=True)
    expect(safety).to_contain_text("1. Directe veiligheid")
    expect(safety).to_contain_text("doel: veiligheidsscore minstens 6")
    expect(safety.get_by_role("row", name=re.compile("Marloes Verbeek"))).to_contain_text("4")
    expect(fatima.locator(".score-chart svg")).to_have_count(3)
    expect(fatima.get_by_text("Nog geen regisseur.")).to_be_visible()

    # 3. She takes regie, on the mandate of her line manager.
    fatima.get_by_role("button", name="Ik neem de regie").click()
    expect(fatima.get_by_role("heading", level=1)).to_have_text("Verzoek om de regie te nemen")
    assert_accessible(fatima, "accepting regie")
    choose(fatima.get_by_label("Leidinggevende die u het mandaat geeft"), "Marieke de Jong")
    fatima.get_by_role("button", name="Regie aanvaarden").click()
    expect(fatima.get_by_role("status")).to_contain_text("U hebt nu de regie van dit huishouden.")
    regie = fatima.get_by_role("region", name="Regie")
    expect(regie).to_contain_text("Fatima El Amrani")
    expect(regie).to_contain_text("mandaat gevraagd")  # Marieke is asked to confirm
    expect(regie).to_contain_text("van Marieke de Jong, nog niet bevestigd")
    assert_accessible(fatima, "the household page with safety and regie")
    screenshot(fatima, "household-safety-regie.png")

    # 4. The regisseur drafts the family plan: three actions owned by three organisations.
    regie.get_by_role("link", name="Gezinsplan").click()
    fatima.get_by_role("link", name="Plan opstellen").click()
    fatima.get_by_label("Wat het huishouden zelf wil").fill(
        "Marloes wil met Sem veilig thuis blijven wonen. Ruben wil zijn zoon blijven zien."
    )
    fatima.get_by_label("Is het huishouden akkoord?").select_option(label="Deels akkoord")
    fatima.get_by_label("Doel 1").fill("Marloes en Sem voelen zich thuis veilig (7 of hoger)")
    fatima.get_by_label("Afspraak 1").fill("Ruben komt niet in de woning zonder afspraak")
    fatima.locator("#agr-0-by").select_option(label="Veilig Thuis Rotterdam Rijnmond")
    actions = [
        ("Veiligheidsplan met Marloes en Sem", "Wijkteams Rotterdam", "2026-12-04"),
        # The police reported this household: their report is no way in, so they are no partner here.
        ("Opvangplek achter de hand voor Marloes en Sem", "Arosa", "2026-12-01"),
        ("Onderzoek naar de veiligheid van Sem", "Veilig Thuis Rotterdam Rijnmond", "2026-12-18"),
    ]
    for index, (text, owner, due) in enumerate(actions):
        fatima.locator(f"#act-{index}-text").fill(text)
        fatima.locator(f"#act-{index}-org").select_option(label=owner)
        fatima.locator(f"#act-{index}-due").fill(due)
    fatima.locator("#act-0-user").select_option(label="Fatima El Amrani")
    assert_accessible(fatima, "the plan form")
    screenshot(fatima, "plan-form.png")
    fatima.get_by_role("button", name="Plan opslaan").click()
    expect(fatima.get_by_role("status")).to_contain_text("Het gezinsplan is opgeslagen.")
    for text, _owner, _due in actions:
        expect(fatima.get_by_role("cell", name=text)).to_be_visible()
    assert_accessible(fatima, "the plan page")
    screenshot(fatima, "plan.png")

    # 5. Each owner sees their action in Mijn werk, with the danger flag.
    for username, mine in (("wt.feijenoord", 0), ("opvang", 1), ("vt.medewerker", 2)):
        owner = {"wt.feijenoord": fatima, "vt.medewerker": page}.get(username)
        if owner is None:
            owner = new_page()
            sign_in(owner, username)
        owner.goto("/mijn-werk/")
        section = owner.get_by_role("region", name="Acties uit gezinsplannen")
        row = section.get_by_role("row", name=re.compile(re.escape(actions[mine][0])))
        expect(row).to_be_visible()
        expect(row.locator(".danger-flag")).to_contain_text("Wapen aanwezig")
        for other, (text, _owner, _due) in enumerate(actions):
            if other != mine:
                expect(section.get_by_text(text)).to_have_count(0)
        if username == "opvang":
            assert_accessible(owner, "Mijn werk with an action")
            screenshot(owner, "my-work-action.png")
    fatima.goto(f"/huishoudens/{HOUSEHOLD}/plan/")

    # 6. The plan as a PDF for the household: no danger facts, no assessment, clear Dutch.
    with fatima.expect_download() as download_info:
        fatima.get_by_role("button", name="PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename == f"gezinsplan-{HOUSEHOLD}.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "gezinsplan.pdf"
    download.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Ons gezinsplan" in text and "Fatima El Amrani" in text
    for action_text, owner, _due in actions:
        if owner == "Arosa":
            # The household reads its copy together: what a shelter does is kept from Ruben, the perpetrator.
            assert action_text not in text and owner not in text
        else:
            assert action_text in text and owner in text
    assert "Vuurwapen" not in text and "Wapen aanwezig" not in text and "Intieme terreur" not in text
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(ARTIFACTS / "gezinsplan")],
            check=True,
        )
