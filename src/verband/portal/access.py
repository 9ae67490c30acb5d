"""Who is at the household's door: the one check every page of /thuis/ passes (`member_required`).

A page of the household's door is for a signed-in member of a household (a `User` with
`household_member`) whose access is open (not cut off) and who gave the second factor. Anyone else —
a professional, an account that was cut off — finds nothing there: the page answers 404, and the
refusal is logged. The member acts as an `Actor` of channel "household" (`sharing.access.actor_for_request`)
that names their household and person, so every entry of the access log says whose door it was."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from verband.accounts.twofactor import second_factor_done
from verband.actors import Actor
from verband.portal.models import MemberAccess
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record


def open_access_for(user: Any) -> MemberAccess | None:
    """The open, redeemed access of a household member's account (None for anyone else)."""
    if user is None or not user.is_authenticated or not getattr(user, "household_member", False):
        return None
    return MemberAccess.objects.active().filter(user_id=user.pk).select_related("household", "person").first()


def member_actor(request: HttpRequest) -> Actor:
    """The actor of a request at the household's door (after `member_required`)."""
    return actor_for_request(request)


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page is for a signed-in household member with an open access and a second factor given.
    Sets `request.member_access`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("portal:login")
        # HouseholdDoorMiddleware has looked the access up already for a household account.
        access = getattr(request, "member_access", None) or open_access_for(request.user)
        if access is not None and not second_factor_done(request):
            return redirect("portal:verify")
        if access is None:
            record(actor_for_request(request), action="view", object_type="portal_page", outcome="denied")
            raise Http404
        request.member_access = access  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
