"""Fixtures for the browser journeys: headless Debian Chromium against pytest-django's live server with
the demo region loaded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from journey import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from playwright.sync_api import Browser, Page, sync_playwright

from verband.demo.loader import load_demo_region


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


@pytest.fixture
def new_page(browser: Browser, live_server, demo_region) -> Iterator[Callable[[], Page]]:
    """Another browser (own cookies), for journeys where several people work on the same household."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
