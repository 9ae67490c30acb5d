from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "verband.platforms"
    verbose_name = _("Platforms and system barriers")
