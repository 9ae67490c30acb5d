"""Anonymous case consultation in a real browser.

Fatima (neighbourhood team Feijenoord, member of the network Rotterdam-Zuid) puts a situation to the
network. Her first text names a date of birth and a BSN: refused, with what to leave out, and nothing she
typed is lost. Mark (the police's community officer, in the same network) gives advice; the thread
updates in place. Fatima records the conclusion and, when the situation turns out to be the Bosman
household she works with, links it with a reason: the household page lists it under "Anoniem besproken"
and the timeline says so. Her line manager, in no network but working with the household, reads it from
there; a colleague who is in no network and does not see the household gets "not found". (That a network
member who does not see the household reads only "gekoppeld aan een casus" is in the app's tests: in the
demo every member of the network sees the network's households.)"""

from __future__ import annotations

import re

import pytest
from journey import assert_accessible, screenshot, sign_in
from playwright.sync_api import Page, expect

from verband.consultation.models import Consultation

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0008"
FACTS = (
    "Moeder (midden dertig) en een zoon van 10. De ouders zijn gescheiden; vader houdt zich niet aan de "
    "omgangsregeling, stuurt tientallen berichten per dag en dreigt de zoon mee te nemen. De zoon slaapt "
    "slecht en wil niet meer naar school."
)
QUESTION = "Is hier een melding nodig, en wie in het netwerk kan met vader in gesprek?"
ADVICE = "Bewaar de berichten. Bij dreiging met meenemen kan de wijkagent een gesprek met vader voeren."
CONCLUSION = "Melding bij Veilig Thuis; de wijkagent spreekt vader aan en het wijkteam ondersteunt moeder."
REASON = "Moeder kwam vandaag zelf bij het wijkteam met dit verhaal; het is deze situatie."


