import pytest
from django.test import Client

from verband.actors import SYSTEM
from verband.network.models import Role
from verband.sharing import services as sharing_services
from verband.testing import World, build_world, make_user, sign_in


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


@pytest.fixture
def partners(world):
    """Three partners work with Anna's household: the neighbourhood team (already), Veilig Thuis and the
    police. Each organisation has a line manager."""
    from datetime import date

    h = world.household
    sharing_services.involve(
        SYSTEM,
        h,
        team=world.team_vt,
        purpose="safety_assessment",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )
    sharing_services.involve(
        SYSTEM,
        h,
        team=world.team_b1,
        purpose="protection",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),
    )
    world.lm_a = make_user("lm_a", world.org_a, Role.LINE_MANAGER, world.team_a1)
    world.lm_vt = make_user("lm_vt", world.org_vt, Role.LINE_MANAGER, world.team_vt)
    world.lm_b = make_user("lm_b", world.org_b, Role.LINE_MANAGER, world.team_b1)
    return world
