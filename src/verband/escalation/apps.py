from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "verband.escalation"
    verbose_name = _("Norms and escalation")
