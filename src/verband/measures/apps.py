from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "verband.measures"
    verbose_name = _("Protective measures and closing")

    def ready(self) -> None:
        from verband.measures import shields  # noqa: F401  (registers the measures' default shields)
