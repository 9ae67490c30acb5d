from typing import Any

from django.core.management.base import BaseCommand, CommandError

from verband.sharing.accesslog import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the access log and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Access log broken: {result.reason} ({result.checked} entries intact before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {result.checked} entries verified. Head hash: {result.head_hash}"
            )
        )
        if result.unsealed:
            self.stdout.write(
                f"{result.unsealed} newer entries are not chained yet (the oldest written "
                f"{result.oldest_unsealed:%Y-%m-%d %H:%M:%S %Z}); each is intact by its own hash. The worker "
                "seals them; if the oldest is more than a minute old, check that it runs."
            )
