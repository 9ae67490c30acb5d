"""A session ends after SESSION_IDLE_MINUTES without requests, and after SESSION_MAX_HOURS since sign-in
whatever the activity; the next request then goes to the sign-in page with a Dutch explanation."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

from verband.accounts.tests.helpers import LOGIN, VERIFY, password_step, sign_in_with_code

EXPIRED = "Uw sessie is verlopen. Meld u opnieuw aan."
START = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


@pytest.fixture
def traveller(world):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def assert_expired(client, response) -> None:
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert EXPIRED in html.unescape(page.content.decode())
    assert client.get("/mijn-werk/")["Location"].startswith(LOGIN)  # and it stays ended


def test_defaults(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_MAX_HOURS == 10


def test_idle_session_ends(world, client, settings, traveller):
    sign_in_with_code(client, world.involved)
    assert client.get("/mijn-werk/").status_code == 200
    traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1))
    assert_expired(client, client.get("/mijn-werk/"))
    from verband.sharing.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(action="session_expired", username="involved").count() == 1


def test_just_under_the_idle_limit_is_fine(world, client, settings, traveller):
    sign_in_with_code(client, world.involved)
    traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES) - timedelta(seconds=1))
    assert client.get("/mijn-werk/").status_code == 200


def test_idle_limit_follows_the_setting(world, client, settings, traveller):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in_with_code(client, world.involved)
    traveller.shift(timedelta(minutes=6))
    assert_expired(client, client.get("/netwerk/"))


def test_activity_keeps_the_session_alive(world, client, settings, traveller):
    sign_in_with_code(client, world.involved)
    step = timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5)
    for _ in range(6):  # well past the idle limit in total
        traveller.shift(step)
        assert client.get("/netwerk/").status_code == 200
    assert client.session[SESSION_KEY] == str(world.involved.pk)


def test_idle_counts_from_the_last_request_not_the_sign_in(world, client, settings, traveller):
    sign_in_with_code(client, world.involved)
    traveller.shift(timedelta(minutes=20))
    assert client.get("/netwerk/").status_code == 200
    traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
    assert client.get("/netwerk/").status_code == 200  # 49 minutes after sign-in, but only 29 idle
    traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
    assert_expired(client, client.get("/netwerk/"))


def test_maximum_duration_ends_even_an_active_session(world, client, settings, traveller):
    sign_in_with_code(client, world.involved)
    limit = timedelta(hours=settings.SESSION_MAX_HOURS)
    step = timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5)
    elapsed = timedelta(0)
    while elapsed + step < limit:
        traveller.shift(step)
        elapsed += step
        assert client.get("/netwerk/").status_code == 200, elapsed
    traveller.shift(limit - elapsed + timedelta(minutes=1))
    assert_expired(client, client.get("/netwerk/"))


def test_maximum_duration_follows_the_setting(world, client, settings, traveller):
    settings.SESSION_MAX_HOURS = 1
    sign_in_with_code(client, world.involved)
    for _ in range(2):
        traveller.shift(timedelta(minutes=25))
        assert client.get("/netwerk/").status_code == 200
    traveller.shift(timedelta(minutes=11))
    assert_expired(client, client.get("/netwerk/"))


def test_half_signed_in_session_expires_too(world, client, settings, traveller):
    """A password without a code does not stay around either."""
    password_step(client, "involved")
    traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1))
    response = client.get(VERIFY)
    assert_expired(client, response)
