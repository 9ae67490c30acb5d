from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "verband.collaboration"
    verbose_name = _("Handovers and help")
