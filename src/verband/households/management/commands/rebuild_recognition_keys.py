from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from verband.households.matching import rebuild_keys


class Command(BaseCommand):
    help = (
        "Rewrite the blocking keys (PersonKey) of every person with the current recognition rules. Run it "
        "once after an upgrade that changes how keys are made (the Dutch sound key, family name parts, "
        "given-name groups): until then persons are found by birth date, address and BSN only. Works in "
        "batches, each in its own transaction; safe to run again or to stop and resume with --from-id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000, help="persons per transaction")
        parser.add_argument("--from-id", type=int, default=0, help="start at this person id")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(last_id: int, persons: int) -> None:
            self.stdout.write(f"… {persons} persons, up to id {last_id}")

        persons, keys = rebuild_keys(batch=options["batch"], from_id=options["from_id"], progress=progress)
        self.stdout.write(f"{persons} persons, {keys} keys in {time.perf_counter() - started:.1f} s")
