"""Where she is and what protects her never reaches the wrong person — in a real browser.

1. The police report Elif Demir (known, HH-2026-0001) with only a postcode: her known street address stays;
   the neighbourhood team sees the report's statement beside it and cannot let a partial address replace
   the complete one; it dismisses it.
2. The shelter (Arosa) reports Elif and her son Deniz at the shelter's address. The neighbourhood team
   confirms the new (confidential) address without ever seeing it; the police officer, involved through
   the network, reads "geheim adres" and no street, postcode or district; the shelter sees it.
3. The probation officer, involved with Kemal only, sees Kemal and his part of the plan — not Elif, the
   children, their addresses or her escape agreement; Kemal's own PDF copy lacks the escape agreement.
"""

from __future__ import annotations

import io
import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from verband.households.models import Person

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"
ESCAPE = "Bij spanning belt Elif haar zus"
SHELTER_STREET, SHELTER_POSTCODE = "Schuilhoflaan", "3072 XZ"


def report(page: Page, kind: str, persons: list[dict[str, str]], postcode: str = "") -> None:
    page.get_by_role("navigation").get_by_role("link", name="Zorg melden").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Wat is er gebeurd, en waar maakt u zich zorgen over?").fill(
        "Elif belde: Kemal dreigde opnieuw. Zij wil niet terug naar huis."
    )
    if postcode:
        page.get_by_label("Postcode van het huishouden").fill(postcode)
    for index, person in enumerate(persons, start=1):
        if index > 1:
            page.get_by_role("button", name="Persoon toevoegen").click()
        group = page.get_by_role("group", name=f"Persoon {index}")
        for label, value in person.items():
            if label == "Rol":
                group.get_by_label(label, exact=True).select_option(label=value)
            else:
                group.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Over wie gaat dit?")
    page.get_by_label(re.compile(r"Elif Demir")).check()
    if len(persons) > 1:
        page.get_by_label(re.compile(r"Deniz Demir")).check()
    page.get_by_role("button", name="Bevestigen en partners inschakelen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaal")


def elif_row(page: Page):
    return page.get_by_role("row", name=re.compile("^Elif Demir Slachtoffer"))


ELIF = {
    "Rol": "Slachtoffer",
    "Voornamen": "Elif",
    "Achternaam": "Demir",
    "Dag": "12",
    "Maand": "4",
    "Jaar": "1991",
}
DENIZ = {
    "Rol": "Kind",
    "Voornamen": "Deniz",
    "Achternaam": "Demir",
    "Dag": "20",
    "Maand": "2",
    "Jaar": "2015",
}


def test_shelter_address_statements_and_member_scoped_probation(page: Page, new_page):
    # 1. A police report with only a postcode leaves Elif's known address as it is.
    sign_in(page, "politie")
    report(page, "Politieregistratie", [{**ELIF, "Postcode": "3074"}])

    team = new_page()
    sign_in(team, "wt.feijenoord")
    team.goto(f"/huishoudens/{HOUSEHOLD}/")
    expect(elif_row(team)).to_contain_text("Hilledijk 88, 3074AB Rotterdam")
    team.get_by_role("link", name="Adressen en gemelde gegevens").click()
    statement = team.get_by_role("article").filter(has_text="De melding zegt").first
    expect(statement).to_contain_text("3074")
    expect(statement).to_contain_text("Hilledijk 88")
    assert_accessible(team, "the addresses page with a statement")
    screenshot(team, "shielding-statement.png")
    statement.get_by_role("button", name="Bevestigen").click()
    expect(team.get_by_role("alert").first).to_contain_text(
        "Een onvolledig adres vervangt nooit een volledig adres"
    )
    team.get_by_role("article").filter(has_text="De melding zegt").first.get_by_role(
        "button", name="Verwerpen"
    ).click()
    expect(team.get_by_text("De gemelde gegevens zijn verworpen.")).to_be_visible()
    team.goto(f"/huishoudens/{HOUSEHOLD}/")
    expect(elif_row(team)).to_contain_text("Hilledijk 88, 3074AB Rotterdam")

    # 2. The shelter reports Elif and Deniz at its address.
    shelter = new_page()
    sign_in(shelter, "opvang")
    address = {
        "Straat": SHELTER_STREET,
        "Huisnummer": "3",
        "Postcode": SHELTER_POSTCODE,
        "Plaats": "Rotterdam",
    }
    report(shelter, "Melding", [{**ELIF, **address}, {**DENIZ, **address}])
    screenshot(shelter, "shielding-shelter-report.png")

    team.goto(f"/huishoudens/{HOUSEHOLD}/adressen/")
    for _ in range(2):  # Elif's and Deniz's new address: the team confirms without seeing it
        card = team.get_by_role("article").filter(has_text="De melding zegt").first
        expect(card).to_contain_text("geheim adres")
        expect(card).not_to_contain_text(SHELTER_STREET)
        card.get_by_role("button", name="Bevestigen").click()
        expect(team.get_by_text("De gemelde gegevens zijn nu de bekende gegevens.")).to_be_visible()
    assert SHELTER_STREET not in team.content()

    police = page  # still signed in (a one-time code is used once)
    police.goto(f"/huishoudens/{HOUSEHOLD}/")
    expect(elif_row(police)).to_contain_text("geheim adres")
    html = police.content()
    assert SHELTER_STREET not in html and "3072" not in html
    assert_accessible(police, "the household page with a confidential address")
    screenshot(police, "shielding-police-household.png")
    shelter.goto(f"/huishoudens/{HOUSEHOLD}/")
    expect(shelter.get_by_text(re.compile(SHELTER_STREET)).first).to_be_visible()

    # 3. Probation works with Kemal only.
    probation = new_page()
    sign_in(probation, "reclassering")
    probation.goto(f"/huishoudens/{HOUSEHOLD}/")
    expect(probation.get_by_text("Kemal Demir").first).to_be_visible()
    html = probation.content()
    for hidden in ("Elif", "Deniz", "Mila", SHELTER_STREET, "3072"):
        assert hidden not in html, hidden
    expect(probation.get_by_text(re.compile("andere gezinsleden"))).to_be_visible()
    assert_accessible(probation, "the household page of a member-scoped partner")
    screenshot(probation, "shielding-probation-household.png")
    probation.goto(f"/huishoudens/{HOUSEHOLD}/plan/")
    expect(probation.get_by_text("Kemal drinkt niet als de kinderen thuis zijn")).to_be_visible()
    assert ESCAPE not in probation.content()
    screenshot(probation, "shielding-probation-plan.png")

    kemal = Person.objects.get(given_names="Kemal", family_name="Demir")
    response = team.request.get(f"/huishoudens/{HOUSEHOLD}/plan/gezinsplan.pdf?voor={kemal.pk}")
    assert response.status == 200
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Kemal drinkt niet" in text and ESCAPE not in text
    team.goto(f"/huishoudens/{HOUSEHOLD}/plan/")
    expect(team.get_by_text(re.compile(ESCAPE))).to_be_visible()
    expect(team.get_by_text(re.compile("Niet zichtbaar voor Kemal Demir")).first).to_be_visible()
    screenshot(team, "shielding-team-plan.png")
    team.goto(f"/huishoudens/{HOUSEHOLD}/afscherming/")
    assert_accessible(team, "the shielding page")
    screenshot(team, "shielding-page.png")
