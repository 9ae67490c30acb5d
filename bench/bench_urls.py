"""Verband's URLs and a bare Django view for the benchmark baseline. With VERBAND_BENCH_UNLOGGED=1 (only
`bench/accesslog.py` sets it, for its reference) no access-log entry is made."""

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path

from verband.urls import urlpatterns as verband_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *verband_urls]

if os.environ.get("VERBAND_BENCH_UNLOGGED") == "1":
    from verband.sharing import accesslog

    accesslog._entry = lambda *args, **kwargs: None  # type: ignore[assignment]
