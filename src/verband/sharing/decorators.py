"""Page decorators of the access core: a page is for some roles of the acting membership; a refusal is
logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The page is for these roles of the acting membership; others get the Dutch 403 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                record(actor_for_request(request), action="view", object_type="page", outcome="denied")
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
