"""Someone with several memberships chooses which one they act for (POST /rol/), but only among their own
active memberships; anything else is a 400 and changes nothing."""

from __future__ import annotations

import html

import pytest

from verband.accounts.middleware import ACTING_MEMBERSHIP
from verband.network.models import Membership, Organisation, Role
from verband.sharing.models import AccessLogEntry

CHOOSE = "Kies een van uw rollen."


@pytest.fixture
def two_roles(world):
    """The involved professional is also a line manager in the other team of the same organisation."""
    first = world.involved.memberships.get()
    second = Membership.objects.create(
        user=world.involved, organisation=world.org_a, team=world.team_a2, role=Role.LINE_MANAGER
    )
    return first, second


def body(response) -> str:
    return html.unescape(response.content.decode())


def test_header_offers_only_own_roles(world, as_user, two_roles):
    page = body(as_user(world.involved).get("/mijn-werk/"))
    assert "Wissel van rol" in page
    assert f'<option value="{two_roles[0].pk}" selected>' in page
    assert f'<option value="{two_roles[1].pk}">' in page
    assert f'value="{world.colleague.memberships.get().pk}"' not in page


def test_switch_to_own_membership(world, as_user, two_roles):
    first, second = two_roles
    client = as_user(world.involved)
    assert client.get("/mijn-werk/").status_code == 200
    assert client.session[ACTING_MEMBERSHIP] == first.pk

    response = client.post("/rol/", {"membership": second.pk})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[ACTING_MEMBERSHIP] == second.pk
    page = body(client.get("/mijn-werk/"))
    assert "U werkt nu als Functioneel leidinggevende · Wijkteam Zuid." in page

    response = client.post("/rol/", {"membership": first.pk})
    assert response.status_code == 302
    assert client.session[ACTING_MEMBERSHIP] == first.pk


def test_access_log_records_the_chosen_role(world, as_user, two_roles):
    client = as_user(world.involved)
    client.post("/rol/", {"membership": two_roles[1].pk})
    client.post("/afmelden/")
    entry = AccessLogEntry.objects.get(username="involved", action="sign_out")
    assert entry.role == Role.LINE_MANAGER
    assert entry.organisation_id == world.org_a.pk


def test_switch_changes_the_start_page(world, as_user):
    manager_role = Membership.objects.create(user=world.involved, organisation=world.org_a, role=Role.MANAGER)
    client = as_user(world.involved)
    assert client.get("/")["Location"] == "/mijn-werk/"
    client.post("/rol/", {"membership": manager_role.pk})
    assert client.get("/")["Location"] == "/overzicht/"
    assert client.get("/mijn-werk/").status_code == 403


def _refused(client, value, acting_pk) -> None:
    response = client.post("/rol/", {"membership": value})
    assert response.status_code == 400
    assert CHOOSE in body(response)
    assert client.session[ACTING_MEMBERSHIP] == acting_pk
    assert client.get("/")["Location"] == "/mijn-werk/"


def test_someone_elses_membership_is_refused(world, as_user, two_roles):
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    for other in (world.colleague, world.manager, world.other_org, world.admin):
        _refused(client, other.memberships.get().pk, two_roles[0].pk)


def test_inactive_membership_is_refused(world, as_user, two_roles):
    first, second = two_roles
    second.active = False
    second.save()
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    _refused(client, second.pk, first.pk)


def test_membership_in_inactive_organisation_is_refused(world, as_user, two_roles):
    first = two_roles[0]
    closed = Organisation.objects.create(region=world.region, name="Opgeheven", kind="police", active=False)
    elsewhere = Membership.objects.create(user=world.involved, organisation=closed, role=Role.MANAGER)
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    _refused(client, elsewhere.pk, first.pk)


def test_nonsense_is_refused(world, as_user, two_roles):
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    for value in ["", "abc", "999999", "-1", "1.5"]:
        _refused(client, value, two_roles[0].pk)


def test_switch_is_post_only(world, as_user, two_roles):
    client = as_user(world.involved)
    client.get("/mijn-werk/")
    assert client.get("/rol/", {"membership": two_roles[1].pk}).status_code == 405
    assert client.session[ACTING_MEMBERSHIP] == two_roles[0].pk


def test_anonymous_cannot_switch(world, client, two_roles):
    response = client.post("/rol/", {"membership": two_roles[1].pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/aanmelden/")
    assert ACTING_MEMBERSHIP not in client.session


def test_chosen_membership_that_is_later_deactivated_falls_back(world, as_user, two_roles):
    first, second = two_roles
    client = as_user(world.involved)
    client.post("/rol/", {"membership": second.pk})
    second.active = False
    second.save()
    client.get("/mijn-werk/")
    assert client.session[ACTING_MEMBERSHIP] == first.pk
