"""Reads of the retention page: the periods as configured, and the reports of the acting person's region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from verband.network.models import OrganisationKind
from verband.retention.config import Retention
from verband.retention.models import RetentionRun


@dataclass(frozen=True)
class TermRow:
    kind: str
    label: str
    years: int
    until_youngest_child_is: int | None
    basis: str
    confirmed_on: date | None
    listed: bool  # False: the kind has no period of its own and takes the default


def term_rows(retention: Retention) -> list[TermRow]:
    """Every kind of organisation with its period, in the order of the kinds; the default last."""
    rows = []
    for kind, label in OrganisationKind.choices:
        term = retention.term(kind)
        rows.append(
            TermRow(kind, str(label), term.years, term.until_youngest_child_is, term.basis, term.confirmed_on,
                    kind in retention.kinds)
        )  # fmt: skip
    return rows


def runs_of_region(region_id: int) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.filter(region_id=region_id).order_by("-started_at", "-pk")
