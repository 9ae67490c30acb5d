"""Signing in takes two steps, a password and then a one-time code; a password alone opens nothing.
Sign-in and sign-out are written to the access log, and sign-out only happens on purpose (POST)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from verband.accounts.tests.helpers import (
    LOGIN,
    VERIFY,
    code_for,
    code_step,
    device_of,
    password_step,
    sign_in_with_code,
    wrong_code,
)
from verband.sharing.models import AccessLogEntry
from verband.testing import PASSWORD

WRONG_LOGIN = "De gebruikersnaam of het wachtwoord klopt niet."
WRONG_CODE = "Deze code klopt niet of is verlopen. Probeer de code die uw app nu toont."


def body(response) -> str:
    return html.unescape(response.content.decode())


def test_login_page_is_dutch(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Aanmelden bij Verband" in body(response)
    assert 'lang="nl"' in body(response)


def test_password_then_code_lands_on_start_page(world, client):
    response = password_step(client, "involved")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "Vul uw eenmalige code in" in body(page)

    response = code_step(client, code_for(device_of(world.involved)))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device_of(world.involved).persistent_id
    start = client.get("/")
    assert start.status_code == 302 and start["Location"] == "/mijn-werk/"
    assert client.get("/mijn-werk/").status_code == 200


def test_password_alone_opens_no_page(world, client):
    password_step(client, "involved")
    assert client.session[SESSION_KEY] == str(world.involved.pk)
    for path in ["/", "/mijn-werk/", "/netwerk/", "/overzicht/", "/toegangslog/", "/beheer/django/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == VERIFY, path


def test_password_alone_cannot_switch_role_or_sign_in_page_again(world, client):
    password_step(client, "involved")
    membership = world.involved.memberships.get()
    response = client.post("/rol/", {"membership": membership.pk})
    assert response.status_code == 302 and response["Location"] == VERIFY
    # The sign-in page itself stays reachable (to start over), but it does not skip the code.
    assert client.get(LOGIN).status_code == 200


def test_api_is_not_sent_to_the_code_step(world, client):
    """The API authenticates with bearer tokens; a half-finished browser session must not redirect it."""
    password_step(client, "involved")
    with_token = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {world.token_a}")
    assert with_token.status_code == 200
    assert with_token.json()["organisation"] == "Wijkteams Testdorp"
    without_token = client.get("/api/v1/me")
    assert without_token.status_code == 401  # not a redirect to the code step, and not let in


def test_wrong_password_keeps_username_and_says_so_in_dutch(world, client):
    response = password_step(client, "involved", "niet-het-wachtwoord")
    assert response.status_code == 200
    text = body(response)
    assert WRONG_LOGIN in text
    assert 'name="username" value="involved"' in text
    assert "niet-het-wachtwoord" not in text  # the password is never echoed back
    assert SESSION_KEY not in client.session
    assert client.get("/mijn-werk/")["Location"].startswith(LOGIN)


def test_unknown_username_gets_the_same_message(world, client):
    response = password_step(client, "niemand")
    assert response.status_code == 200
    assert WRONG_LOGIN in body(response)
    assert SESSION_KEY not in client.session


def test_inactive_account_cannot_sign_in(world, client):
    world.involved.is_active = False
    world.involved.save()
    response = password_step(client, "involved")
    assert response.status_code == 200
    assert WRONG_LOGIN in body(response)
    assert SESSION_KEY not in client.session


def test_wrong_code_is_refused_in_dutch(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    password_step(client, "involved")
    response = code_step(client, wrong_code(device_of(world.involved)))
    assert response.status_code == 200
    assert WRONG_CODE in body(response)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/mijn-werk/")["Location"] == VERIFY
    assert not AccessLogEntry.objects.filter(action="sign_in").exists()

    # The right code still works afterwards.
    response = code_step(client, code_for(device_of(world.involved)))
    assert response.status_code == 302 and response["Location"] == "/"


def test_malformed_code_gets_a_dutch_explanation(world, client):
    password_step(client, "involved")
    for code, message in [
        ("", "Vul de code van zes cijfers in."),
        ("12345", "De code heeft zes cijfers."),
        ("12345a", "De code bestaat alleen uit cijfers."),
    ]:
        response = code_step(client, code)
        assert response.status_code == 200
        assert message in body(response), code
        assert DEVICE_ID_SESSION_KEY not in client.session


def test_code_step_needs_the_password_step(world, client):
    response = code_step(client, code_for(device_of(world.involved)))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_a_code_cannot_be_used_twice(world, client, as_user):
    device = device_of(world.involved)
    code = code_for(device)
    sign_in_with_code(client, world.involved)
    other = as_user(None)
    password_step(other, "involved")
    response = code_step(other, code)
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in other.session


@pytest.mark.parametrize("next_url", ["/netwerk/", "http://testserver/netwerk/"])
def test_next_on_the_same_host_is_honoured(world, client, next_url):
    response = sign_in_with_code(client, world.involved, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/netwerk/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_next_elsewhere_is_ignored(world, client, next_url):
    response = sign_in_with_code(client, world.involved, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_travels_from_a_protected_page_through_the_login_form(world, client):
    response = client.get("/netwerk/")
    assert response.status_code == 302
    assert response["Location"] == "/aanmelden/?next=/netwerk/"
    page = client.get(response["Location"])
    assert 'name="next" value="/netwerk/"' in body(page)


def test_sign_in_is_written_to_the_access_log(world, client):
    password_step(client, "involved")
    assert not AccessLogEntry.objects.filter(action="sign_in").exists()  # a password alone is no sign-in
    code_step(client, code_for(device_of(world.involved)))
    entry = AccessLogEntry.objects.get(action="sign_in")
    assert entry.user_id == world.involved.pk
    assert entry.username == "involved"
    assert entry.organisation_id == world.org_a.pk
    assert entry.object_type == "session"
    assert entry.channel == "web"
    assert entry.outcome == "granted"


def test_logout_is_post_only_and_logged(world, client):
    sign_in_with_code(client, world.involved)
    response = client.get("/afmelden/")
    assert response.status_code == 405
    assert client.get("/mijn-werk/").status_code == 200  # a GET (a link, an image) does not sign out
    assert not AccessLogEntry.objects.filter(action="sign_out").exists()

    response = client.post("/afmelden/", follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "U bent afgemeld." in body(response)
    assert SESSION_KEY not in client.session
    assert client.get("/mijn-werk/")["Location"].startswith(LOGIN)
    entry = AccessLogEntry.objects.get(action="sign_out")
    assert entry.username == "involved"
    assert entry.object_type == "session"


def test_logout_when_not_signed_in_logs_nothing(client, db):
    response = client.post("/afmelden/")
    assert response.status_code == 302
    assert not AccessLogEntry.objects.filter(action="sign_out").exists()


def test_demo_code_is_shown_only_for_demo_devices_in_demo_mode(world, client, settings):
    device = device_of(world.involved)
    device.name = "demo"
    device.save()
    settings.DEMO_MODE = True
    password_step(client, "involved", PASSWORD)
    assert 'data-testid="demo-code"' in client.get(VERIFY).content.decode()
    settings.DEMO_MODE = False
    assert 'data-testid="demo-code"' not in client.get(VERIFY).content.decode()


def test_each_sign_in_step_gives_a_new_session_id(world, client):
    """An id seen before the password, or between password and code, is worth nothing afterwards."""
    client.get(LOGIN)
    anonymous = client.cookies["sessionid"].value if "sessionid" in client.cookies else ""
    password_step(client, world.involved.username)
    after_password = client.cookies["sessionid"].value
    code_step(client, code_for(device_of(world.involved)))
    after_code = client.cookies["sessionid"].value
    assert len({anonymous, after_password, after_code}) == 3
    assert client.get("/mijn-werk/").status_code == 200
    stale = Client()
    stale.cookies["sessionid"] = after_password
    assert stale.get("/mijn-werk/").status_code == 302  # the half-signed-in id no longer opens anything
