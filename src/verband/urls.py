from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from verband.api import api
from verband.workspace.admin_site import protect_admin

protect_admin(admin.site)

urlpatterns = [
    path("", include("verband.accounts.urls")),
    path("", include("verband.workspace.urls")),
    path("", include("verband.network.urls")),
    path("", include("verband.households.urls")),
    path("", include("verband.signals.urls")),
    path("", include("verband.safety.urls")),
    path("", include("verband.plans.urls")),
    path("", include("verband.sharing.urls")),
    path("", include("verband.shielding.urls")),
    path("", include("verband.collaboration.urls")),
    path("", include("verband.consultation.urls")),
    path("", include("verband.escalation.urls")),
    path("", include("verband.rights.urls")),
    path("", include("verband.journal.urls")),
    path("", include("verband.notifications.urls")),
    path("", include("verband.retention.urls")),
    path("", include("verband.tasks.urls")),
    path("", include("verband.measures.urls")),
    path("", include("verband.platforms.urls")),
    path("", include("verband.search.urls")),
    path("", include("verband.steering.urls")),
    path("", include("verband.portal.staff_urls")),
    path("thuis/", include("verband.portal.urls")),
    path("", include("verband.portal.regie_urls")),
    path("melden/", include("verband.publicdoor.urls")),
    path("taal/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("beheer/django/", admin.site.urls),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "verband.workspace.views.bad_request"
handler403 = "verband.workspace.views.permission_denied"
handler404 = "verband.workspace.views.page_not_found"
handler500 = "verband.workspace.views.server_error"
