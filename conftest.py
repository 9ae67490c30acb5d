import pytest
from django.test import Client

from verband.testing import World, build_world, sign_in


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def as_user(client):
    """as_user(user) -> a test client signed in (password and code) as that user; None: anonymous."""

    def _as(user) -> Client:
        c = Client()
        if user is not None:
            sign_in(c, user)
        return c

    return _as


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
