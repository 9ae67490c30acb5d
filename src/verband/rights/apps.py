from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "verband.rights"
    verbose_name = _("Rights of the household (AVG)")
