"""A system check: the default shields of the items other apps hold are registered (a process that ran
without them would show a perpetrator the safety agreements and the shelter help that protect her)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from verband.shielding.scope import DEFAULT_SHIELDS

EXPECTED = {
    "verband.plans.shields.agreements_and_shelter_actions",
    "verband.collaboration.shields.help_at_a_shelter",
    "verband.journal.shields.entries_and_documents_not_about_a_perpetrator",
}


@checks.register()
def default_shields_registered(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    registered = {f"{rule.__module__}.{rule.__qualname__}" for rule in DEFAULT_SHIELDS}
    missing = sorted(EXPECTED - registered)
    return [
        checks.Error(
            f"The default shield {name} is not registered.",
            hint="Its app must be installed and import its shields module in AppConfig.ready().",
            id="shielding.E001",
        )
        for name in missing
    ]
