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
