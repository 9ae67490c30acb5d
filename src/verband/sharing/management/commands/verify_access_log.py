from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from verband.sharing.accesslog import verify_chain, write_checkpoint


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the access log against the checkpoints kept outside the database, report "
        "the first broken link, and write a new checkpoint."
    )

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
        self.stdout.write(f"{result.checkpoints} checkpoints kept outside the database match the chain.")
        point = write_checkpoint()
        if point is not None:
            self.stdout.write(
                f"Checkpoint written to {settings.ACCESS_LOG_CHECKPOINTS}: entry {point.seq}, hash {point.hash}"
            )
        if result.unsealed:
            self.stdout.write(
                f"{result.unsealed} newer entries are not chained yet (the oldest written "
                f"{result.oldest_unsealed:%Y-%m-%d %H:%M:%S %Z}); each is intact by its own hash. The worker "
                "seals them; if the oldest is more than a minute old, check that it runs."
            )
