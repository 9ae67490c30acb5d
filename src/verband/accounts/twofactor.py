"""One answer to "has this session given its second factor?": a verified TOTP device, or an OpenID
Connect sign-in whose provider vouched for a second factor."""

from __future__ import annotations

from django.http import HttpRequest

OIDC_MFA_SESSION_KEY = "verband_oidc_mfa"


def second_factor_done(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(user, "is_verified", lambda: False)():
        return True
    return bool(request.session.get(OIDC_MFA_SESSION_KEY))


# The name of the pre-enrolled device of demo users; in demo mode its current code is shown.
DEMO_DEVICE_NAME = "demo"
