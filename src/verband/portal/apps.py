from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "verband.portal"
    verbose_name = _("The household's door")
