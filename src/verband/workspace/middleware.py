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
