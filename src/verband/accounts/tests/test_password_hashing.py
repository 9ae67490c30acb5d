"""Passwords are stored with Argon2 (the real settings, not the fast hasher the other tests use), and
older hashes are upgraded on the next sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from verband.accounts.models import User
from verband.accounts.tests.helpers import VERIFY, password_step
from verband.testing import PASSWORD


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    return settings.PASSWORD_HASHERS


def test_settings_put_argon2_first(real_hashers):
    assert real_hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_new_password_is_hashed_with_argon2(db, real_hashers):
    user = User.objects.create_user(username="nieuw", password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_older_hash_is_upgraded_on_sign_in(db, client, real_hashers):
    user = User.objects.create_user(username="oud")
    pbkdf2 = PBKDF2PasswordHasher()
    user.password = pbkdf2.encode(PASSWORD, pbkdf2.salt(), iterations=1000)  # few rounds: fast test
    user.save()
    assert user.password.startswith("pbkdf2_sha256$1000$")
    response = password_step(client, "oud")
    assert response.status_code == 302 and response["Location"] == VERIFY
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
