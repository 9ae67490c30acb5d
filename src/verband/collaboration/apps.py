from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "verband.collaboration"
    verbose_name = _("Handovers and help")

    def ready(self) -> None:
        from verband.collaboration import shields  # noqa: F401  (registers the default shields of help)
