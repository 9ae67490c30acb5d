"""What the browser journeys share: signing in with password and one-time code, axe-core checks,
screenshots to test-artifacts/ (gitignored) for a human to look at."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from verband.demo import region

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


def current_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, name="demo")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def screenshot_pdf(page: Page, pdf: Path, name: str, pages: int) -> list[Path]:
    """Each page of a PDF as Chromium's own PDF viewer (PDFium) renders it, to test-artifacts/<name>-<n>.png,
    for a human to look at; opened in new tabs of `page`'s browser context."""
    ARTIFACTS.mkdir(exist_ok=True)
    made = []
    for number in range(1, pages + 1):
        tab = page.context.new_page()
        tab.set_viewport_size({"width": 900, "height": 1250})
        tab.goto(f"{pdf.resolve().as_uri()}#page={number}&toolbar=0&navpanes=0&view=Fit")
        tab.wait_for_timeout(1500)  # the viewer draws after the load event, and says nothing when done
        path = ARTIFACTS / f"{name}-{number}.png"
        tab.screenshot(path=str(path))
        tab.close()
        made.append(path)
    return made


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


def answer_five_questions(page: Page, scope: Locator | None = None) -> None:
    """Sharing without consent: the five questions answered, as a professional would (`sharing.basis`)."""
    where = scope or page
    answers = {
        "1. Wat is het doel van het delen?": "Een veilige plek voor moeder en kinderen vinden.",
        "2. Is deze informatie 'need to know' voor dat doel?": "Ja: zonder dit kan de opvang niet beoordelen.",
        "3. Kan het een tandje minder (subsidiariteit)?": "Nee, een lichtere stap is al geprobeerd.",
        "4. Is wat u deelt in verhouding tot het doel (proportionaliteit)?": "Alleen wat de opvang nodig heeft.",
        "5. Is het doelmatig om dit met deze collega's te delen?": "Ja, zij kunnen vandaag een plek bieden.",
        "Waarom gebeurt het niet met toestemming van de betrokkene?": "Moeder durft nu niet te tekenen.",
    }
    for label, answer in answers.items():
        where.get_by_label(label).fill(answer)
