"""Sign-in through the region's OpenID Connect provider, against a tiny provider on 127.0.0.1.

A user is found by the provider's subject, or once by a verified e-mail address (after which the subject
is remembered); nobody is created. When the ID token's `amr` shows a second factor at the provider,
Verband does not ask for its own code; otherwise it does. ID tokens not signed with the provider's key,
not for this sign-in (state, nonce), not for this client (aud), expired or not yet valid, and userinfo
about another subject are refused with a Dutch message, as is a provider that cannot be reached. A
complete sign-in is written to the access log."""

from __future__ import annotations

import html
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from verband.accounts.models import User
from verband.accounts.tests.helpers import VERIFY, code_for, code_step, device_of
from verband.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, new_key, running_provider
from verband.sharing.models import AccessLogEntry

FAILED = "Aanmelden met het account van uw organisatie is niet gelukt."
FAILURE_URL = "/aanmelden/?oidc=mislukt"
EMAIL = "involved@wijkteams.example"


@pytest.fixture(scope="module")
def provider_server() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def other_key():
    return new_key("verband-test-1")  # same key id as the provider's, different key


@pytest.fixture
def provider(provider_server, settings, monkeypatch) -> Provider:
    provider_server.grants.clear()
    provider_server.token_requests.clear()
    provider_server.userinfo_requests.clear()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # loopback only, whatever the environment says
    base = provider_server.base_url
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "verband.accounts.oidc.VerbandOIDCBackend",
    ]
    settings.ROOT_URLCONF = "verband.accounts.tests.oidc_urls"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_ISSUER = provider_server.issuer
    settings.OIDC_TIMEOUT = 5
    return provider_server


@pytest.fixture
def involved(world) -> User:
    world.involved.email = EMAIL
    world.involved.save()
    return world.involved


def body(response) -> str:
    return html.unescape(response.content.decode())


def start(client: Client, provider: Provider) -> dict[str, str]:
    """Step 1: Verband sends the browser to the provider; returns the query it sends along."""
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.base_url}/authorize"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def sign_in(client: Client, provider: Provider, code: str = "abc", **claims):
    """Steps 1-3: to the provider, the provider grants `code` with these claims, back to Verband."""
    params = start(client, provider)
    claims.setdefault("nonce", params["nonce"])
    provider.grant(code, **claims)
    return client.get("/oidc/callback/", {"code": code, "state": params["state"]})


def assert_refused(client: Client, response) -> None:
    assert response.status_code == 302
    assert response["Location"] == FAILURE_URL
    assert SESSION_KEY not in client.session
    assert FAILED in body(client.get(FAILURE_URL))
    assert client.get("/mijn-werk/")["Location"].startswith("/aanmelden/")


def test_off_by_default(client, db, settings):
    assert settings.OIDC_ENABLED is False
    assert "VerbandOIDCBackend" not in " ".join(settings.AUTHENTICATION_BACKENDS)
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "Aanmelden met het account van uw organisatie" not in body(client.get("/aanmelden/"))


def test_login_page_offers_the_provider(client, db, provider):
    page = body(client.get("/aanmelden/"))
    assert "Aanmelden met het account van uw organisatie" in page
    assert 'href="/oidc/authenticate/"' in page


def test_authenticate_sends_state_and_nonce(client, db, provider):
    params = start(client, provider)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["scope"].split() == ["openid", "email", "profile"]
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert client.session["oidc_states"][params["state"]]["nonce"] == params["nonce"]


def test_mfa_at_the_provider_signs_in_without_verband_code(client, involved, provider):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["pwd", "mfa"])
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(involved.pk)
    assert client.get("/")["Location"] == "/mijn-werk/"
    assert client.get("/mijn-werk/").status_code == 200
    # The code was exchanged server-to-server with the client's credentials.
    (token_request,) = provider.token_requests
    assert token_request["code"] == "abc"
    assert token_request["client_id"] == CLIENT_ID
    assert token_request["redirect_uri"] == "http://testserver/oidc/callback/"
    assert provider.userinfo_requests == ["Bearer at-abc"]
    # Found by e-mail the first time, the subject is remembered.
    involved.refresh_from_db()
    assert involved.oidc_subject == "sub-involved"


@pytest.mark.parametrize("amr", [["pwd"], None, "pwd", ["pwd", "kba"]])
def test_without_mfa_at_the_provider_verband_asks_its_code(client, involved, provider, amr):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=amr)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(involved.pk)
    for path in ("/", "/mijn-werk/", "/netwerk/"):
        assert client.get(path)["Location"] == VERIFY
    response = code_step(client, code_for(device_of(involved)))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/mijn-werk/").status_code == 200
    assert AccessLogEntry.objects.filter(action="sign_in", username="involved").exists()


