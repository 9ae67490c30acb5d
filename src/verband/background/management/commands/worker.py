"""`manage.py worker`: a background worker — the task worker of the database backend (django-tasks-db's
`db_worker`) with the scheduler of the periodic sweeps and the access log's sealer beside it. Run as many as you like, on as many
machines: they share the queue, and each period of a sweep is enqueued once."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from verband.background import scheduler, sealer
from verband.worker import run_sweeps


class Command(BaseCommand):
    help = (
        "Run background work: the tasks in the database queue and the schedule of the periodic sweeps. "
        "--once runs every sweep once, here, and stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every sweep once, here, and stop.")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; leave scheduling the periodic sweeps to other workers.",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks that are due, then stop (no scheduler)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            done = run_sweeps()
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
            return
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(target=sealer.run, args=(stop,), name="access-log-sealer", daemon=True).start()
        if not (options["no_scheduler"] or options["batch"]):
            threading.Thread(target=scheduler.run, args=(stop,), name="scheduler", daemon=True).start()
        try:
            call_command(
                "db_worker",
                batch=options["batch"],
                reload=False,
                startup_delay=not options["batch"],
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
        finally:
            stop.set()
