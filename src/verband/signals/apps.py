from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "verband.signals"
    verbose_name = _("Signals and routing")

    def ready(self) -> None:
        from verband.safety.services import assessment_recorded

        def urgent_when_acute(sender: type, assessment: Any, actor: Any, **kwargs: object) -> None:
            """An acute assessment makes the household's open inbox items urgent (safety knows nothing of
            inboxes; signals listen)."""
            if assessment.acute:
                from verband.signals.services import make_urgent

                make_urgent(actor, assessment.household_id)

        assessment_recorded.connect(
            urgent_when_acute, dispatch_uid="verband.signals.urgent_when_acute", weak=False
        )
