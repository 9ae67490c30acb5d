"""The JSON API at /api/v1/: bearer tokens per organisation with scopes, structured errors, and the
same access core and access log as the web pages."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from verband.accounts.models import ApiToken, hash_token

logger = logging.getLogger(__name__)


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
        from verband.sharing.access import actor_for_request
        from verband.sharing.accesslog import record

        record(
            actor_for_request(request), action="view", object_type="api", object_id=scope, outcome="denied"
        )
        raise HttpError(403, _("This token lacks the scope %(scope)s.") % {"scope": scope})
    return token


_DESCRIPTION = (
    "The API of Verband for partner systems. Authenticate with `Authorization: Bearer <token>`; a token "
    "belongs to one organisation and carries scopes. Households are visible only through an involvement "
    "of that organisation; anything else answers 404. Every answer that contains personal data is "
    'recorded in the access log. Errors have the form `{"error": {"code", "message", "details"}}`.'
)

api = NinjaAPI(
    title="Verband API" + (" (DEMO)" if settings.DEMO_MODE else ""),
    version="1",
    description=_DESCRIPTION
    + ("\n\n**Demo mode:** this installation holds invented data only." if settings.DEMO_MODE else ""),
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details}}, status=status
    )


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
}


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [{"loc": e.get("loc"), "message": e.get("msg"), "type": e.get("type")} for e in exc.errors]
    return error_response(request, 422, "invalid", _("The request is not valid."), details)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "unauthorized", _("A valid bearer token is required."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, _CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("Not allowed."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    return error_response(
        request, 500, "server_error", _("Something went wrong on our side. Nothing was stored half-way.")
    )


# Every endpoint behind a token may answer these.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}


class HealthOut(Schema):
    status: str
    database: str
    demo: bool
    version: str


@api.get(
    "/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["system"], summary="Health check"
)
def health(request: HttpRequest) -> Status:
    """Whether Verband and its database answer. Needs no token; reveals nothing about data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        logger.warning("Health check: database unavailable", exc_info=True)
        database = "unavailable"
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "demo": settings.DEMO_MODE,
        "version": api.version,
    }
    return Status(200 if database == "ok" else 503, body)


def _register_routers() -> None:
    from verband.accounts.api import router as accounts_router
    from verband.collaboration.api import router as collaboration_router
    from verband.households.api import router as households_router
    from verband.network.api import router as network_router
    from verband.plans.api import router as plans_router
    from verband.safety.api import router as safety_router
    from verband.signals.api import router as signals_router

    api.add_router("/", accounts_router)
    api.add_router("/", network_router)
    api.add_router("/", households_router)
    api.add_router("/", signals_router)
    api.add_router("/", safety_router)
    api.add_router("/", plans_router)
    api.add_router("/", collaboration_router)


_register_routers()
