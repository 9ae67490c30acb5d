"""Sign-in journeys in a real browser: password and one-time code for three roles, the language switch,
sign-out, axe-core on every page on the way, and reflow at 200% zoom.

Runs headless Debian Chromium against pytest-django's live server with the demo region loaded. Full-page
screenshots go to test-artifacts/ (gitignored) for a human to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from verband.demo import region
from verband.demo.loader import load_demo_region

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STYLESHEET = "/static/verband/verband.css"
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    # Playwright's sync API keeps an event loop running in this thread; while it runs, Django would refuse
    # the database access of the tests and fixtures (demo region, TOTP device, flush) as "async unsafe".
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_region(transactional_db) -> None:
    load_demo_region()


@pytest.fixture
def page(browser: Browser, live_server, demo_region) -> Iterator[Page]:
    # A Dutch user's browser: Accept-Language nl, so Dutch is what LocaleMiddleware picks.
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def current_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, name="demo")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str) -> None:
    violations = Axe().run(page).response["violations"]
    if violations:  # visible with -s / in the report of a failing test
        print(f"\naxe on {what} ({page.url}):\n{format_violations(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious/critical problems on {what}:\n{format_violations(blocking)}"


def assert_styled(page: Page) -> None:
    """The stylesheet arrived: without it there is no skip link hiding, no contrast and no reflow to test."""
    status = page.request.get(STYLESHEET).status
    assert status == 200, (
        f"{STYLESHEET} answers {status}: no staticfiles finder sees src/verband/static/ "
        "(settings.py needs STATICFILES_DIRS = [BASE_DIR / 'static'] or 'verband' in INSTALLED_APPS)"
    )
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(0, 80, 110)")


def sign_in(page: Page, username: str, *, check: bool = False) -> None:
    """Password step, then the one-time code step; `check` also runs axe and takes screenshots."""
    page.goto("/aanmelden/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden bij Verband")
    expect(page.locator(".demo-banner")).to_be_visible()
    assert_styled(page)
    if check:
        assert_accessible(page, "the login page")
        screenshot(page, "login.png")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(region.DEMO_PASSWORD)
    page.get_by_role("button", name="Volgende").click()

    expect(page).to_have_url(re.compile(r"/aanmelden/code/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vul uw eenmalige code in")
    shown = page.get_by_test_id("demo-code").inner_text().strip()
    code = current_code(username)
    if shown != code:  # the 30-second window turned between rendering and computing
        page.reload()
        shown = page.get_by_test_id("demo-code").inner_text().strip()
        code = current_code(username)
    assert shown == code, f"demo banner shows {shown}, the device computes {code}"
    # A password alone opens nothing, not even the menu.
    expect(page.locator(".main-nav")).to_have_count(0)
    token = page.locator("input[name=token]")
    if check:
        assert_accessible(page, "the one-time code page")
        screenshot(page, "code.png")
        # An empty code: the error is shown and announced with the field (no attempt is used up).
        page.get_by_role("button", name="Aanmelden", exact=True).click()
        expect(token).to_have_attribute("aria-invalid", "true")
        expect(token).to_have_accessible_description(re.compile(r"Vul de code van zes cijfers in\."))
        assert_accessible(page, "the one-time code page with an error")
        screenshot(page, "code-error.png")
        code = current_code(username)  # time has passed
    token.fill(code)
    page.get_by_role("button", name="Aanmelden", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(re.compile(r"/aanmelden/$"))
    expect(page.get_by_role("status")).to_contain_text("U bent afgemeld.")
    # Signed out for real: a start page sends us back to the login page.
    page.goto("/mijn-werk/")
    expect(page).to_have_url(re.compile(r"/aanmelden/"))


def current_menu_item(page: Page):
    return page.get_by_role("navigation").locator("a[aria-current=page]")


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] + 1, f"horizontal scroll at {widths}"


def test_professional_signs_in_switches_language_and_signs_out(page: Page):
    sign_in(page, "wt.feijenoord", check=True)

    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")
    expect(current_menu_item(page)).to_have_text("Mijn werk")
    expect(page.get_by_role("link", name="HH-2026-0001")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Fatima El Amrani")
    assert_accessible(page, "Mijn werk")
    screenshot(page, "mijn-werk.png")

    # Language switch in the header, and back.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/mijn-werk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("link", name="HH-2026-0001")).to_be_visible()
    assert_accessible(page, "My work (English)")
    screenshot(page, "mijn-werk-en.png")
    page.get_by_role("banner").get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")

    # 200% zoom of a 1280 px wide window: the page reflows, nothing scrolls sideways.
    page.set_viewport_size({"width": 640, "height": 800})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("link", name="HH-2026-0001")).to_be_in_viewport()
    # The narrow layout stacks the cells; the column headers must stay in the accessibility tree.
    expect(page.get_by_role("columnheader", name="Sinds")).to_have_count(1)
    assert_accessible(page, "Mijn werk at 200% zoom")
    screenshot(page, "mijn-werk-zoom200.png")

    sign_out(page)


def _household_person_names() -> set[str]:
    names = set()
    for _reference, members, _involvements in region.HOUSEHOLDS:
        for given, prefix, family, _born, _role in members:
            names.add(given)
            names.add(" ".join(part for part in (prefix, family) if part))
    return names


@pytest.mark.parametrize(
    ("username", "path", "heading", "shot"),
    [
        ("manager", "/overzicht/", "Overzicht", "overzicht.png"),
        ("beheer", "/beheer/", "Beheer", "beheer.png"),
    ],
)
def test_other_roles_land_on_their_start_page(page: Page, username, path, heading, shot):
    sign_in(page, username)

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(current_menu_item(page)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    main_text = page.get_by_role("main").inner_text()
    assert "HH-20" not in main_text, "a start page without casework shows household references"
    if username == "manager":
        body = page.locator("body").inner_text()
        shown = sorted(
            name for name in _household_person_names() if re.search(rf"\b{re.escape(name)}\b", body)
        )
        assert not shown, f"the steering overview shows names of persons: {shown}"
    assert_accessible(page, heading)
    screenshot(page, shot)

    sign_out(page)
