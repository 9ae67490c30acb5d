"""`manage.py retention_sweep`: run the retention sweep by hand, or with --dry-run see what it would do
(per household: its reference, when it closed, whose period decided and what would be removed) without
changing anything. Prints counts and household references, never a person."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verband.network.models import OrganisationKind
from verband.retention import erase, sweep
from verband.retention.config import DEFAULT, configured
from verband.retention.models import Trigger


def kind_label(kind: str) -> str:
    return str(dict(OrganisationKind.choices).get(kind, _("the default period") if kind == DEFAULT else kind))


def items_text(items: Counter[str] | dict[str, int]) -> str:
    return ", ".join(f"{label}: {n}" for label, n in erase.in_order(dict(items))) or "—"


class Command(BaseCommand):
    help = (
        "Pseudonymise closed households whose retention period is over (as the worker does daily). "
        "--dry-run prints what would happen and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would happen; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            if options["dry_run"]:
                self._preview()
            else:
                self._run()

    def _preview(self) -> None:
        retention = configured()
        previews = sweep.preview()
        self.stdout.write(
            _("Dry run: nothing is changed. Retention periods from %(source)s.")
            % {"source": retention.source}
        )
        total: Counter[str] = Counter()
        persons = 0
        for done in previews:
            due = done.due
            self.stdout.write(
                _(
                    "%(reference)s closed %(closed)s, period over since %(on)s (%(kind)s): %(persons)s person(s) pseudonymised; removed: %(items)s"
                )
                % {
                    "reference": due.reference,
                    "closed": timezone.localtime(due.closed_at).date().isoformat(),
                    "on": due.expiry.on.isoformat(),
                    "kind": kind_label(due.expiry.kind),
                    "persons": len(done.persons),
                    "items": items_text(done.items),
                }
            )
            total.update(done.items)
            persons += len(done.persons)
        self.stdout.write(
            _("Would sweep %(households)s household(s) and pseudonymise %(persons)s person(s); removed: %(items)s")
            % {"households": len(previews), "persons": persons, "items": items_text(total)}
        )  # fmt: skip

    def _run(self) -> None:
        reports = sweep.run(trigger=Trigger.COMMAND)
        failed = 0
        for report in reports:
            self.stdout.write(
                _("%(region)s: %(households)s household(s) swept, %(persons)s person(s) pseudonymised, %(skipped)s left alone (in use again); removed: %(items)s")
                % {
                    "region": report.region,
                    "households": report.households,
                    "persons": report.persons,
                    "skipped": report.skipped,
                    "items": items_text(report.items),
                }
            )  # fmt: skip
            for error in report.errors:
                failed += 1
                self.stdout.write(
                    _("%(reference)s failed (%(error)s); it is tried again at the next run.")
                    % {"reference": error["household"], "error": error["error"]}
                )
        if failed:
            raise CommandError(_("%(n)s household(s) could not be swept.") % {"n": failed})
