"""Check the indicator sets: `manage.py check_indicators` lists each file with its result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from verband.steering.config import ConfigError, files, load_file


class Command(BaseCommand):
    help = "Validate the built-in indicator sets and those in VERBAND_STEERING_INDICATORS_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        keys: dict[str, str] = {}
        for path in files():
            try:
                indicator_set = load_file(path)
            except ConfigError as exc:
                failed += 1
                self.stdout.write(f"FOUT {exc}")
                continue
            doubles = [i.key for i in indicator_set.indicators if i.key in keys]
            if doubles:
                failed += 1
                self.stdout.write(
                    f"FOUT {path.name}: indicator {', '.join(doubles)} staat al in {keys[doubles[0]]}"
                )
                continue
            keys.update({i.key: path.name for i in indicator_set.indicators})
            computable = sum(1 for i in indicator_set.indicators if i.computable)
            self.stdout.write(
                f"ok  {indicator_set.key} ({path.name}, {len(indicator_set.indicators)} indicatoren, "
                f"{computable} berekend)"
            )
        if failed:
            raise CommandError(f"{failed} indicator file(s) invalid")
