"""The household's door (/thuis/) in a real browser, issue 16: what a member of HH-2026-0001 sees of the
plan, and what never reaches the wrong person.

1. Fatima (wt.feijenoord, the regisseur, at her desk) saves the plan (version 2) and invites Elif Demir,
   Kemal Demir and Yasmin, the 14-year-old, from the household page; each invitation code is shown once.
2. Elif, on her phone, redeems her code: a username, a password, an authenticator app (the code computed
   from the key the page shows, as her app would). She sees her plan part and her safety agreements,
   writes her wish, does not agree with version 2, and asks her regisseur a question.
3. Kemal, on his phone, redeems his code and sees his own part — and no trace of where she is (her
   shelter's street, postcode or name), what protects her (her safety agreements, the household's escape
   agreement) or what she wrote (her wish, her answer to the plan, her question), on any of his pages;
   her message's id answers "not found"; his pages and that refusal are in the access log (channel
   "household").
4. Yasmin (14) sees the household's part and her own, not her parents' or her brother's, on any page.
5. Fatima reads Elif's wish and answer, and answers her question; Elif reads the answer.
6. Elif leaves quickly ("Snel weg"): she lands on the neutral site, the back button brings nothing of the
   door back, and her session has ended (a /thuis/ page asks to sign in).
7. Elif signs in again (password, then the app's code), now at a desktop.
8. Fatima stops Elif's access at once: Elif's next request ends at the sign-in page, and her password
   no longer opens the door.

The demo household has no member of 12 to 17 (Deniz is 11, Mila 7: too young for an own access), so the
test adds Yasmin (born 2012) as a child of the household, with a goal of her own. It also gives Elif what
the door must keep from Kemal: a confidential shelter address, a place in the shelter (an action owned by
Arosa) and a safety agreement of her own — besides the household's "Bij spanning belt Elif haar zus…",
which the default shields (plans/shields.py) keep from every perpetrator.

Members' browsers are phones (390 x 844); the regisseur works at a desktop. Nothing leaves for the
network: the quick exit's neutral site is answered by the test (`phone`)."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from journey import (
    TIMEOUT_MS,
    assert_accessible,
    screenshot,
    sign_in,
)
from playwright.sync_api import Browser, Page, Route, expect

from verband.households.models import Address, Household, HouseholdMember, MemberRole, Person
from verband.network.models import Organisation
from verband.plans.models import FamilyPlan, Goal, PlanAction, SafetyAgreement
from verband.portal.models import MemberAccess
from verband.sharing.models import AccessLogEntry

pytestmark = pytest.mark.e2e

HOUSEHOLD = "HH-2026-0001"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "Zonnebloem-rivier-2026"
NEUTRAL = "<!DOCTYPE html><html lang='nl'><head><title>Weerbericht</title></head><body><main><h1>Het weer"
NEUTRAL += " vandaag</h1><p>Zonnig, later bewolkt.</p></main></body></html>"

# What the door must keep from Kemal.
ESCAPE = "Bij spanning belt Elif haar zus"
OWN_AGREEMENT = "Elif houdt een tas met papieren en medicijnen klaar bij haar zus"
SHELTER_ACTION = "Opvangplek voor Elif en de kinderen regelen"
SHELTER_STREET, SHELTER_POSTCODE = "Schuilhoflaan", "3072XZ"
WISH = "Ik wil dat de kinderen bij mij blijven wonen en dat Kemal ze alleen onder begeleiding ziet."
NOTE = "De afspraak over de woning klopt niet meer voor mij."
QUESTION = "Mag mijn zus de kinderen van school halen als ik werk?"
ANSWER = "Ja, dat mag. Ik bel morgen de school om het af te spreken."
KEPT_FROM_KEMAL = (
    ESCAPE,
    OWN_AGREEMENT,
    SHELTER_ACTION,
    SHELTER_STREET,
    "3072",
    "Hilledijk",  # the family's old home: no address at all shows at his door
    "Arosa",
    "Opvang Rotterdam",
    WISH,
    NOTE,
    QUESTION,
    ANSWER,
)
# Kemal's own part of the plan (demo household).
KEMAL_GOAL = "Kemal drinkt niet meer en herkent zijn spanning op tijd"
KEMAL_AGREEMENT = "Kemal drinkt niet als de kinderen thuis zijn"
HOUSEHOLD_GOAL = "Geen geweld meer in huis"
DENIZ_GOAL = "Deniz verwerkt wat hij zag"
TEEN_GOAL = "Yasmin kan met haar mentor praten als het thuis onrustig is"
MEMBER_PAGES = ("/thuis/", "/thuis/wie-helpen/", "/thuis/afspraken/", "/thuis/vragen/", "/thuis/feedback/")
MEMBER_PAGES += ("/thuis/mijn-gegevens/",)


def assert_fits_phone(page: Page) -> None:
    """No sideways scrolling at 390 px. (On an emulated phone the layout viewport grows with content that
    is too wide, so `window.innerWidth` cannot tell: compare with the phone's own width.)"""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def neutral_site(route: Route) -> None:
    """Whatever would leave for the internet (the quick exit's neutral site) gets a neutral page here."""
    route.fulfill(status=200, content_type="text/html", body=NEUTRAL)


@pytest.fixture
def device(browser: Browser, live_server, demo_region) -> Iterator[Callable[..., Page]]:
    """A member's own browser (own cookies): a phone unless told otherwise; never reaches the network."""
    contexts = []

    def make(viewport: dict[str, int] = PHONE) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport=viewport,
            is_mobile=viewport == PHONE,
            has_touch=viewport == PHONE,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), neutral_site)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def add_what_the_journey_needs() -> None:
    """Yasmin (14) as a child of the household with a goal of her own; Elif in a shelter (a confidential
    address, managed by Arosa), her place there (an action owned by Arosa) and a safety agreement of her
    own."""
    household = Household.objects.get(reference=HOUSEHOLD)
    plan = FamilyPlan.objects.get(household=household)
    elif_ = Person.objects.get(given_names="Elif", family_name="Demir")
    arosa = Organisation.objects.get(short_name="Arosa")
    today = timezone.localdate()
    Address.objects.create(
        person=elif_,
        street=SHELTER_STREET,
        house_number="3",
        postcode=SHELTER_POSTCODE,
        city="Rotterdam",
        valid_from=today,
        confidential=True,
        managed_by=arosa,
    )
    PlanAction.objects.create(
        plan=plan,
        person=elif_,
        text=SHELTER_ACTION,
        owner_organisation=arosa,
        due_on=today + timedelta(days=7),
        order=plan.actions.count(),
    )
    SafetyAgreement.objects.create(
        plan=plan,
        person=elif_,
        text=OWN_AGREEMENT,
        monitored_by=Organisation.objects.get(short_name="Wijkteams"),
        order=plan.agreements.count(),
    )
    yasmin = Person.objects.create(
        given_names="Yasmin", family_name="Demir", birth_year=2012, birth_month=3, birth_day=8, sex="female"
    )
    HouseholdMember.objects.create(household=household, person=yasmin, role=MemberRole.CHILD)
    Goal.objects.create(plan=plan, person=yasmin, text=TEEN_GOAL, order=plan.goals.count())