@pytest.mark.parametrize("amr", ["otp", ["hwk"], ["pwd", "swk"]])
def test_other_second_factor_values_count(client, involved, provider, amr):
    sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=amr)
    assert client.get("/mijn-werk/").status_code == 200


def test_subject_is_remembered_when_the_email_changes(client, involved, provider, as_user):
    sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"])
    other = as_user(None)
    response = sign_in(
        other, provider, code="def", sub="sub-involved", email="nieuw@elders.example", amr=["mfa"]
    )
    assert response["Location"] == "/"
    assert other.session[SESSION_KEY] == str(involved.pk)


def test_known_subject_beats_email(client, world, involved, provider):
    world.colleague.oidc_subject = "sub-colleague"
    world.colleague.save()
    # The e-mail address is the involved professional's, but the subject is the colleague's.
    sign_in(client, provider, sub="sub-colleague", email=EMAIL, amr=["mfa"])
    assert client.session[SESSION_KEY] == str(world.colleague.pk)
    involved.refresh_from_db()
    assert involved.oidc_subject is None


def test_unknown_person_is_not_signed_in_nor_created(client, involved, provider):
    users = User.objects.count()
    response = sign_in(client, provider, sub="sub-stranger", email="vreemde@elders.example", amr=["mfa"])
    assert_refused(client, response)
    assert User.objects.count() == users
    assert not User.objects.filter(oidc_subject="sub-stranger").exists()


@pytest.mark.parametrize("verified", [False, "false", "False", 0, None])
def test_unverified_email_does_not_match(client, involved, provider, verified):
    response = sign_in(client, provider, sub="sub-x", email=EMAIL, email_verified=verified, amr=["mfa"])
    assert_refused(client, response)
    involved.refresh_from_db()
    assert involved.oidc_subject is None


def test_email_of_an_account_bound_to_another_subject_does_not_match(client, involved, provider):
    involved.oidc_subject = "sub-involved"
    involved.save()
    response = sign_in(client, provider, sub="sub-impostor", email=EMAIL, amr=["mfa"])
    assert_refused(client, response)


def test_deactivating_an_account_ends_its_provider_session(client, involved, provider):
    sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"])
    assert client.get("/mijn-werk/").status_code == 200
    involved.is_active = False
    involved.save()
    assert client.get("/mijn-werk/")["Location"].startswith("/aanmelden/")


@pytest.mark.parametrize("amr", [[{"method": "mfa"}], 5, {"mfa": True}, [["mfa"]]])
def test_malformed_amr_is_no_second_factor(client, involved, provider, amr):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=amr)
    assert response.status_code == 302
    assert client.get("/mijn-werk/")["Location"] == VERIFY


def test_inactive_user_is_not_signed_in(client, involved, provider):
    involved.is_active = False
    involved.save()
    assert_refused(client, sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"]))


def test_token_signed_with_another_key_is_refused(client, involved, provider, other_key):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], key=other_key)
    assert_refused(client, response)
    involved.refresh_from_db()
    assert involved.oidc_subject is None


def test_token_with_an_unknown_key_id_is_refused(client, involved, provider):
    response = sign_in(
        client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], key=new_key("onbekend")
    )
    assert_refused(client, response)


def test_token_for_another_sign_in_is_refused(client, involved, provider):
    """The nonce binds the ID token to the sign-in this browser started."""
    response = sign_in(
        client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], nonce="een-andere-nonce"
    )
    assert_refused(client, response)


def test_callback_with_unknown_state_is_refused(client, involved, provider):
    params = start(client, provider)
    provider.grant("abc", nonce=params["nonce"], sub="sub-involved", email=EMAIL, amr=["mfa"])
    response = client.get("/oidc/callback/", {"code": "abc", "state": "niet-de-state"})
    assert_refused(client, response)
    assert provider.token_requests == []


def test_callback_without_a_started_sign_in_is_refused(client, involved, provider):
    response = client.get("/oidc/callback/", {"code": "abc", "state": "zomaar"})
    assert_refused(client, response)


def test_state_can_be_used_once(client, involved, provider):
    params = start(client, provider)
    provider.grant("abc", nonce=params["nonce"], sub="sub-stranger", email="vreemde@elders.example")
    assert_refused(client, client.get("/oidc/callback/", {"code": "abc", "state": params["state"]}))
    # Replaying the same state, now with a token for a real user, does not work either.
    provider.grant("abc", nonce=params["nonce"], sub="sub-involved", email=EMAIL, amr=["mfa"])
    assert_refused(client, client.get("/oidc/callback/", {"code": "abc", "state": params["state"]}))
    assert len(provider.token_requests) == 1


