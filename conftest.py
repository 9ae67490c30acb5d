from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from verband.actors import SYSTEM
from verband.network.models import Region, Role
from verband.sharing import services as sharing_services
from verband.testing import World, build_world, make_user, sign_in


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="module")
def _demo_region_of_module(django_db_setup, django_db_blocker) -> Iterator[Region]:
    """Loads the demo region once for a test module, in a transaction that stays open while the
    module's tests run (each of them in a savepoint inside it) and is rolled back after the last one."""
    from verband.demo.loader import load_demo_region

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            region = load_demo_region()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield region
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(request, _demo_region_of_module, db) -> Region:
    """The Rotterdam-Rijnmond demo region (`demo.loader.load_demo_region`), built once per test module
    instead of once per test. A test may write: its own transaction (the `db` fixture, a savepoint in the
    module's transaction) rolls back, so the next test sees the region as loaded. Not for transactional
    tests (`transactional_db`, `live_server`): they commit and flush, which would end the shared
    transaction."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("The shared demo region needs a test in a transaction (db), not a transactional test.")
    return _demo_region_of_module


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


@pytest.fixture(autouse=True)
def _checkpoints_of_the_test(settings, tmp_path):
    """Each test keeps its access-log checkpoints in its own file, never in the data folder."""
    settings.ACCESS_LOG_CHECKPOINTS = tmp_path / "access-log-checkpoints.jsonl"


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
