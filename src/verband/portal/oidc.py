"""Signing in at the household's door through a citizen identity provider (OpenID Connect), by
configuration (`VERBAND_HOUSEHOLD_OIDC_*`), apart from the professionals' provider (`accounts.oidc`).

The provider proves who someone is; it never makes an account. A member links the provider's subject to
their access while redeeming the invitation code (`/thuis/uitnodiging/` → "link"); afterwards the door
finds only household accounts, only by that subject, and only while their access is open. When the ID
token's `amr` shows a second factor at the provider, the door asks no code of its own; a linked account
without one is refused (it has no device of its own to give a code)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from verband.accounts.models import User
from verband.accounts.twofactor import OIDC_MFA_SESSION_KEY

logger = logging.getLogger(__name__)

DOOR_PREFIX = "/thuis/"
# Set in the session by the redeem step "link your account at the provider": the access to redeem.
LINK_SESSION_KEY = "portal_oidc_link"

_OWN = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "HOUSEHOLD_OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "HOUSEHOLD_OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "HOUSEHOLD_OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "HOUSEHOLD_OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID": "HOUSEHOLD_OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "HOUSEHOLD_OIDC_RP_CLIENT_SECRET",
    "OIDC_RP_SIGN_ALGO": "HOUSEHOLD_OIDC_RP_SIGN_ALGO",
    "OIDC_RP_SCOPES": "HOUSEHOLD_OIDC_RP_SCOPES",
}


def door_settings(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings, read from the door's own where it has them."""
    if attr in _OWN:
        return import_from_settings(_OWN[attr], *args)
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return "portal:oidc_callback"
    if attr == "LOGIN_REDIRECT_URL":
        return "portal:oidc_done"
    if attr == "LOGIN_REDIRECT_URL_FAILURE":
        return reverse("portal:login") + "?oidc=mislukt"
    if attr == "OIDC_CREATE_USER":
        return False
    return import_from_settings(attr, *args)


def at_the_door(request: Any) -> bool:
    return request is not None and str(getattr(request, "path_info", "")).startswith(DOOR_PREFIX)


class DoorOIDCBackend(OIDCAuthenticationBackend):
    """Finds household accounts by the subject of the door's provider (and links one while redeeming)."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return door_settings(attr, *args)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # Only the door's callback: the professionals' provider has its own backend.
        if not at_the_door(request):
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.HOUSEHOLD_OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is not meant for the household's door")
        if not settings.HOUSEHOLD_OIDC_OP_ISSUER or payload.get("iss") != settings.HOUSEHOLD_OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token comes from another issuer")
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject:
            return None
        amr = payload.get("amr") or []
        amr = [amr] if isinstance(amr, str) else (amr if isinstance(amr, list) else [])
        mfa = bool({v for v in amr if isinstance(v, str)} & set(settings.OIDC_MFA_AMR_VALUES))
        if not mfa:
            # The door's accounts made through the provider have no device of their own.
            return None
        user = self._linked(subject)
        if user is None:
            user = self._link(subject)
        if user is not None and self.request is not None:
            self.request.session[OIDC_MFA_SESSION_KEY] = True
        return user

    def _linked(self, subject: str) -> User | None:
        from verband.portal.access import open_access_for

        user = User.objects.filter(household_member=True, is_active=True, oidc_subject=subject).first()
        return user if user is not None and open_access_for(user) is not None else None

    def _link(self, subject: str) -> User | None:
        """Redeeming with the provider: the access chosen with the invitation code gets an account linked
        to this subject (no password; the provider signs in)."""
        from verband.actors import Actor, Channel
        from verband.portal.services import RedeemFailed, redeem
        from verband.sharing.access import client_ip

        request = self.request
        access_id = request.session.pop(LINK_SESSION_KEY, None) if request is not None else None
        if access_id is None or User.objects.filter(oidc_subject=subject).exists():
            return None
        try:
            made = redeem(
                access_id,
                username=f"thuis-{secrets.token_hex(6)}",
                password_hash=make_password(None),
                make_device=lambda user: user,  # the provider's second factor stands for a device
                actor=Actor(
                    channel=Channel.HOUSEHOLD, ip_address=client_ip(request), path=request.path[:300]
                ),
                oidc_subject=subject,
            )
        except RedeemFailed:
            return None
        if made is None:
            return None
        request.session.pop("portal_redeem", None)
        return made[1]

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and user.may_sign_in() else None


class DoorOIDCRequestView(OIDCAuthenticationRequestView):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return door_settings(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.HOUSEHOLD_OIDC_ENABLED:
            raise Http404
        return super().get(request)


class DoorOIDCCallbackView(OIDCAuthenticationCallbackView):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return door_settings(attr, *args)

    @property
    def success_url(self) -> str:
        return reverse("portal:oidc_done")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.HOUSEHOLD_OIDC_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as exc:
            logger.warning("OpenID Connect sign-in at the household's door failed: %s", type(exc).__name__)
            return self.login_failure()
