"""A user without a confirmed authenticator sets one up on the first sign-in: a QR image and the
secret, then a correct code confirms the device and completes the sign-in."""

from __future__ import annotations

import base64
import html
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.tests.helpers import (
    ENROL,
    LOGIN,
    VERIFY,
    code_for,
    code_step,
    password_step,
    wrong_code,
)
from verband.network.models import Role
from verband.sharing.models import AccessLogEntry
from verband.testing import make_user


@pytest.fixture
def newcomer(world):
    user = make_user("nieuw", world.org_a, Role.PROFESSIONAL, world.team_a1)
    user.totpdevice_set.all().delete()
    return user


def body(response) -> str:
    return html.unescape(response.content.decode())


def shown_secret(response) -> str:
    match = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', response.content.decode())
    assert match, "the secret is shown for typing it in by hand"
    return match.group(1)


def test_user_without_device_is_sent_to_enrolment(newcomer, client):
    response = password_step(client, "nieuw")
    assert response["Location"] == VERIFY
    assert client.get(VERIFY)["Location"] == ENROL
    assert client.get("/mijn-werk/")["Location"] == VERIFY  # nothing opens before the code


def test_enrolment_page_shows_qr_image_and_secret(newcomer, client):
    password_step(client, "nieuw")
    response = client.get(ENROL)
    assert response.status_code == 200
    text = body(response)
    assert "Stel uw authenticator-app in" in text
    assert "Lukt scannen niet? Vul deze sleutel in de app in:" in text

    qr = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"[^>]*alt="([^"]+)"', text)
    assert qr, "a QR image is shown"
    assert b"<svg" in base64.b64decode(qr.group(1))
    assert qr.group(2) == "QR-code om Verband aan uw authenticator-app toe te voegen"

    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed is False
    assert shown_secret(response).replace(" ", "") == base64.b32encode(device.bin_key).decode()


def test_reloading_keeps_the_same_secret(newcomer, client):
    password_step(client, "nieuw")
    first = shown_secret(client.get(ENROL))
    second = shown_secret(client.get(ENROL))
    assert first == second
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


def test_correct_code_confirms_the_device_and_signs_in(newcomer, client):
    password_step(client, "nieuw")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer)
    response = client.post(ENROL, {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    page = client.get("/mijn-werk/")
    assert page.status_code == 200
    assert "Uw authenticator-app is ingesteld." in body(page)
    assert AccessLogEntry.objects.filter(action="sign_in", username="nieuw").count() == 1
    # From now on the enrolment page is closed; the next sign-in asks for a code.
    assert client.get(ENROL)["Location"] == VERIFY


def test_wrong_code_does_not_confirm(newcomer, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    password_step(client, "nieuw")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer)
    response = client.post(ENROL, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "Deze code klopt niet. Controleer de tijd op uw telefoon en probeer het opnieuw." in body(response)
    device.refresh_from_db()
    assert device.confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/mijn-werk/")["Location"] == VERIFY
    assert not AccessLogEntry.objects.filter(action="sign_in").exists()
    # The secret on the page is still the same one, so the user can try again.
    assert shown_secret(response).replace(" ", "") == base64.b32encode(device.bin_key).decode()


def test_enrolled_user_cannot_enrol_another_device(world, client):
    """Someone who knows only the password must not be able to add their own authenticator."""
    password_step(client, "involved")
    before = TOTPDevice.objects.filter(user=world.involved).count()
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=world.involved).count() == before
    response = client.post(ENROL, {"token": "123456"})
    assert response["Location"] == VERIFY
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_enrolment_needs_the_password_step(newcomer, client):
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_code_step_without_a_device_does_not_accept_codes(newcomer, client):
    password_step(client, "nieuw")
    response = code_step(client, "123456")
    assert response["Location"] == ENROL
    assert DEVICE_ID_SESSION_KEY not in client.session
