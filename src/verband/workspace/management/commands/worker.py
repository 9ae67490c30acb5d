from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from verband.worker import run_sweeps


class Command(BaseCommand):
    help = "Run the background sweeps (routing left-behind signals, …) in a loop, or once with --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every sweep once and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            done = run_sweeps()
            if any(done.values()) or options["once"]:
                self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
            if options["once"]:
                return
            close_old_connections()
            time.sleep(settings.WORKER_INTERVAL_SECONDS)