def test_error_from_the_provider_signs_in_nobody(client, involved, provider):
    params = start(client, provider)
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": params["state"]})
    assert_refused(client, response)


def test_expired_token_is_refused(client, involved, provider):
    response = sign_in(
        client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], exp=int(time.time()) - 60
    )
    assert_refused(client, response)


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_token_from_the_future_is_refused(client, involved, provider, claim):
    claims = {claim: int(time.time()) + 3600}
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], **claims)
    assert_refused(client, response)


@pytest.mark.parametrize("audience", [["een-andere-client"], []])
def test_token_for_another_client_is_refused(client, involved, provider, audience):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], aud=audience)
    assert_refused(client, response)


def test_audience_list_with_this_client_is_accepted(client, involved, provider):
    response = sign_in(
        client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], aud=["iets-anders", CLIENT_ID]
    )
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(involved.pk)


def test_token_from_another_issuer_is_refused(client, involved, provider, settings):
    response = sign_in(
        client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"], iss="https://elders.example"
    )
    assert_refused(client, response)


def test_token_from_the_configured_issuer_is_accepted(client, involved, provider, settings):
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"])
    assert response["Location"] == "/"


def test_without_a_pinned_issuer_no_token_is_accepted(client, involved, provider, settings):
    settings.OIDC_OP_ISSUER = ""
    assert_refused(client, sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"]))


def test_oidc_cannot_be_switched_on_without_an_issuer(monkeypatch):
    """The settings refuse to start: a provider's tokens are only ever accepted from the pinned issuer."""
    import subprocess
    import sys

    env = {"OIDC_ENABLED": "true", "OIDC_OP_ISSUER": "", "VERBAND_DEMO": "true", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='verband.settings'; django.setup()",
        ],
        env={**env, "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "OIDC_OP_ISSUER is required" in result.stderr


def test_the_code_is_exchanged_with_a_pkce_verifier(client, involved, provider):
    """RFC 7636: the authorization request carries an S256 challenge, the token request its verifier."""
    import base64
    import hashlib

    params = start(client, provider)
    assert params["code_challenge_method"] == "S256"
    provider.grant("pkce", sub="sub-involved", email=EMAIL, amr=["mfa"], nonce=params["nonce"])
    client.get("/oidc/callback/", {"code": "pkce", "state": params["state"]})
    verifier = provider.token_requests[-1]["code_verifier"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == params["code_challenge"]


def test_userinfo_about_someone_else_is_not_used(client, world, involved, provider):
    """OpenID Connect Core 5.3.2: the userinfo subject must be the ID token's subject."""
    world.colleague.oidc_subject = "sub-colleague"
    world.colleague.save()
    response = sign_in(
        client,
        provider,
        sub="sub-involved",
        email=EMAIL,
        amr=["mfa"],
        userinfo={"sub": "sub-colleague", "email": EMAIL, "email_verified": True},
    )
    assert_refused(client, response)


def test_provider_refusing_the_code_is_a_failed_sign_in(client, involved, provider):
    params = start(client, provider)
    response = client.get("/oidc/callback/", {"code": "onbekende-code", "state": params["state"]})
    assert_refused(client, response)


def test_unreachable_provider_is_a_failed_sign_in(client, involved, provider, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{closed_port}/token"
    response = sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"])
    assert_refused(client, response)


def test_complete_sign_in_through_the_provider_is_logged(client, world, involved, provider):
    sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["mfa"])
    entry = AccessLogEntry.objects.get(action="sign_in")
    assert entry.username == "involved"
    assert entry.organisation_id == world.org_a.pk
    assert entry.object_type == "session"


def test_half_sign_in_through_the_provider_is_logged_once_after_the_code(client, involved, provider):
    sign_in(client, provider, sub="sub-involved", email=EMAIL, amr=["pwd"])
    assert not AccessLogEntry.objects.filter(action="sign_in").exists()
    code_step(client, code_for(device_of(involved)))
    assert AccessLogEntry.objects.filter(action="sign_in", username="involved").count() == 1


def test_refused_sign_in_is_not_logged_as_a_sign_in(client, involved, provider):
    sign_in(client, provider, sub="sub-stranger", email="vreemde@elders.example", amr=["mfa"])
    assert not AccessLogEntry.objects.filter(action="sign_in").exists()
