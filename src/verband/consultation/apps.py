from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "verband.consultation"
    verbose_name = _("Anonymous case consultation")
