"""`manage.py refresh_steering`: recompute every steering indicator now (the worker does it every
VERBAND_STEERING_REFRESH_SECONDS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from verband.steering.engine import refresh


class Command(BaseCommand):
    help = "Recompute the steering indicators from the source tables."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = refresh()
        self.stdout.write(f"{rows} waarden berekend")
