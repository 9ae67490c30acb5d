"""The public door (/melden/) in a real browser, issue 16: a neighbour on her phone reports a worry about
the family next door, anonymously, and gets a reference; Veilig Thuis finds the report in its Werkbak,
labelled as a citizen's report, with its working-day clock.

The neighbour's browser is a phone (390 x 844); Veilig Thuis works at a desktop. No request leaves for the
network: the quick exit's neutral site is answered by the test (`phone`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from journey import TIMEOUT_MS, assert_accessible, screenshot, sign_in
from playwright.sync_api import Browser, Page, Route, expect

from verband.signals.models import Signal, SignalKind
from verband.signals.services import route_pending

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NEUTRAL = "<!DOCTYPE html><html lang='nl'><head><title>Weerbericht</title></head><body><main><h1>Het weer"
NEUTRAL += " vandaag</h1><p>Zonnig, later bewolkt.</p></main></body></html>"
WORRY = (
    "Bij de buren op nummer 12 hoor ik bijna elke avond geschreeuw en gebonk. Gisteren huilde het jongetje "
    "lang op het balkon. Ik maak me zorgen om de moeder en de kinderen."
)


def assert_fits_phone(page: Page) -> None:
    """No sideways scrolling at 390 px. (On an emulated phone the layout viewport grows with content that
    is too wide, so `window.innerWidth` cannot tell: compare with the phone's own width.)"""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def neutral_site(route: Route) -> None:
    """Whatever would leave for the internet (the quick exit's neutral site) gets a neutral page here."""
    route.fulfill(status=200, content_type="text/html", body=NEUTRAL)


@pytest.fixture
def phone(browser: Browser, live_server, demo_region) -> Iterator[Callable[[], Page]]:
    """A phone's browser (own cookies) that never reaches the network."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), neutral_site)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_neighbour_reports_a_worry_and_veilig_thuis_finds_it_with_its_clock(phone, new_page):
    # 1. The neighbour, on her phone, at the public door: no account, a quick exit, 112 first.
    neighbour = phone()
    neighbour.goto("/melden/")
    expect(neighbour.locator("html")).to_have_attribute("lang", "nl")
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Zorgen om iemand?")
    expect(neighbour.get_by_role("link", name="Snel weg")).to_be_visible()
    expect(neighbour.get_by_text("Is iemand nu in gevaar? Bel 112.")).to_be_visible()
    assert_fits_phone(neighbour)
    assert_accessible(neighbour, "the public door's start page on a phone")
    screenshot(neighbour, "public-start-phone.png")

    neighbour.get_by_role("link", name=re.compile("Ik maak me zorgen en wil het melden")).click()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Een zorg melden")
    assert_fits_phone(neighbour)
    assert_accessible(neighbour, "the public door's form on a phone")
    screenshot(neighbour, "public-form-phone.png")

    # 2. Sending without the story: nothing is sent, the error says what is missing.
    neighbour.get_by_role("button", name="Versturen").click()
    alert = neighbour.get_by_role("alert")
    expect(alert).to_contain_text("Er is nog niets verstuurd")
    expect(alert.get_by_role("link", name=re.compile("Waar maakt u zich zorgen over"))).to_be_visible()
    assert_accessible(neighbour, "the public door's form with an error")
    screenshot(neighbour, "public-form-error-phone.png")
    assert not Signal.objects.filter(channel="public").exists()

    # 3. Her worry, what she knows of the family, and she stays anonymous.
    neighbour.get_by_label("Waar maakt u zich zorgen over?").fill(WORRY)
    neighbour.locator("#id_person1_name").fill("de moeder")
    neighbour.locator("#id_person1_age").fill("ongeveer 35")
    neighbour.locator("#id_person2_name").fill("de vader")
    neighbour.get_by_role("group", name="Zijn er kinderen bij betrokken?").get_by_label(
        "Ja", exact=True
    ).check()
    neighbour.get_by_label("Buurman of buurvrouw").check()
    neighbour.get_by_label("Postcode (als u die weet)").fill("3074 AB")
    neighbour.get_by_label("Plaats", exact=True).fill("Rotterdam")
    expect(neighbour.get_by_label("Ik blijf anoniem")).to_be_checked()
    screenshot(neighbour, "public-form-filled-phone.png")
    neighbour.get_by_role("button", name="Versturen").click()

    # 4. The confirmation: a reference, what happens next, and nothing of the register.
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Dank u wel, uw bericht is ontvangen")
    receipt = neighbour.locator(".receipt").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", receipt), receipt
    assert_fits_phone(neighbour)
    assert_accessible(neighbour, "the public door's confirmation on a phone")
    screenshot(neighbour, "public-thanks-phone.png")
    signal = Signal.objects.get(receipt=receipt)
    assert signal.kind == SignalKind.CITIZEN_REPORT and signal.channel == "public"
    assert signal.reporter_name == "" and signal.anonymous_to_household
    html = neighbour.content()
    assert not re.search(r"HH-\d{4}-\d", html) and signal.reference not in html  # nothing of the register
    # Shown once: a reload (or someone else on the same phone later) sees the thanks without the reference.
    neighbour.reload()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text("Dank u wel, uw bericht is ontvangen")
    assert receipt not in neighbour.content()

    # Another time, someone looks over her shoulder: Escape twice leaves for a neutral site, and the back
    # button does not bring back what she was typing.
    neighbour.goto("/melden/zorg/")
    neighbour.get_by_label("Waar maakt u zich zorgen over?").fill("Ik hoor weer geschreeuw")
    neighbour.keyboard.press("Escape")
    neighbour.keyboard.press("Escape")
    expect(neighbour).to_have_title("Weerbericht")
    screenshot(neighbour, "public-quick-exit-phone.png")
    neighbour.go_back()
    neighbour.wait_for_load_state()
    assert "Ik hoor weer geschreeuw" not in neighbour.content()
    assert neighbour.locator("textarea").count() == 0 or neighbour.locator("textarea").input_value() == ""

    # 5. Routing is the worker's task (django-tasks); here it runs as the worker would.
    assert route_pending() >= 1

    # 6. Veilig Thuis's team for the postcode (Team Onderzoek Zuid, covering 3071-3089) finds it in its
    # Werkbak: a card for a household in postcode area 3074, the signal labelled as a citizen's report,
    # the working-day clock running.
    vt = new_page()
    sign_in(vt, "vt.medewerker")
    vt.goto("/werkbak/")
    card = vt.locator("article.inbox-item", has_text=signal.reference)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Melding burger")
    expect(card).to_contain_text("3074")
    group = card.locator("section.inbox-group", has_text="Team Onderzoek Zuid")
    expect(group).to_have_count(1)
    expect(group.locator(".clock")).to_contain_text(re.compile(r"werkdag|vandaag"))
    expect(card.get_by_role("button", name="Wij pakken dit op").first).to_be_visible()
    card.scroll_into_view_if_needed()
    assert_accessible(vt, "the Werkbak with the citizen's report")
    screenshot(vt, "public-inbox-vt.png")
    card.screenshot(path=str(screenshot_path("public-inbox-card.png")))

    # The signal itself, as Veilig Thuis sees it before taking it up.
    card.get_by_role("link", name=signal.reference).click()
    expect(vt.get_by_role("heading", level=1)).to_contain_text(signal.reference)
    expect(vt.get_by_text("Melding burger").first).to_be_visible()
    assert WORRY not in vt.content()  # what happened shows once the team takes it up
    assert_accessible(vt, "the citizen's signal")
    screenshot(vt, "public-signal-vt.png")

    # Veilig Thuis takes it up: now it reads the neighbour's story — and never who she is.
    vt.goto("/werkbak/")
    group = vt.locator("article.inbox-item", has_text=signal.reference).locator(
        "section.inbox-group", has_text="Team Onderzoek Zuid"
    )
    group.get_by_role("button", name="Wij pakken dit op").click()
    vt.goto(f"/meldingen/{signal.reference}/")
    expect(vt.get_by_text(WORRY)).to_be_visible()
    expect(vt.locator("main")).to_contain_text("Melding burger")
    expect(vt.locator("main")).to_contain_text(receipt)  # so that Veilig Thuis finds it when she calls
    assert_accessible(vt, "the citizen's signal, taken up")
    screenshot(vt, "public-signal-taken-up-vt.png")


def screenshot_path(name: str):
    from journey import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
