"""Test-only URLconf: Verband's URLs plus the OpenID Connect ones. verband.urls adds the latter only when
OIDC_ENABLED is set at import time, which the test settings do not do."""

from django.urls import include, path

from verband import urls as verband_urls

urlpatterns = [
    *(p for p in verband_urls.urlpatterns if str(p.pattern) != "oidc/"),
    path("oidc/", include("mozilla_django_oidc.urls")),
]

handler400 = verband_urls.handler400
handler403 = verband_urls.handler403
handler404 = verband_urls.handler404
handler500 = verband_urls.handler500
