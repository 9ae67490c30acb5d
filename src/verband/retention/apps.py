from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "verband.retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        # The retention periods are read and validated at start-up: a process with a bad file does not start
        # (a sweep must never pseudonymise by periods nobody meant).
        from verband.retention.config import configured

        configured()
