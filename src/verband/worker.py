"""The periodic sweeps, as tasks of Django's task framework (the django-tasks backport, database backend).

Work is done promptly by tasks enqueued when the change that needs it commits (the e-mail of new
notifications: `notifications.services.send_mail_to`; a web signal's routing when its reporter's time to
confirm is up: `signals.services.route_signal`). The sweeps below are the safety net and the clock: they
find what is left in the database (a crash in the middle, a failed routing, a stall past its deadline)
and finish it. Each sweep claims its rows with a conditional UPDATE inside the transaction that does the
work, so two workers never do the same item twice.

`verband.background.scheduler` enqueues each sweep once per `VERBAND_WORKER_INTERVAL_SECONDS`, however
many schedulers run; `manage.py worker` runs the tasks and the scheduler; `run_sweeps()` runs every sweep
once, here and now (`manage.py worker --once`, tests)."""

from __future__ import annotations

import logging

from django_tasks import task
from django_tasks.base import Task

from verband.escalation.lifecycle import sweep as escalation_sweep
from verband.escalation.platform_watch import sweep as platform_sweep
from verband.measures.clocks import sweep as measure_clocks_sweep
from verband.notifications.services import send_waiting
from verband.sharing.accesslog import seal
from verband.signals.services import route_pending

logger = logging.getLogger(__name__)


@task()
def route_signals() -> int:
    """Route the signals left behind: a web signal whose routing task was lost, an API signal whose
    routing failed in the request."""
    return route_pending()


@task()
def measure_clocks() -> int:
    """The review tasks of protective measures about to end (and of danger facts to review)."""
    return measure_clocks_sweep()


@task()
def escalate() -> int:
    """Open escalations for new stalls, climb those past their step deadline, clear those that ended; move
    system barriers past their tactical deadline to the strategic platform, tell overdue platform decisions."""
    return sum(escalation_sweep().values()) + sum(platform_sweep().values())


@task()
def send_mail() -> int:
    """The e-mail of notifications still waiting (their own task failed or was lost)."""
    return send_waiting()


@task()
def seal_access_log() -> int:
    """Chain the access-log entries written since the last seal (every worker also seals every
    `VERBAND_ACCESS_LOG_SEAL_SECONDS`; this is the safety net for a worker run with --batch)."""
    return seal()


# Order matters for run_sweeps: routed signals can stall, and escalations notify, in the same round.
SWEEPS: list[tuple[str, Task]] = [
    ("route_signals", route_signals),
    ("measure_clocks", measure_clocks),  # before escalate: a review task late today escalates today
    ("escalate", escalate),
    ("send_mail", send_mail),
    ("seal_access_log", seal_access_log),  # last: seals what the sweeps before it logged
]


def run_sweeps() -> dict[str, int]:
    """Run every sweep once in this process; a failing sweep is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, sweep in SWEEPS:
        try:
            done[name] = sweep.call()
        except Exception:
            logger.exception("Sweep %s failed; it runs again next time", name)
            done[name] = -1
    return done
