"""Session rules every request passes: expiry, the second factor, and which membership the user acts
for."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from verband.accounts.twofactor import second_factor_done

if TYPE_CHECKING:
    from verband.network.models import Membership

LAST_SEEN = "verband_last_seen"
SIGNED_IN_AT = "verband_signed_in_at"
ACTING_MEMBERSHIP = "verband_membership"
# Set when a household member signs in at their door (`verband.portal`): a session that had it and finds
# its account gone (cut off, deactivated) ends at once with the door's message.
DOOR_SESSION = "verband_door"

# Paths a signed-in user who has not yet given the second factor may still reach.
_OPEN_PATHS = ("/aanmelden/", "/afmelden/", "/static/", "/api/", "/taal/", "/oidc/")
# The household's door: all a household account reaches, and what it reaches before its second factor.
DOOR_PATHS = ("/thuis/", "/static/", "/taal/")
_DOOR_OPEN_PATHS = ("/thuis/aanmelden/", "/thuis/afmelden/", "/thuis/snel-weg/", "/static/", "/taal/")


def is_household_account(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "household_member", False))


class SessionExpiryMiddleware:
    """Ends a session after a period of inactivity or a maximum duration, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            signed_in_at = request.session.get(SIGNED_IN_AT, now)
            household = is_household_account(request.user)
            if household:  # Shorter at the household's door: a phone is easily picked up by someone else.
                idle = now - last_seen > settings.HOUSEHOLD_SESSION_IDLE_MINUTES * 60
                too_long = now - signed_in_at > settings.HOUSEHOLD_SESSION_MAX_MINUTES * 60
            else:
                idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
                too_long = now - signed_in_at > settings.SESSION_MAX_HOURS * 3600
            if idle or too_long:
                from verband.sharing.access import actor_for_request
                from verband.sharing.accesslog import record

                record(actor_for_request(request), action="session_expired", object_type="session")
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect("portal:login" if household else settings.LOGIN_URL)
            # Write at most once a minute so a page full of requests does not rewrite the session each time.
            if now - last_seen > 60 or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
            request.session.setdefault(SIGNED_IN_AT, now)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A password alone opens nothing: until the second factor is given, every page sends the user to
    the one-time code step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not second_factor_done(request):
            if is_household_account(request.user):
                if not request.path_info.startswith(_DOOR_OPEN_PATHS):
                    return redirect("portal:verify")
            elif not request.path_info.startswith(_OPEN_PATHS):
                return redirect("accounts:verify")
        return self.get_response(request)


class HouseholdDoorMiddleware:
    """A household account (`User.household_member`) reaches the household's door and nothing else: any
    other page sends it to /thuis/. On every request of such an account its access is checked: one that
    was cut off (or a deactivated account) ends the session at once. Sets `request.member_access`.

    Professionals pay nothing for this: the flag is on the user already loaded, and the session too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        household = is_household_account(user)
        if not household and not (not user.is_authenticated and request.session.get(DOOR_SESSION)):
            return self.get_response(request)
        from verband.portal.access import open_access_for

        access = open_access_for(user) if household else None
        if access is None:
            # Cut off by the regisseur, or the account was deactivated (then it is no longer signed in,
            # but its session is still there): end it, and say no more than that.
            from verband.actors import Actor, Channel
            from verband.sharing.access import client_ip
            from verband.sharing.accesslog import record

            record(
                Actor(
                    channel=Channel.HOUSEHOLD,
                    user=user if user.is_authenticated else None,
                    ip_address=client_ip(request),
                    path=request.path[:300],
                ),
                action="end",
                object_type="session",
                outcome="denied",
            )
            logout(request)
            messages.info(request, _("You have been signed out."))
            return redirect("portal:login")
        request.member_access = access  # type: ignore[attr-defined]
        if not request.path_info.startswith(DOOR_PATHS):
            return redirect("/thuis/")
        return self.get_response(request)


def choose_membership(request: HttpRequest) -> Membership | None:
    """The membership the user acts for: the one chosen in this session, else their first active one."""
    from verband.network.models import Membership

    memberships = (
        Membership.objects.active()
        .filter(user_id=request.user.pk or 0)
        .select_related("organisation", "team")
    )
    wanted = request.session.get(ACTING_MEMBERSHIP)
    chosen = memberships.filter(pk=wanted).first() if wanted is not None else None
    if chosen is None:
        chosen = memberships.order_by("pk").first()
        if chosen is not None:
            request.session[ACTING_MEMBERSHIP] = chosen.pk
    return chosen


class ActingMembershipMiddleware:
    """Sets `request.membership`: the organisation and role the user acts for now."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        # No role before the second factor: a password alone opens nothing, not even the menu. A household
        # account has no role at all.
        if (
            request.user.is_authenticated
            and not getattr(request.user, "household_member", False)
            and second_factor_done(request)
        ):
            request.membership = choose_membership(request)  # type: ignore[attr-defined]
        return self.get_response(request)