def door_row(regie: Page, name: str):
    return regie.locator("#thuis").get_by_role("row").filter(has_text=name)


def invite(regie: Page, name: str, slug: str) -> str:
    """The regisseur invites a member from the household page; the code is shown once."""
    regie.goto(f"/huishoudens/{HOUSEHOLD}/#thuis")
    expect(door_row(regie, name)).to_contain_text("niet uitgenodigd")
    door_row(regie, name).get_by_role("button", name=f"{name} uitnodigen").click()
    expect(regie.get_by_role("heading", level=1)).to_have_text("Uitnodiging gemaakt")
    code = regie.get_by_test_id("invitation-code").inner_text().strip()
    assert code
    assert_accessible(regie, f"the invitation made for {name}")
    screenshot(regie, f"door-regie-invited-{slug}.png")
    return code


def app_code(secret: str, ahead: int = 0) -> str:
    """The six digits an authenticator app shows for this key (`ahead` steps of 30 s later)."""
    totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def redeem(page: Page, code: str, username: str, slug: str, *, check: bool = False) -> str:
    """Code → account → authenticator app → the member's home. Returns the app's key."""
    page.goto("/thuis/uitnodiging/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw uitnodiging gebruiken")
    if check:
        assert_fits_phone(page)
        assert_accessible(page, "the invitation code page")
        screenshot(page, "door-redeem-code-phone.png")
    page.get_by_label("Uitnodigingscode").fill(code)
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kies hoe u zich aanmeldt")
    if check:
        assert_accessible(page, "the account page")
        screenshot(page, "door-redeem-account-phone.png")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(PASSWORD)
    page.get_by_label("Met een authenticator-app op mijn telefoon").check()
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel uw authenticator-app in")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    if check:
        assert_fits_phone(page)
        assert_accessible(page, "the authenticator app page")
        screenshot(page, f"door-redeem-app-{slug}-phone.png")
    page.locator("input[name=token]").fill(app_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(re.compile(r"/thuis/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn plan")
    return secret


def door_sign_in(page: Page, username: str, secret: str, slug: str) -> None:
    """Password, then the app's code (one step ahead: the code of the last step was used already)."""
    page.goto("/thuis/aanmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    assert_accessible(page, "the door's sign-in page")
    screenshot(page, f"door-signin-{slug}.png")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vul uw eenmalige code in")
    assert_accessible(page, "the door's one-time code page")
    screenshot(page, f"door-signin-code-{slug}.png")
    page.locator("input[name=token]").fill(app_code(secret, ahead=1))
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page).to_have_url(re.compile(r"/thuis/$"))


def visit_all(page: Page, who: str, slug: str) -> str:
    """Every page of the member's menu, checked with axe and photographed; their text together."""
    seen = []
    for path in MEMBER_PAGES:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert_fits_phone(page)
        assert_accessible(page, f"{path} for {who}")
        name = path.strip("/").replace("thuis", "").strip("/") or "home"
        screenshot(page, f"door-{slug}-{name}-phone.png")
        seen.append(page.content())
    return "\n".join(seen)


def test_the_household_door_from_invitation_to_cut_off(page: Page, device):
    add_what_the_journey_needs()

    # 1. The regisseur saves the plan (a version for the members to answer) and invites three members.
    regie = page
    sign_in(regie, "wt.feijenoord")
    regie.goto(f"/huishoudens/{HOUSEHOLD}/plan/bewerken/")
    regie.get_by_role("button", name="Plan opslaan").click()
    expect(regie.get_by_role("status")).to_contain_text("Het gezinsplan is opgeslagen.")
    regie.goto(f"/huishoudens/{HOUSEHOLD}/#thuis")
    panel = regie.locator("#thuis")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Toegang voor het huishouden")
    # Deniz (11) and Mila (7) cannot be invited yet.
    expect(door_row(regie, "Deniz Demir")).to_contain_text("vanaf 12 jaar")
    expect(door_row(regie, "Deniz Demir").get_by_role("button")).to_have_count(0)
    panel.scroll_into_view_if_needed()
    assert_accessible(regie, "the household page with the door's panel")
    screenshot(regie, "door-regie-panel.png")
    panel.screenshot(path=str(_artifact("door-regie-panel-only.png")))
    elif_code = invite(regie, "Elif Demir", "elif")
    kemal_code = invite(regie, "Kemal Demir", "kemal")
    yasmin_code = invite(regie, "Yasmin Demir", "yasmin")
    regie.goto(f"/huishoudens/{HOUSEHOLD}/#thuis")
    expect(door_row(regie, "Elif Demir")).to_contain_text("uitgenodigd, code geldig tot")

    # 2. Elif, on her phone.
    elif_ = device()
    elif_secret = redeem(elif_, elif_code, "elif.d", "elif", check=True)
    expect(elif_.get_by_role("status")).to_contain_text("Uw toegang is klaar")
    own = elif_.locator(".door-card").filter(has=elif_.get_by_role("heading", name="Voor u"))
    expect(own).to_contain_text(OWN_AGREEMENT)
    expect(own).to_contain_text(SHELTER_ACTION)
    family = elif_.locator(".door-card").filter(has=elif_.get_by_role("heading", name="Voor het hele gezin"))
    expect(family).to_contain_text(ESCAPE)
    expect(family).to_contain_text(HOUSEHOLD_GOAL)
    html = elif_.content()
    for other in (KEMAL_GOAL, KEMAL_AGREEMENT, DENIZ_GOAL, TEEN_GOAL):
        assert other not in html, other
    assert_fits_phone(elif_)
    assert_accessible(elif_, "Elif's plan")
    screenshot(elif_, "door-victim-home-phone.png")

    # Her wish.
    elif_.get_by_role("textbox", name="Uw woorden en wensen").fill(WISH)
    elif_.get_by_role("button", name="Mijn woorden bewaren").click()
    expect(elif_.get_by_role("status")).to_contain_text("Uw woorden zijn bewaard")
    expect(elif_.locator("blockquote")).to_contain_text(WISH)
    # She does not agree with version 2.
    answer = elif_.locator(".door-card").filter(has=elif_.get_by_role("heading", name="Bent u het eens"))
    expect(answer).to_contain_text("versie 2")
    answer.get_by_label("Niet akkoord").check()
    answer.get_by_label(re.compile("Wat wilt u erbij zeggen")).fill(NOTE)
    answer.get_by_role("button", name="Mijn antwoord versturen").click()
    expect(elif_.get_by_role("status")).to_contain_text("Uw antwoord is bewaard")
    expect(answer).to_contain_text("Uw antwoord van")
    expect(answer).to_contain_text("Niet akkoord.")
    assert_accessible(elif_, "Elif's plan with her words and answer")
    screenshot(elif_, "door-victim-home-answered-phone.png")
    # Her question.
    elif_.get_by_role("navigation", name="Menu").get_by_role("link", name="Berichten").click()
    expect(elif_.get_by_role("heading", level=1)).to_have_text("Berichten")
    elif_.get_by_label("Uw vraag").fill(QUESTION)
    elif_.get_by_role("button", name="Mijn vraag versturen").click()
    expect(elif_.get_by_role("status")).to_contain_text("Uw vraag is verstuurd")
    expect(elif_.locator(".door-thread")).to_contain_text(QUESTION)
    assert_fits_phone(elif_)
    assert_accessible(elif_, "Elif's messages")
    screenshot(elif_, "door-victim-questions-phone.png")
    for path in MEMBER_PAGES[1:]:
        if path == "/thuis/vragen/":
            continue
        elif_.goto(path)
        expect(elif_.locator("main h1")).to_be_visible()
        assert_fits_phone(elif_)
        assert_accessible(elif_, f"{path} for Elif")
        screenshot(elif_, f"door-victim-{path.strip('/').split('/')[-1]}-phone.png")

    # 3. Kemal, on his phone: his own part, nothing of hers.
    kemal = device()
    redeem(kemal, kemal_code, "kemal.d", "kemal")
    own = kemal.locator(".door-card").filter(has=kemal.get_by_role("heading", name="Voor u"))
    expect(own).to_contain_text(KEMAL_GOAL)
    expect(own).to_contain_text(KEMAL_AGREEMENT)
    expect(kemal.get_by_text(HOUSEHOLD_GOAL)).to_be_visible()
    screenshot(kemal, "door-perpetrator-home-phone.png")
    seen = visit_all(kemal, "Kemal", "perpetrator")
    for kept in KEPT_FROM_KEMAL:
        assert kept.lower() not in seen.lower(), f"Kemal's pages show {kept!r}"
    # Her messages are not his: her question's page is not found for him.
    message_id = elif_question_id()
    response = kemal.request.get(f"/thuis/vragen/{message_id}/")
    assert response.status == 404
    assert QUESTION not in response.text()
    # Every page he saw is in the access log on the household's channel, and so is the refused attempt.
    logged = AccessLogEntry.objects.filter(channel="household", username="kemal.d")
    seen_paths = set(logged.filter(outcome="granted").values_list("path", flat=True))
    assert set(MEMBER_PAGES) <= seen_paths, set(MEMBER_PAGES) - seen_paths
    assert logged.filter(outcome="denied", path=f"/thuis/vragen/{message_id}/").exists()

    # 4. Yasmin (14): the household's part and her own.
    yasmin = device()
    redeem(yasmin, yasmin_code, "yasmin.d", "yasmin")
    own = yasmin.locator(".door-card").filter(has=yasmin.get_by_role("heading", name="Voor u"))
    expect(own).to_contain_text(TEEN_GOAL)
    expect(yasmin.get_by_text(HOUSEHOLD_GOAL)).to_be_visible()
    html = yasmin.content()
    for other in (
        KEMAL_GOAL,
        KEMAL_AGREEMENT,
        DENIZ_GOAL,
        OWN_AGREEMENT,
        SHELTER_ACTION,
        WISH,
        "Traumascreening",
        # Kept from her father, so off her door too: her phone is within his reach on a weekend of contact.
        ESCAPE,
    ):
        assert other not in html, other
    assert_fits_phone(yasmin)
    assert_accessible(yasmin, "Yasmin's plan")
    screenshot(yasmin, "door-child-home-phone.png")
    seen = visit_all(yasmin, "Yasmin", "child")
    for kept in (WISH, NOTE, QUESTION, OWN_AGREEMENT, SHELTER_ACTION, SHELTER_STREET, KEMAL_GOAL):
        assert kept not in seen, f"Yasmin's pages show {kept!r}"

    # 5. The regisseur reads her wish and answer and answers her question.
    regie.goto(f"/huishoudens/{HOUSEHOLD}/plan/versies/")
    expect(regie.get_by_role("region", name="Wat gezinsleden antwoordden")).to_contain_text(NOTE)
    assert_accessible(regie, "the plan's versions with the members' answers")
    screenshot(regie, "door-regie-versions.png")
    regie.goto("/vragen-van-huishoudens/")
    expect(regie.get_by_role("row").filter(has_text="Elif Demir")).to_contain_text(QUESTION)
    assert_accessible(regie, "the questions from households")
    screenshot(regie, "door-regie-questions.png")
    regie.get_by_role("row").filter(has_text="Elif Demir").get_by_role("link", name=HOUSEHOLD).click()
    expect(regie.get_by_text(WISH)).to_be_visible()
    regie.get_by_label("Uw antwoord aan Elif Demir").fill(ANSWER)
    regie.get_by_role("button", name="Antwoord versturen").click()
    expect(regie.get_by_text(ANSWER)).to_be_visible()
    assert_accessible(regie, "the household's voice")
    screenshot(regie, "door-regie-voice.png")

    elif_.goto("/thuis/")
    expect(elif_.get_by_role("link", name=re.compile("nieuw bericht"))).to_be_visible()
    elif_.get_by_role("link", name=re.compile("nieuw bericht")).click()
    expect(elif_.locator(".door-thread")).to_contain_text(ANSWER)
    screenshot(elif_, "door-victim-answered-phone.png")

    # 6. Quick exit: the neutral site, nothing of the door behind the back button, the session ended.
    assert has_session("elif.d")
    elif_.get_by_role("link", name="Snel weg").click()
    expect(elif_).to_have_title("Weerbericht")
    assert "/thuis/" not in elif_.url
    screenshot(elif_, "door-quick-exit-phone.png")
    # The beacon that ends the session (door.js) reaches the server on its own time: wait for it.
    for _ in range(50):
        if not has_session("elif.d"):
            break
        elif_.wait_for_timeout(100)
    assert not has_session("elif.d"), "the quick exit did not end the session"
    elif_.go_back()
    elif_.wait_for_load_state()
    if "/thuis/" in elif_.url:  # back at the door: only its sign-in page
        expect(elif_).to_have_url(re.compile(r"/thuis/aanmelden/"))
        expect(elif_.get_by_role("heading", level=1)).to_have_text("Aanmelden")
        assert_accessible(elif_, "the door's sign-in page after the quick exit")
    html = elif_.content()
    for private in (QUESTION, ANSWER, WISH, ESCAPE, "Mijn plan"):
        assert private not in html, f"back button shows {private!r} at {elif_.url}"
    screenshot(elif_, "door-quick-exit-back-phone.png")
    elif_.goto("/thuis/vragen/")
    expect(elif_).to_have_url(re.compile(r"/thuis/aanmelden/"))
    assert QUESTION not in elif_.content()

    # 7. She signs in again, at a desktop this time.
    desk = device(DESKTOP)
    door_sign_in(desk, "elif.d", elif_secret, "desktop")
    expect(desk.get_by_text(ESCAPE)).to_be_visible()
    assert_accessible(desk, "Elif's plan at a desktop")
    screenshot(desk, "door-victim-home-desktop.png")

    # 8. The regisseur stops her access at once; her next request ends at the sign-in page.
    regie.goto(f"/huishoudens/{HOUSEHOLD}/#thuis")
    row = door_row(regie, "Elif Demir")
    expect(row).to_contain_text("in gebruik sinds")
    row.get_by_text("Toegang direct stoppen").first.click()  # the <summary>
    row.get_by_label("Reden").fill("Kemal kent mogelijk haar wachtwoord.")
    row.get_by_role("button", name="Toegang direct stoppen").click()
    expect(regie.get_by_role("status")).to_contain_text("De toegang is gestopt")
    expect(door_row(regie, "Elif Demir")).to_contain_text("gestopt op")
    assert MemberAccess.objects.get(person__given_names="Elif", household__reference=HOUSEHOLD).cut_off_at
    desk.goto("/thuis/vragen/")
    expect(desk).to_have_url(re.compile(r"/thuis/aanmelden/"))
    assert QUESTION not in desk.content()
    # The password alone no longer opens the door: the answer of a wrong password.
    desk.get_by_label("Gebruikersnaam").fill("elif.d")
    desk.get_by_label("Wachtwoord").fill(PASSWORD)
    desk.get_by_role("button", name="Volgende").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    expect(desk.locator("main")).to_contain_text(re.compile("klopt niet|onjuist|niet juist", re.I))
    assert_accessible(desk, "the door's sign-in refused after the cut-off")
    screenshot(desk, "door-cut-off-signin-desktop.png")
    # Kemal is not cut off: his door still opens.
    kemal.goto("/thuis/")
    expect(kemal.get_by_role("heading", level=1)).to_have_text("Mijn plan")


def has_session(username: str) -> bool:
    from django.contrib.sessions.models import Session

    from verband.accounts.models import User

    user_id = str(User.objects.get(username=username).pk)
    return any(s.get_decoded().get("_auth_user_id") == user_id for s in Session.objects.all())


def elif_question_id() -> int:
    from verband.portal.models import MemberMessage

    return MemberMessage.objects.get(text=QUESTION).pk


def _artifact(name: str):
    from journey import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
