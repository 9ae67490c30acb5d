"""What every API router of Verband shares: bearer-token authentication, scopes, and the one error format.

A leaf of the API: the apps' routers import this module, and `verband.api` (the NinjaAPI instance at the
top, which registers every app's router) imports the routers — never the other way round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from verband.accounts.models import ApiToken, hash_token
from verband.sharing.access import actor_for_request
from verband.sharing.accesslog import record


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.usable()
            .select_related("organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found  # type: ignore[attr-defined]
        return found


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.has_scope(scope):
        record(
            actor_for_request(request), action="view", object_type="api", object_id=scope, outcome="denied"
        )
        raise HttpError(403, _("This token lacks the scope %(scope)s.") % {"scope": scope})
    return token


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


_RENDERER = JSONRenderer()


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    """The one error format of the API: `{"error": {"code", "message", "details"}}`."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return HttpResponse(
        _RENDERER.render(request, body, response_status=status),
        status=status,
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
}


# Every endpoint behind a token may answer these.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
