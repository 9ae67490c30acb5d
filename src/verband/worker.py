"""The background worker: sweeps that find work left in the database and finish it.

Each sweep claims its rows with a conditional UPDATE inside the transaction that does the work, so two
workers never do the same item twice and a crash in the middle leaves the item for the next sweep.
`manage.py worker` runs the sweeps in a loop; `verband start` runs one worker next to the web server."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


def _route_signals() -> int:
    from verband.signals.services import route_pending

    return route_pending()


def _escalate() -> int:
    from verband.escalation.services import sweep

    return sum(sweep().values())


def _send_mail() -> int:
    from verband.notifications.services import send_waiting

    return send_waiting()


# Order matters: routed signals can stall, and escalations notify, in the same round.
SWEEPS: list[tuple[str, Callable[[], int]]] = [
    ("route_signals", _route_signals),
    ("escalate", _escalate),
    ("send_mail", _send_mail),
]


def run_sweeps() -> dict[str, int]:
    """Run every sweep once; a failing sweep is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, sweep in SWEEPS:
        try:
            done[name] = sweep()
        except Exception:
            logger.exception("Sweep %s failed; it runs again next time", name)
            done[name] = -1
    return done
