from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShieldingConfig(AppConfig):
    name = "verband.shielding"
    verbose_name = _("Shielding")

    def ready(self) -> None:
        from verband.shielding import checks  # noqa: F401  (registers the check of the default shields)
