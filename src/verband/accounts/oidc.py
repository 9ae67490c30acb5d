"""Sign-in through the region's OpenID Connect provider.

Accounts are provisioned by the functional administrator (a person needs a membership before they can
work); the provider proves who someone is. A user is found by the provider's subject, or once by
e-mail address after which the subject is remembered. When the ID token's `amr` claim shows that the
provider did a second factor, Verband does not ask for its own code."""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from verband.accounts.middleware import choose_membership
from verband.accounts.twofactor import OIDC_MFA_SESSION_KEY, second_factor_done
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record

logger = logging.getLogger(__name__)


class VerbandOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # The household's door has its own provider and backend (`portal.oidc`).
        if request is not None and str(getattr(request, "path_info", "")).startswith("/thuis/"):
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # mozilla-django-oidc does not check the audience; an ID token must be meant for this client.
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is not meant for this client")
        # Pinned to the one configured issuer (the settings refuse to start without one).
        if not settings.OIDC_OP_ISSUER or payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token comes from another issuer")
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            amr = payload.get("amr") or []
            if isinstance(amr, str):
                amr = [amr]
            if not isinstance(amr, list):
                amr = []
            methods = {value for value in amr if isinstance(value, str)}
            self.request.session[OIDC_MFA_SESSION_KEY] = bool(methods & set(settings.OIDC_MFA_AMR_VALUES))
        return user

    def get_user(self, user_id: Any) -> Any:
        # A session made through the provider ends as soon as the account is deactivated, as with
        # local accounts.
        user = super().get_user(user_id)
        return user if user is not None and user.may_sign_in() else None

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # OpenID Connect Core 5.3.2: userinfo of another subject than the ID token's must not be used.
        user_info = super().get_userinfo(access_token, id_token, payload)
        if not payload.get("sub") or user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("Userinfo subject does not match the ID token")
        return user_info

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # Household accounts never sign in through the professionals' provider.
        users = get_user_model().objects.filter(is_active=True, household_member=False)
        if not settings.DEMO_MODE:
            users = users.filter(is_demo=False)
        subject = claims.get("sub")
        if not subject:
            return users.none()
        by_subject = users.filter(oidc_subject=subject)
        if by_subject.exists():
            return by_subject
        email = claims.get("email")
        # Only a real `true` counts: some providers send the string "false".
        verified = claims.get("email_verified")
        if not email or not (verified is True or verified == "true"):
            return users.none()
        by_email = users.filter(email__iexact=email, oidc_subject__isnull=True)
        if by_email.count() == 1:
            user = by_email.get()
            user.oidc_subject = subject
            user.save(update_fields=["oidc_subject"])
            return users.filter(pk=user.pk)
        return users.none()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))


class VerbandOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    pass


class VerbandOIDCCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: Any) -> Any:
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as exc:
            # An expired or not-yet-valid ID token, or a provider that cannot be reached, is a failed
            # sign-in, not a server error.
            logger.warning("OpenID Connect sign-in failed: %s", type(exc).__name__)
            return self.login_failure()

    def login_success(self) -> Any:
        response = super().login_success()
        if second_factor_done(self.request):
            # Signed in completely (the provider did the second factor): log it as the code step does.
            self.request.membership = choose_membership(self.request)
            record(actor_for_request(self.request), action="sign_in", object_type="session")
        return response
