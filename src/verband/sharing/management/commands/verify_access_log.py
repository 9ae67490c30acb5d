from typing import Any

from django.core.management.base import BaseCommand, CommandError

from verband.sharing.accesslog import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the access log and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Access log broken at entry {result.broken_seq}: {result.reason} ({result.checked} entries intact before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {result.checked} entries verified. Head hash: {result.head_hash}"
            )
        )
