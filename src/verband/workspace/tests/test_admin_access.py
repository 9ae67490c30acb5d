"""The Django admin configures the network; only staff acting as functional administrator get in, and
households are not in it."""

import pytest

PERSONAS = ["involved", "colleague", "other_org", "manager", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_closed_to_other_personas(world, as_user, persona):
    client = as_user(world.personas()[persona])
    response = client.get("/beheer/django/")
    assert response.status_code == 302
    final = client.get("/beheer/django/", follow=True)
    assert not final.redirect_chain[-1][0].startswith("/beheer/django/")
    assert "Inrichting van het netwerk" not in final.content.decode()
    assert client.get("/beheer/django/network/organisation/", follow=True).redirect_chain


def test_functional_admin_configures_the_network(world, as_user):
    from django.contrib.auth.models import Permission

    world.admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
    )
    client = as_user(world.admin)
    assert client.get("/beheer/django/").status_code == 200
    body = client.get("/beheer/django/network/organisation/").content.decode()
    assert "Wijkteams Testdorp" in body
    assert client.get("/beheer/django/households/household/").status_code == 404


def test_staff_without_second_factor_is_not_admitted(world, client):
    client.force_login(world.admin, backend="verband.accounts.backends.VerbandModelBackend")
    response = client.get("/beheer/django/")
    assert response.status_code == 302
    assert response["Location"] == "/aanmelden/code/"


def test_new_api_token_is_shown_once_and_stored_hashed(world, as_user):
    from django.contrib.auth.models import Permission

    from verband.accounts.models import ApiToken, hash_token

    world.admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
    )
    client = as_user(world.admin)
    response = client.post(
        "/beheer/django/accounts/apitoken/add/",
        {"organisation": world.org_b.pk, "name": "Nieuw systeem", "scopes": ["network:read"]},
        follow=True,
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"] if "vbd_" in str(m))
    raw = message.split(": ")[-1].strip()
    token = ApiToken.objects.get(name="Nieuw systeem")
    assert token.token_hash == hash_token(raw) and raw not in (token.prefix + token.token_hash)
    assert token.scopes == ["network:read"]
    # Four eyes: it works once a second person of the organisation approved it.
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    type(token).objects.filter(pk=token.pk).update(approved_at=token.created_at)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_admin_pages_carry_the_demo_marker(world, as_user):
    body = as_user(world.admin).get("/beheer/django/").content.decode()
    assert "verband-demo-banner" in body
    assert "Dit is een demonstratieomgeving" in body


def _functional_admin(world, as_user):
    from django.contrib.auth.models import Permission

    world.admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
    )
    return as_user(world.admin)


def test_functional_admin_cannot_raise_own_privileges(world, as_user):
    from verband.network.models import Membership, Role

    client = _functional_admin(world, as_user)
    own = f"/beheer/django/accounts/user/{world.admin.pk}/change/"
    assert client.get(own).status_code == 200  # may look, read-only
    response = client.post(own, {"username": "beheer", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403
    world.admin.refresh_from_db()
    assert not world.admin.is_superuser

    before = Membership.objects.filter(user=world.admin).count()
    response = client.post(
        "/beheer/django/network/membership/add/",
        {"user": world.admin.pk, "organisation": world.org_b.pk, "role": Role.MANAGER, "active": "on"},
    )
    assert response.status_code == 200 and "uzelf" in response.content.decode()
    assert Membership.objects.filter(user=world.admin).count() == before


def test_functional_admin_cannot_grant_superuser_to_others(world, as_user):
    client = _functional_admin(world, as_user)
    page = client.get(f"/beheer/django/accounts/user/{world.colleague.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page


def test_functional_admin_cannot_touch_a_superuser(world, as_user):
    from verband.network.models import Role
    from verband.testing import make_user

    boss = make_user("root", world.org_a, Role.MANAGER, is_staff=True)
    boss.is_superuser = True
    boss.save()
    client = _functional_admin(world, as_user)
    response = client.post(f"/beheer/django/accounts/user/{boss.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403


def test_routing_rules_are_configuration_the_functional_admin_edits(world, as_user):
    from django.contrib.auth.models import Permission

    from verband.signals.models import RoutingRule

    world.admin.user_permissions.set(Permission.objects.filter(content_type__model="routingrule"))
    client = as_user(world.admin)
    assert "Routeringsdesk" in client.get("/beheer/django/signals/routingrule/").content.decode()
    rule = RoutingRule.objects.get(name="Elke melding: veiligheidsbeoordeling")
    page = client.get(f"/beheer/django/signals/routingrule/{rule.pk}/change/")
    assert page.status_code == 200
    data = {
        "region": world.region.pk, "name": rule.name, "condition": "every", "target": "fixed",
        "team": world.team_vt.pk, "purpose": "safety_assessment", "norm_working_days": "3", "order": "1",
        "active": "on",
    }  # fmt: skip
    assert client.post(f"/beheer/django/signals/routingrule/{rule.pk}/change/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.norm_working_days == 3
    data["network"] = world.network.pk  # a team and a network: refused with a message
    response = client.post(f"/beheer/django/signals/routingrule/{rule.pk}/change/", data)
    assert response.status_code == 200 and "óf een team óf een netwerk" in response.content.decode()
    assert client.get("/beheer/django/signals/signal/").status_code == 404  # personal data: not here


def test_functional_admin_cannot_rebind_someones_sign_in(world, as_user):
    """(Review finding) An administrator who could set a case worker's identity-provider subject or e-mail
    could sign in as them through an identity of their own."""
    client = _functional_admin(world, as_user)
    page = client.get(f"/beheer/django/accounts/user/{world.involved.pk}/change/").content.decode()
    assert 'name="oidc_subject"' not in page and 'name="email"' not in page
