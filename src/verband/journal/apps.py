from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "verband.journal"
    verbose_name = _("Journal and documents")

    def ready(self) -> None:
        from verband.journal import shields  # noqa: F401  (registers the default shields of entries and documents)
