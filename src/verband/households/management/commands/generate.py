from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from verband.households.generate import write_register


class Command(BaseCommand):
    help = (
        "Write seeded synthetic households (realistic Dutch names, addresses, members, blocking keys) into "
        "a region 'synthetisch', for benchmarks. Only in demo mode: never mix invented people with real ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Synthetic data is only written in demo mode (VERBAND_DEMO=true).")
        started = time.perf_counter()
        persons = write_register(options["households"], seed=options["seed"])
        self.stdout.write(
            f"{options['households']} households, {persons} persons in {time.perf_counter() - started:.1f} s"
        )
