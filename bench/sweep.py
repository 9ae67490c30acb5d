"""Speed of the escalation sweep as the region grows.

    .venv/bin/python bench/sweep.py [--sizes 1000,10000,100000] [--quiet-runs 3]

For each size a fresh database (SQLite in a temporary folder, or DATABASE_URL, emptied first) gets a
region with four partners, their teams, case workers, line managers, managers and a network coordinator,
and that many households, built with bulk inserts (`verband.escalation.tests.stalls.build`, not through
the services). Every household has a partner involved for help with first contact recorded, a regisseur, a
family plan with an action due next month; every second one an activation that was taken up, every fifth
help that started, every tenth an answered handover. 10% of the households stall, spread evenly over every
kind of stall the detectors know: a signal not taken up, first contact late, a safety assessment late, a
plan action overdue, a handover unanswered, a regie transfer unanswered, help waiting over its norm, no
regisseur, and a member's request under the AVG past its deadline.

Then, timed and with every database query counted:
- the first sweep, which opens an escalation for every stall (it must open exactly as many as were built);
- `--quiet-runs` sweeps that find nothing new (the median is reported, and every one of them must make
  the same number of queries);
- a sweep two weeks later, when every step deadline has passed: each escalation climbs one step.

Each size runs in its own process. The last printed line is JSON; results are also written to
bench/results/sweep-<date>-<database>.json."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))


def setup(data_dir: Path) -> None:
    os.environ["VERBAND_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("VERBAND_DEMO", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "verband.settings"
    import django

    django.setup()


class Counter:
    """Counts every query the database runs (`connection.execute_wrapper`)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(fn: Callable[[], T]) -> tuple[T, float, int]:
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed, counter.count


def child(households: int, quiet_runs: int) -> dict:
    setup(Path(tempfile.mkdtemp(prefix="verband-bench-sweep-")))
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from verband.escalation.lifecycle import sweep
    from verband.escalation.models import Escalation
    from verband.escalation.tests.stalls import build

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    start = time.perf_counter()
    built = build(households, today)
    build_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stalls = sum(built.values())
    reverse("escalation:detail", args=[1])  # the URL patterns are loaded once per process, not per sweep
    first, first_s, first_queries = measure(lambda: sweep(today))
    if first["opened"] != stalls or Escalation.objects.count() != stalls:
        raise SystemExit(f"the first sweep opened {first['opened']} of {stalls} stalls: {built}")
    quiet_s, quiet_queries = [], []
    for _run in range(quiet_runs):
        result, elapsed, queries = measure(lambda: sweep(today))
        if result != {"opened": 0, "climbed": 0, "cleared": 0}:
            raise SystemExit(f"a quiet sweep did something: {result}")
        quiet_s.append(elapsed)
        quiet_queries.append(queries)
    if len(set(quiet_queries)) != 1:
        raise SystemExit(f"quiet sweeps made different numbers of queries: {quiet_queries}")
    later = today + timedelta(days=14)  # every step deadline has passed: each escalation climbs once
    climb, climb_s, climb_queries = measure(lambda: sweep(later))
    if climb != {"opened": 0, "climbed": stalls, "cleared": 0}:
        raise SystemExit(f"the climbing sweep did not climb every escalation once: {climb}")
    return {
        "households": households,
        "stalls": stalls,
        "stalls_by_kind": built,
        "build_s": round(build_s, 1),
        "first_sweep_s": round(first_s, 2),
        "first_sweep_queries": first_queries,
        "quiet_sweep_s": round(statistics.median(quiet_s), 3),
        "quiet_sweep_queries": quiet_queries[0],
        "climb_sweep_s": round(climb_s, 2),
        "climb_sweep_queries": climb_queries,
        "database": connection.vendor,
        "date": today.isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quiet-runs", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quiet_runs)))
        return

    runs = {}
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--child", str(size), "--quiet-runs", str(args.quiet_runs)],
            check=False,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if out.returncode:
            raise SystemExit(f"{size} households failed:\n{out.stderr}")
        run = json.loads(out.stdout.strip().splitlines()[-1])
        runs[size] = run
        print(
            f"{size:>7} households {run['stalls']:>6} stalls   first sweep {run['first_sweep_s']:7.2f} s "
            f"{run['first_sweep_queries']:>6} queries   quiet sweep {run['quiet_sweep_s']:6.3f} s "
            f"{run['quiet_sweep_queries']:>4} queries   climbing sweep {run['climb_sweep_s']:6.2f} s "
            f"{run['climb_sweep_queries']:>5} queries   (built in {run['build_s']} s)"
        )
    last = list(runs.values())[-1]
    database = last["database"]
    summary: dict[str, object] = {"date": last["date"], "database": database}
    for size, run in runs.items():
        label = f"{size // 1000}k" if size % 1000 == 0 else str(size)
        summary[f"stalls_{label}"] = run["stalls"]
        summary[f"first_sweep_s_{label}"] = run["first_sweep_s"]
        summary[f"first_sweep_queries_{label}"] = run["first_sweep_queries"]
        summary[f"quiet_sweep_s_{label}"] = run["quiet_sweep_s"]
        summary[f"queries_{label}"] = run["quiet_sweep_queries"]
        summary[f"climb_sweep_s_{label}"] = run["climb_sweep_s"]
    out_file = HERE / "results" / f"sweep-{summary['date']}-{database}.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
