"""Helpers for the sign-in tests: the code an authenticator app would show, and the two sign-in steps
through the real views (not `force_login`)."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import User
from verband.testing import PASSWORD

LOGIN = "/aanmelden/"
VERIFY = "/aanmelden/code/"
ENROL = "/aanmelden/instellen/"


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the authenticator app shows now (or `offset_steps` steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).get()


def wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that is not accepted now (not the current one, nor its neighbours)."""
    valid = {code_for(device, step) for step in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def code_step(client: Client, code: str):
    return client.post(VERIFY, {"token": code})


def sign_in_with_code(client: Client, user: User, **extra: str):
    """Both steps through the views; returns the response of the code step."""
    response = password_step(client, user.username, **extra)
    assert response.status_code == 302 and response["Location"] == VERIFY, response
    return code_step(client, code_for(device_of(user)))
