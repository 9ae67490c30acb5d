"""Verband's URLs and a bare Django view for the benchmark baseline."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from verband.urls import urlpatterns as verband_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *verband_urls]
