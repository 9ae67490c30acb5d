"""The JSON API at /api/v1/: bearer tokens per organisation with scopes, structured errors, and the
same access core and access log as the web pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from verband.accounts.api import router as accounts_router
from verband.apikit import ERROR_CODES, TokenAuth, error_response
from verband.collaboration.api import router as collaboration_router
from verband.households.api import router as households_router
from verband.network.api import router as network_router
from verband.plans.api import router as plans_router
from verband.safety.api import router as safety_router
from verband.signals.api import router as signals_router

logger = logging.getLogger(__name__)


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
    return error_response(request, exc.status_code, ERROR_CODES.get(exc.status_code, "error"), str(exc))


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


api.add_router("/", accounts_router)
api.add_router("/", network_router)
api.add_router("/", households_router)
api.add_router("/", signals_router)
api.add_router("/", safety_router)
api.add_router("/", plans_router)
api.add_router("/", collaboration_router)
