"""What the access log costs, and how far it scales.

    .venv/bin/python bench/accesslog.py [--requests 400] [--rounds 2] [--verify-entries 1000000]

1. The household page (the pages bench's data set: 200 timeline events, 50 open actions) under 20
   concurrent requests, served by gunicorn as `verband start` serves it, with the access log as shipped
   (each view writes its entry; the sealer chains them beside the server) and with logging switched off
   (the server is started with VERBAND_BENCH_UNLOGGED=1: no entry is made). The two are measured in
   alternating rounds in the same run; p95 of all requests of each.
2. Appends per second: 8 writer processes, each with its own database connection, appending entries
   (`accesslog.record`) for a few seconds; and the same number of plain inserts of an unrelated row as
   the reference.
3. `verify_access_log`'s walk (`accesslog.verify_chain`) over a log of `--verify-entries` sealed entries.

Use a fresh database (SQLite in a temporary folder, or DATABASE_URL). The last printed line is JSON;
results are also written to bench/results/accesslog-<date>-<database>.json."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pages  # noqa: E402  (the pages bench's data set, server and load)

WRITERS = 8
WRITE_SECONDS = 5.0


def household_p95(args: argparse.Namespace, data: pages.DataSet, data_dir: Path) -> dict[str, float]:
    path = f"/huishoudens/{data.reference}/"
    samples: dict[str, list[float]] = {"logged": [], "unlogged": []}
    sealed = 0
    for _round in range(args.rounds):
        for mode in ("logged", "unlogged"):
            if mode == "unlogged":
                os.environ["VERBAND_BENCH_UNLOGGED"] = "1"
            else:
                os.environ.pop("VERBAND_BENCH_UNLOGGED", None)
            server = pages.serve(args.port, args.workers, data_dir)
            sealing = pages.Sealer()
            try:
                pages.wait_ready(args.port)
                sealing.start()
                pages.load(args.port, path, data.cookie, args.concurrency, args.concurrency)  # warm up
                samples[mode] += pages.load(args.port, path, data.cookie, args.requests, args.concurrency)
            finally:
                sealing.stop()
                server.terminate()
                server.wait(timeout=30)
            sealed += sealing.sealed
    os.environ.pop("VERBAND_BENCH_UNLOGGED", None)
    logged, unlogged = pages.p(samples["logged"], 95), pages.p(samples["unlogged"], 95)
    print(f"household page p95: logged {logged:.1f} ms, unlogged {unlogged:.1f} ms ({sealed} entries sealed)")
    return {
        "logged_p95_ms": round(logged, 1),
        "unlogged_p95_ms": round(unlogged, 1),
        "logged_over_unlogged": round(logged / unlogged, 3),
        "entries_sealed_during_load": sealed,
    }


def _writer(kind: str, data_dir: str, start_at: float, seconds: float, counts: multiprocessing.Queue) -> None:
    pages.setup(Path(data_dir))
    from django.db import connection

    from verband.actors import SYSTEM
    from verband.network.models import Region
    from verband.sharing.accesslog import record

    while time.time() < start_at:
        time.sleep(0.001)
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        if kind == "append":
            record(SYSTEM, action="view", object_type="household", object_id=f"HH-{n}", household_id=n + 1)
        else:
            Region.objects.create(name=f"Referentie {os.getpid()}-{n}", code=f"ref-{os.getpid()}-{n}")
        n += 1
    connection.close()
    counts.put(n)


def per_second(kind: str, data_dir: Path) -> float:
    counts: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 3  # every process set up before the clock starts
    procs = [
        multiprocessing.Process(target=_writer, args=(kind, str(data_dir), start_at, WRITE_SECONDS, counts))
        for _ in range(WRITERS)
    ]
    for proc in procs:
        proc.start()
    total = sum(counts.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join()
    return total / WRITE_SECONDS


def verify_time(entries: int) -> dict[str, float]:
    """Fill the log to `entries` sealed entries (written by the real append and seal in batches), then time
    the whole walk."""
    from verband.actors import SYSTEM
    from verband.sharing.accesslog import _append, _entry, seal, verify_chain
    from verband.sharing.models import AccessLogSeal

    have = AccessLogSeal.objects.count()
    started = time.perf_counter()
    while have < entries:
        batch = min(5000, entries - have)
        made = [
            _entry(
                SYSTEM, "view", "household", f"HH-{have + n}", [pages_subject(have + n)], "legal_task:help"
            )
            for n in range(batch)
        ]
        _append([m for m in made if m is not None])
        have += seal(batch=batch)
    filled = time.perf_counter() - started
    started = time.perf_counter()
    result = verify_chain([])
    walked = time.perf_counter() - started
    assert result.ok, result
    print(f"verify: {result.checked} entries in {walked:.1f} s (filled in {filled:.0f} s)")
    return {"verify_entries": result.checked, "verify_s": round(walked, 1)}


def pages_subject(n: int):
    from verband.sharing.accesslog import Subject

    return Subject(household_id=n % 5000 + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--verify-entries", type=int, default=1_000_000)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="verband-bench-"))
    pages.setup(data_dir)
    data = pages.build()
    from django.db import connection
    from django.utils import timezone

    summary: dict[str, object] = {
        "date": timezone.localdate().isoformat(),
        "database": connection.vendor,
        "requests_per_mode": args.requests * args.rounds,
        "concurrency": args.concurrency,
        "gunicorn_workers": args.workers,
    }
    summary.update(household_p95(args, data, data_dir))
    connection.close()
    appends = per_second("append", data_dir)
    inserts = per_second("insert", data_dir)
    print(f"{WRITERS} writers: {appends:.0f} appends/s, {inserts:.0f} plain inserts/s")
    summary.update(
        {"writers": WRITERS, "appends_per_s": round(appends), "plain_inserts_per_s": round(inserts)}
    )
    summary.update(verify_time(args.verify_entries))
    out = HERE / "results" / f"accesslog-{summary['date']}-{summary['database']}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
