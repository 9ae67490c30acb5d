"""Verband's URLs, a bare Django view and a bare page (the base template with no data) for the benchmarks'
baselines. With VERBAND_BENCH_UNLOGGED=1 (only `bench/accesslog.py` sets it, for its reference) no
access-log entry is made."""

import os

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from verband.urls import urlpatterns as verband_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def bare_page(request: HttpRequest) -> HttpResponse:
    """The layout with no data: the base template (menu, context processors) and nothing else."""
    return render(request, "base.html")


urlpatterns = [path("bench/bare/", bare), path("bench/bare-page/", bare_page), *verband_urls]

if os.environ.get("VERBAND_BENCH_UNLOGGED") == "1":
    from verband.sharing import accesslog

    accesslog._entry = lambda *args, **kwargs: None  # type: ignore[assignment]
