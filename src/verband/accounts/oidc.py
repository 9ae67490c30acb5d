"""Sign-in through the region's OpenID Connect provider.

Accounts are provisioned by the functional administrator (a person needs a membership before they can
work); the provider proves who someone is. A user is found by the provider's subject, or once by
e-mail address after which the subject is remembered. When the ID token's `amr` claim shows that the
provider did a second factor, Verband does not ask for its own code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from verband.accounts.twofactor import OIDC_MFA_SESSION_KEY


class VerbandOIDCBackend(OIDCAuthenticationBackend):
    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            amr = payload.get("amr") or []
            if isinstance(amr, str):
                amr = [amr]
            self.request.session[OIDC_MFA_SESSION_KEY] = bool(set(amr) & set(settings.OIDC_MFA_AMR_VALUES))
        return user

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        subject = claims.get("sub")
        if not subject:
            return users.none()
        by_subject = users.filter(oidc_subject=subject)
        if by_subject.exists():
            return by_subject
        email = claims.get("email")
        if not email or not claims.get("email_verified", False):
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
        except SuspiciousOperation:
            return self.login_failure()
