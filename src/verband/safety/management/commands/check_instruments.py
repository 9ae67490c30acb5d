"""Check the region's instrument files: `manage.py check_instruments` lists each with its result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from verband.safety.instrument import InstrumentError, built_in, load, region_files


class Command(BaseCommand):
    help = "Validate the built-in instruments and those in VERBAND_INSTRUMENTS_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for instrument in built_in():
            self.stdout.write(f"ok  {instrument.code} {instrument.version} (ingebouwd)")
        for path in region_files():
            try:
                instrument = load(path)
            except InstrumentError as exc:
                failed += 1
                self.stdout.write(f"FOUT {path.name}: {exc}")
                continue
            self.stdout.write(
                f"ok  {instrument.code} {instrument.version} ({path.name}, {len(instrument.questions)} vragen)"
            )
        if failed:
            raise CommandError(f"{failed} instrument file(s) invalid")
