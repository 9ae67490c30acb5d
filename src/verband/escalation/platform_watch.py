"""The escalation engine's watch on the platforms: a system barrier the tactical platform did not decide
by its deadline goes up to the strategic platform, and a platform decision past its date is told to its
owner and the platform's chair. Run by the `escalate` sweep after the escalations themselves."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from verband.platforms.services import move_overdue_barriers, tell_overdue_decisions


def sweep(today: date | None = None) -> dict[str, int]:
    day = today or timezone.localdate()
    return {"barriers_up": move_overdue_barriers(day), "decisions_overdue": tell_overdue_decisions(day)}
