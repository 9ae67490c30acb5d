"""Any door, the household recognised, partners activated in parallel — in a real browser.

A police officer registers a report about a known demo family, with the mother's name misspelled and the
full birth dates typed. Verband offers the mother and son in the register's spelling, with what the officer
typed and nothing more (no address, no household: that is for the reporting centre's triage);
the reporting centre finds the activation in its inbox with a clock; the local network, already involved,
gets it as an update to mark as seen and finds it on the shared timeline; a neighbourhood-team colleague without involvement gets
"not found"."""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_report_recognised_routed_in_parallel_and_taken_up(page: Page, new_page):
    # The police officer (involved with HH-2026-0004 through the criminal-justice route) reports.
    sign_in(page, "politie")
    page.get_by_role("navigation").get_by_role("link", name="Zorg melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zorg melden")
    assert_accessible(page, "the intake form")
    page.get_by_label("Politieregistratie").check()
    page.get_by_label("Wat is er gebeurd, en waar maakt u zich zorgen over?").fill(
        "Mevrouw belde opnieuw: haar zoon eist geld en heeft haar tegen de muur geduwd."
    )
    page.get_by_label("Financiële uitbuiting").check()
    page.get_by_label("Lichamelijk geweld").check()
    page.get_by_label("Postcode van het huishouden").fill("3075 BK")
    first = page.get_by_role("group", name="Persoon 1")
    first.get_by_label("Voornamen").fill("Ingried")  # Ingrid
    first.get_by_label("Tussenvoegsel").fill("van der")  # van den
    first.get_by_label("Achternaam").fill("Berg")
    first.get_by_label("Dag").fill("2")  # born 2 October 1958
    first.get_by_label("Maand").fill("10")
    first.get_by_label("Jaar").fill("1958")
    second = page.get_by_role("group", name="Persoon 2")
    second.get_by_label("Dag").fill("14")  # born 14 May 1985
    second.get_by_label("Maand").fill("5")
    second.get_by_label("Jaar").fill("1985")
    second.get_by_label("Voornamen").fill("Tom")
    second.get_by_label("Tussenvoegsel").fill("van den")
    second.get_by_label("Achternaam").fill("Berg")
    screenshot(page, "intake-form.png")
    page.get_by_role("button", name="Vastleggen").click()

    # Offered on strong evidence, with the reasons; nothing about the address or the household.
    expect(page.get_by_role("heading", level=1)).to_have_text("Over wie gaat dit?")
    expect(page.get_by_text("geboortedatum gelijk").first).to_be_visible()
    expect(page.get_by_text("voornaam lijkt erop").first).to_be_visible()
    expect(page.get_by_role("link", name="HH-2026-0004")).to_have_count(0)
    expect(page.get_by_text("Dordtsestraatweg")).to_have_count(0)
    expect(page.get_by_text("Bekend in een huishouden")).to_have_count(0)
    assert_accessible(page, "the recognition step")
    screenshot(page, "intake-recognition.png")
    page.get_by_label(re.compile(r"Ingrid van den Berg")).check()
    page.get_by_label(re.compile(r"Tom van den Berg")).check()
    page.get_by_role("button", name="Bevestigen en partners inschakelen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Signaal SG-\d{4}-\d{5}"))
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]
    expect(page.get_by_role("link", name="HH-2026-0004")).to_be_visible()
    screenshot(page, "intake-signal.png")

    # In parallel: the reporting centre and the local network each have it in their inbox, with a clock.
    vt = new_page()
    sign_in(vt, "vt.medewerker")
    vt.goto("/werkbak/")
    item = vt.locator("article.inbox-item", has_text=reference)
    expect(item).to_contain_text("Veiligheidsbeoordeling")
    expect(item).to_contain_text("nog 5 werkdagen")
    assert_accessible(vt, "the inbox of the reporting centre")
    screenshot(vt, "inbox-veilig-thuis.png")

    # The network already works with the family: for it the report is an update to mark as seen within a
    # working day, not a household to take up again.
    network = new_page()
    sign_in(network, "wt.feijenoord")
    network.goto("/werkbak/")
    item = network.locator("article.inbox-item", has_text=reference)
    expect(item).to_contain_text("Voor Netwerk Huiselijk Geweld Rotterdam-Zuid, al betrokken")
    expect(item).to_contain_text("nog 1 werkdag")
    expect(item.get_by_role("button", name="Wij pakken dit op")).to_have_count(0)
    screenshot(network, "inbox-network.png")
    item.get_by_role("button", name="Gezien").click()
    expect(network.get_by_role("status").first).to_contain_text(
        "Gezien: het nieuwe signaal over HH-2026-0004."
    )

    # The household page, open to the network already, has the report on its one shared timeline.
    network.goto("/huishoudens/HH-2026-0004/")
    timeline = network.get_by_role("region", name="Tijdlijn")
    expect(timeline).to_contain_text(reference)
    expect(network.get_by_role("cell", name="Ouder van")).to_be_visible()
    assert_accessible(network, "the household page")
    screenshot(network, "household-timeline.png")

    # The reporter sees who took it up, and nothing more.
    page.reload()
    expect(page.get_by_text("Netwerk Huiselijk Geweld Rotterdam-Zuid")).to_be_visible()

    # A neighbourhood-team colleague without involvement: not found.
    other = new_page()
    sign_in(other, "wt.charlois")
    response = other.goto("/huishoudens/HH-2026-0004/")
    assert response is not None and response.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
    screenshot(other, "household-not-found.png")