def test_a_network_discusses_anonymously_and_the_case_is_linked_later(page: Page, new_page) -> None:
    # 1. Fatima asks the network; her first text identifies people and is refused, kept as typed.
    sign_in(page, "wt.feijenoord")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Anoniem overleg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anoniem overleg")
    expect(page.get_by_role("table")).to_contain_text("Wacht op advies")
    assert_accessible(page, "the list of anonymous consultations")
    screenshot(page, "consultation-list.png")

    page.get_by_role("link", name="Vraag het netwerk om advies").click()
    identifying = FACTS + " Moeder is geboren op 14-08-1989, BSN 123456782."
    page.get_by_label("De situatie").fill(identifying)
    page.get_by_label("Uw vraag aan het netwerk").fill(QUESTION)
    page.get_by_role("button", name="Voorleggen aan het netwerk").click()
    facts = page.get_by_label("De situatie")
    expect(facts).to_have_attribute("aria-invalid", "true")
    expect(facts).to_have_value(identifying)
    expect(page.get_by_label("Uw vraag aan het netwerk")).to_have_value(QUESTION)
    expect(page.get_by_role("alert")).to_contain_text("Dit lijkt een geboortedatum: 14-08-1989.")
    expect(page.get_by_role("alert")).to_contain_text("Dit lijkt een burgerservicenummer (BSN): 123456782.")
    expect(facts).to_have_accessible_description(
        re.compile("Laat gegevens weg waarmee iemand te herkennen is")
    )
    assert not Consultation.objects.filter(facts__contains="zoon van 10").exists()
    assert_accessible(page, "the question form with the identity check's message")
    screenshot(page, "consultation-refused.png")

    facts.fill(FACTS)
    page.get_by_role("button", name="Voorleggen aan het netwerk").click()
    expect(page).to_have_url(re.compile(r"/anoniem-overleg/\d+/$"))
    consultation = Consultation.objects.get(facts=FACTS)
    reference = consultation.reference
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Anoniem overleg {reference}")
    expect(page.get_by_role("status")).to_contain_text(f"Uw vraag ligt bij het netwerk als {reference}")
    expect(page.locator(".lead")).to_contain_text("Wacht op advies")
    url = page.url

    # 2. Mark, of the police in the same network, gives advice; the thread is swapped in place.
    police = new_page()
    sign_in(police, "politie")
    police.goto("/notificaties/")  # his notifications tell him about the question, by reference only
    expect(police.get_by_role("main")).to_contain_text(
        f"Anonieme vraag in Netwerk Huiselijk Geweld Rotterdam-Zuid: {reference}"
    )
    police.goto("/anoniem-overleg/")
    police.get_by_role("link", name=reference).click()
    expect(police.get_by_role("main")).to_contain_text("dreigt de zoon mee te nemen")
    police.get_by_label("Uw advies").fill(ADVICE)
    police.get_by_role("button", name="Geef advies").click()
    thread = police.locator("#thread")
    expect(thread.get_by_role("status")).to_have_text("Uw advies is toegevoegd.")
    expect(thread).to_contain_text(ADVICE)
    expect(thread).to_contain_text("Mark Jansen, Politie")
    expect(police.get_by_label("Uw advies")).to_have_value("")
    assert_accessible(police, "the consultation after advice")
    screenshot(police, "consultation-advised.png")

    # 3. Fatima reads the advice and records the conclusion.
    page.goto(url)
    expect(page.locator(".lead")).to_contain_text("Advies gegeven")
    expect(page.locator("#thread")).to_contain_text(ADVICE)
    page.get_by_label("Wat adviseert het netwerk?").fill(CONCLUSION)
    page.get_by_role("button", name="Conclusie vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De conclusie is vastgelegd")
    expect(page.locator(".lead")).to_contain_text("Afgerond")
    expect(page.get_by_label("Uw advies")).to_have_count(0)

    # 4. Later: it is the Bosman household. A link needs a reason; then it is on the household's file.
    page.get_by_text("Deze situatie is nu een casus waar ik mee werk").click()
    page.get_by_label("Kenmerk van het huishouden").fill(HOUSEHOLD)
    page.get_by_role("button", name="Koppelen", exact=True).click()
    reason = page.get_by_label("Waarom gaat het over dit huishouden?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Kenmerk van het huishouden")).to_have_value(HOUSEHOLD)
    assert_accessible(page, "the link form with its message")
    reason.fill(REASON)
    page.get_by_role("button", name="Koppelen", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Het overleg is gekoppeld aan huishouden {HOUSEHOLD}")
    expect(page.get_by_role("note").first).to_contain_text(f"Gekoppeld aan huishouden {HOUSEHOLD}")
    # The link ends the anonymous phase: the network reads the thread, so nothing is added to it any more.
    expect(page.get_by_role("note").first).to_contain_text("De anonieme fase is voorbij")
    assert_accessible(page, "the linked consultation")
    screenshot(page, "consultation-linked.png")
    police.goto(url)
    expect(police.get_by_role("note").first).to_contain_text("De anonieme fase is voorbij")
    expect(police.get_by_role("button", name="Geef advies")).to_have_count(0)

    page.get_by_role("link", name="Naar het huishouden").click()
    section = page.locator("section[aria-labelledby=consultations-heading]")
    expect(section.get_by_role("heading")).to_have_text("Anoniem besproken")
    expect(section.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator("section[aria-labelledby=timeline-heading]")).to_contain_text(
        f"Anoniem overleg {reference} van Netwerk Huiselijk Geweld Rotterdam-Zuid gekoppeld"
    )
    assert_accessible(page, "the household page with the consultation listed")
    screenshot(page, "consultation-household.png")

    # 5. The team's line manager is in no network but works with the household: he finds the consultation
    #    on the household page and reads it, without advising. Jeroen (Charlois) is in no network and does
    #    not see the household: for him it does not exist.
    manager = new_page()
    sign_in(manager, "lm.feijenoord")
    manager.goto(f"/huishoudens/{HOUSEHOLD}/")
    manager.locator("section[aria-labelledby=consultations-heading]").get_by_role(
        "link", name=reference
    ).click()
    expect(manager.get_by_role("main")).to_contain_text(CONCLUSION)
    expect(manager.get_by_role("main")).to_contain_text(f"Gekoppeld aan huishouden {HOUSEHOLD}")
    expect(manager.get_by_role("button", name="Geef advies")).to_have_count(0)
    assert_accessible(manager, "the consultation read from the household page")
    outsider = new_page()
    sign_in(outsider, "wt.charlois")
    response = outsider.goto(url)
    assert response is not None and response.status == 404
