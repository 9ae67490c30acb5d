from typing import Any

from django.core.management.base import BaseCommand

from verband.demo.loader import load_demo_region


class Command(BaseCommand):
    help = "Load (or refresh) the Rotterdam-Rijnmond demo region. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        region = load_demo_region()
        self.stdout.write(self.style.SUCCESS(f"Demo region {region.name} loaded."))
