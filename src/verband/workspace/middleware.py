from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class DemoMarkerMiddleware:
    """Marks every response of a demo installation, so no system mistakes demo data for real data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEMO_MODE:
            response["X-Verband-Demo"] = "true"
        return response


class NoStoreMiddleware:
    """Pages and API answers hold personal data: no browser or proxy cache keeps them (the back button
    after signing out shows nothing). Static files are served before this and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response


class ApiErrorMiddleware:
    """Under /api/ every error is the structured JSON error, also for a route that does not exist or a
    method a route does not take (which Django and django-ninja answer in HTML or plain text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.utils.translation import gettext as _

            from verband.apikit import error_response

            if response.status_code == 404:
                replaced = error_response(request, 404, "not_found", _("Not found."))
            else:
                replaced = error_response(
                    request, 405, "method_not_allowed", _("This method is not allowed here.")
                )
                if response.has_header("Allow"):
                    replaced["Allow"] = response["Allow"]
            return replaced
        return response


class RequestSizeMiddleware:
    """A request whose body is larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (VERBAND_MAX_REQUEST_BYTES; a page's
    form with a document: plus twice VERBAND_UPLOAD_MAX_MB) is
    answered with 413 before anything reads it: the API with its JSON error, pages with the error page.
    (Without this, Django refuses such a body only when a view reads it, which the API turned into a 500.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
            and not request.path_info.startswith("/api/")
        ):
            # A page's form with a document: room for the document, and for one up to twice too large, so
            # that the form answers it with its own message and keeps what was typed
            # (`verband.journal.uploads`).
            limit += 2 * settings.DOCUMENT_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    text = _("What was sent is larger than Verband accepts. Nothing was stored.")
    if request.path_info.startswith("/api/"):
        from verband.apikit import error_response

        return error_response(request, 413, "too_large", text)
    return render(request, "error.html", {"status": 413, "title": _("Too large"), "text": text}, status=413)
