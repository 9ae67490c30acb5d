"""Administrative grants are in the access log under the administrator's own name: a token, a membership
(also added on an account's page), and their removal."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from verband.accounts.models import ApiToken
from verband.network.models import Membership, Role
from verband.sharing.models import AccessLogEntry


def _admin(world, as_user):
    world.admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["network", "accounts"])
    )
    return as_user(world.admin)


def grants(object_type: str) -> list[tuple[str, str, str]]:
    return list(
        AccessLogEntry.objects.filter(object_type=object_type, username="beheer")
        .order_by("pk")
        .values_list("action", "object_id", "role")
    )


def test_a_new_api_token_and_its_revocation_are_logged(world, as_user):
    client = _admin(world, as_user)
    client.post(
        "/beheer/django/accounts/apitoken/add/",
        {"organisation": world.org_b.pk, "name": "Nieuw systeem", "scopes": ["households:read"]},
    )
    token = ApiToken.objects.get(name="Nieuw systeem")
    client.post(f"/beheer/django/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert grants("api_token") == [
        ("grant", str(token.pk), "functional_admin"),
        ("revoke", str(token.pk), "functional_admin"),
    ]


def test_a_membership_given_in_the_admin_is_logged(world, as_user):
    client = _admin(world, as_user)
    response = client.post(
        "/beheer/django/network/membership/add/",
        {"user": world.colleague.pk, "organisation": world.org_b.pk, "team": world.team_b1.pk,
         "role": Role.PROFESSIONAL, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=world.colleague, organisation=world.org_b)
    assert grants("membership") == [("grant", str(membership.pk), "functional_admin")]


def test_a_case_role_granted_in_the_admin_waits_for_a_second_person(world, as_user):
    """Four eyes: the administrator who grants a role that works with cases cannot make it work alone;
    a second person of that organisation approves it, and only then does it open households."""
    from verband.testing import make_user

    client = _admin(world, as_user)
    client.post(
        "/beheer/django/network/membership/add/",
        {"user": world.colleague.pk, "organisation": world.org_a.pk, "team": world.team_a1.pk,
         "role": Role.PROFESSIONAL, "active": "on"},
    )  # fmt: skip
    granted = Membership.objects.get(user=world.colleague, team=world.team_a1)
    assert granted.approved_at is None and granted.granted_by == world.admin
    assert not Membership.objects.active().filter(pk=granted.pk).exists()
    # The granting administrator is not offered to approve it, and is refused when trying.
    assert f'name="pk" value="{granted.pk}"' not in client.get("/beheer/").content.decode()
    assert client.post("/beheer/akkoord/", {"kind": "membership", "pk": granted.pk}).status_code == 404
    second = make_user("beheer2", world.org_a, Role.FUNCTIONAL_ADMIN, is_staff=True)
    other = as_user(second)
    page = other.get("/beheer/").content.decode()
    assert "Wacht op een tweede persoon" in page and f'name="pk" value="{granted.pk}"' in page
    assert other.post("/beheer/akkoord/", {"kind": "membership", "pk": granted.pk}).status_code == 302
    granted.refresh_from_db()
    assert granted.approved_by == second and Membership.objects.active().filter(pk=granted.pk).exists()
    assert AccessLogEntry.objects.filter(
        action="approve", username="beheer2", object_id=str(granted.pk)
    ).exists()


def test_an_api_token_made_in_the_admin_works_only_after_approval(world, as_user):
    from verband.testing import make_user

    client = _admin(world, as_user)
    response = client.post(
        "/beheer/django/accounts/apitoken/add/",
        {"organisation": world.org_a.pk, "name": "Eigen systeem", "scopes": ["households:read"]},
        follow=True,
    )
    raw = next(str(m) for m in response.context["messages"] if "vbd_" in str(m)).split(": ")[-1].strip()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    token = ApiToken.objects.get(name="Eigen systeem")
    second = as_user(make_user("beheer2", world.org_a, Role.FUNCTIONAL_ADMIN, is_staff=True))
    page = second.get("/beheer/").content.decode()
    assert "Huishoudens lezen waarbij de organisatie betrokken is" in page and "households:read" not in page
    assert second.post("/beheer/akkoord/", {"kind": "api_token", "pk": token.pk}).status_code == 302
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_second_person_of_another_organisation_cannot_approve(world, as_user):
    from verband.testing import make_user

    client = _admin(world, as_user)
    client.post(
        "/beheer/django/network/membership/add/",
        {"user": world.colleague.pk, "organisation": world.org_a.pk, "team": world.team_a1.pk,
         "role": Role.PROFESSIONAL, "active": "on"},
    )  # fmt: skip
    granted = Membership.objects.get(user=world.colleague, team=world.team_a1)
    stranger = as_user(make_user("beheer-b", world.org_b, Role.FUNCTIONAL_ADMIN, is_staff=True))
    assert stranger.post("/beheer/akkoord/", {"kind": "membership", "pk": granted.pk}).status_code == 404
    granted.refresh_from_db()
    assert granted.approved_at is None


def test_widening_an_approved_membership_needs_a_second_person_again(world, as_user):
    """(Review finding) A team moved, a network added or a membership switched on again in the admin is
    held until approved, like a new grant."""
    client = _admin(world, as_user)
    membership = world.colleague.memberships.get()
    data = {"user": world.colleague.pk, "organisation": world.org_a.pk, "team": world.team_a1.pk,
            "role": Role.PROFESSIONAL, "active": "on"}  # fmt: skip
    response = client.post(f"/beheer/django/network/membership/{membership.pk}/change/", data)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.approved_at is None and membership.granted_by == world.admin
    assert not Membership.objects.active().filter(pk=membership.pk).exists()


def test_an_administrator_role_granted_in_the_admin_is_held_too(world, as_user):
    """(Review finding) A second account of the granter's making cannot approve the granter's grants."""
    from verband.testing import make_user

    client = _admin(world, as_user)
    puppet = make_user("puppet", world.org_b, Role.PROFESSIONAL)
    client.post(
        "/beheer/django/network/membership/add/",
        {"user": puppet.pk, "organisation": world.org_a.pk, "role": Role.FUNCTIONAL_ADMIN, "active": "on"},
    )
    held = Membership.objects.get(user=puppet, organisation=world.org_a)
    assert held.approved_at is None and not Membership.objects.active().filter(pk=held.pk).exists()


def test_a_revoked_token_revived_in_the_admin_waits_for_approval(world, as_user):
    from django.utils import timezone

    token = ApiToken.objects.get(name="Systeem A")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    client = _admin(world, as_user)
    client.post(
        f"/beheer/django/accounts/apitoken/{token.pk}/change/",
        {
            "organisation": world.org_a.pk,
            "name": token.name,
            "scopes": token.scopes,
            "revoked_at_0": "",
            "revoked_at_1": "",
        },
    )
    token.refresh_from_db()
    assert token.revoked_at is None and token.approved_at is None
    assert not ApiToken.objects.usable().filter(pk=token.pk).exists()


def test_a_person_whose_role_waits_is_told_so(world, as_user):
    from verband.testing import make_user

    waiting = make_user("wachtend", world.org_a, Role.PROFESSIONAL, world.team_a1)
    Membership.objects.filter(user=waiting).update(approved_at=None, granted_by=world.admin)
    response = as_user(waiting).get("/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "wacht op goedkeuring door een tweede functioneel beheerder" in page and "Wijkteam Noord" in page
