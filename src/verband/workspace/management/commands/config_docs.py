from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from verband.workspace.configdoc import render


class Command(BaseCommand):
    help = "Print (or --write) docs/configuration.md from the declared environment variables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render()
        if options["write"]:
            (Path(settings.PROJECT_DIR) / "docs" / "configuration.md").write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
