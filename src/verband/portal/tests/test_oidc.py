"""The household's door through a citizen identity provider (by configuration), against the tiny test
provider of the professionals' OpenID Connect tests: a member links the provider's subject while redeeming
the invitation code, and afterwards signs in with it; only household accounts are found, only by subject,
only while their access is open, and only with a second factor at the provider. The professionals'
provider and the door's do not mix."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from verband.accounts.models import User
from verband.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from verband.portal.models import MemberAccess
from verband.portal.services import cut_off
from verband.portal.tests.helpers import REDEEM, invited
from verband.sharing.models import AccessLogEntry
from verband.testing import actor_for, make_member

pytestmark = pytest.mark.django_db

FAILURE_URL = "/thuis/aanmelden/?oidc=mislukt"


@pytest.fixture(scope="module")
def provider_server() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(provider_server, settings, monkeypatch) -> Provider:
    provider_server.grants.clear()
    provider_server.token_requests.clear()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    base = provider_server.base_url
    settings.HOUSEHOLD_OIDC_ENABLED = True
    settings.HOUSEHOLD_OIDC_PROVIDER_NAME = "Burger-ID"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "verband.portal.oidc.DoorOIDCBackend",
    ]
    settings.HOUSEHOLD_OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.HOUSEHOLD_OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.HOUSEHOLD_OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.HOUSEHOLD_OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.HOUSEHOLD_OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.HOUSEHOLD_OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.HOUSEHOLD_OIDC_OP_ISSUER = provider_server.issuer
    settings.OIDC_TIMEOUT = 5
    return provider_server


def start(client: Client, provider: Provider) -> dict[str, str]:
    response = client.get("/thuis/oidc/start/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.base_url}/authorize"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def back(client: Client, provider: Provider, params: dict[str, str], code: str = "abc", **claims):
    claims.setdefault("nonce", params["nonce"])
    provider.grant(code, **claims)
    return client.get("/thuis/oidc/terug/", {"code": code, "state": params["state"]})


def test_off_by_default(door, client, settings):
    assert settings.HOUSEHOLD_OIDC_ENABLED is False
    assert client.get("/thuis/oidc/start/").status_code == 404
    assert client.get("/thuis/oidc/terug/").status_code == 404
    assert "Burger-ID" not in client.get("/thuis/aanmelden/").content.decode()


def test_redeeming_links_the_subject_and_signing_in_finds_it(door, client, provider):
    access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    page = client.get("/thuis/uitnodiging/account/").content.decode()
    assert "Burger-ID" in page
    response = client.post("/thuis/uitnodiging/koppelen/")
    assert response["Location"] == "/thuis/oidc/start/"
    params = start(client, provider)
    assert params["redirect_uri"] == "http://testserver/thuis/oidc/terug/"
    assert params["client_id"] == CLIENT_ID and params["scope"] == "openid"
    response = back(client, provider, params, sub="burger-123", amr=["mfa"])
    assert response.status_code == 302 and response["Location"] == "/thuis/oidc/klaar/"
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/thuis/"
    access.refresh_from_db()
    user = access.user
    assert user is not None and user.household_member and user.oidc_subject == "burger-123"
    assert not user.has_usable_password()
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AccessLogEntry.objects.filter(action="redeem", user_id=user.pk).exists()
    assert AccessLogEntry.objects.filter(action="sign_in", user_id=user.pk, channel="household").exists()
    # Later: signed in by the same subject.
    other = Client()
    response = back(other, provider, start(other, provider), code="def", sub="burger-123", amr=["mfa"])
    assert response["Location"] == "/thuis/oidc/klaar/"
    assert other.session[SESSION_KEY] == str(user.pk)


def test_without_a_second_factor_at_the_provider_nothing_happens(door, client, provider):
    access, code = invited(door, door.anna)
    client.post(REDEEM, {"code": code})
    client.post("/thuis/uitnodiging/koppelen/")
    response = back(client, provider, start(client, provider), sub="burger-123", amr=["pwd"])
    assert response["Location"] == FAILURE_URL
    access.refresh_from_db()
    assert access.user is None and not User.objects.filter(oidc_subject="burger-123").exists()


def test_an_unknown_subject_or_a_professional_is_not_signed_in(door, client, provider):
    door.involved.oidc_subject = "burger-999"
    door.involved.save()
    response = back(client, provider, start(client, provider), sub="burger-999", amr=["mfa"])
    assert response["Location"] == FAILURE_URL and SESSION_KEY not in client.session
    response = back(client, provider, start(client, provider), code="x", sub="nobody", amr=["mfa"])
    assert response["Location"] == FAILURE_URL and SESSION_KEY not in client.session
    assert "Aanmelden met Burger-ID is niet gelukt." in client.get(FAILURE_URL).content.decode()


def test_an_access_cut_off_is_not_signed_in(door, client, provider):
    member = make_member(door.household, door.anna)
    member.user.oidc_subject = "burger-123"
    member.user.save()
    cut_off(actor_for(door.involved), member, "Telefoon afgepakt")
    response = back(client, provider, start(client, provider), sub="burger-123", amr=["mfa"])
    assert response["Location"] == FAILURE_URL and SESSION_KEY not in client.session


def test_another_issuer_or_client_is_refused(door, client, provider, settings):
    member = make_member(door.household, door.anna)
    member.user.oidc_subject = "burger-123"
    member.user.save()
    response = back(
        client, provider, start(client, provider), sub="burger-123", amr=["mfa"], aud="iemand-anders"
    )
    assert response["Location"] == FAILURE_URL
    settings.HOUSEHOLD_OIDC_OP_ISSUER = "https://elders.example"
    response = back(client, provider, start(client, provider), code="y", sub="burger-123", amr=["mfa"])
    assert response["Location"] == FAILURE_URL and SESSION_KEY not in client.session
    assert MemberAccess.objects.get(pk=member.pk).is_open
