"""Transport and browser hardening: outside demo mode plain HTTP is redirected to HTTPS and browsers are
told to use HTTPS only (HSTS); no page may switch on camera, microphone, location and the like; request
bodies above the configured size get 413 without being read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _settings_outside_demo(**extra: str) -> dict:
    """The settings as a production installation loads them (a fresh interpreter, demo mode off)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "verband.settings",
        "VERBAND_DEMO": "false",
        "VERBAND_SECRET_KEY": "x" * 60,
        "VERBAND_ACCESS_LOG_KEY": "y" * 60,
        **extra,
    }
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE')}))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_outside_demo_mode_https_is_required_and_remembered():
    loaded = _settings_outside_demo()
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 31_536_000
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None  # no proxy configured: the header is not trusted
    behind_proxy = _settings_outside_demo(VERBAND_PROXY_COUNT="1")
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_plain_http_is_redirected_and_https_answers_with_hsts(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/aanmelden/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/aanmelden/"
    secure = client.get("/aanmelden/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def test_no_page_may_use_camera_microphone_or_location(client, db):
    policy = client.get("/aanmelden/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize("path", ["/api/v1/signals", "/aanmelden/"])
def test_a_body_above_the_limit_gets_413_and_is_not_read(client, db, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.generic("POST", path, b"x" * 5000, content_type="application/json")
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "too_large"
    else:
        assert (
            "Te groot" in response.content.decode() and "Er is niets opgeslagen" in response.content.decode()
        )
    assert client.generic("POST", path, b"{}", content_type="application/json").status_code != 413
