from typing import Any

from django.core.management.base import BaseCommand

from verband.demo.loader import load_demo_region
from verband.steering.agenda import feed_platform_agendas
from verband.steering.engine import refresh


class Command(BaseCommand):
    help = "Load (or refresh) the Rotterdam-Rijnmond demo region. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        region = load_demo_region()
        # The steering numbers at once (the worker refreshes them hourly after that).
        refresh()
        feed_platform_agendas()
        self.stdout.write(self.style.SUCCESS(f"Demo region {region.name} loaded."))
