from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShieldingConfig(AppConfig):
    name = "verband.shielding"
    verbose_name = _("Shielding")
