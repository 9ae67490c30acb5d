from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicDoorConfig(AppConfig):
    name = "verband.publicdoor"
    verbose_name = _("The public door")
