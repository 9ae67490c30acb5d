"""Steering at national scale (issue 15): the indicator refresh on PostgreSQL against DuckDB on the same
data, and the dashboard pages, over ten years of synthetic national data.

    .venv/bin/python bench/steering.py [--households 1000000] [--seed 2026] [--runs 3] [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/verband_bench_steering .venv/bin/python bench/steering.py

PostgreSQL only (DATABASE_URL; by default the database `verband_bench_steering` on 127.0.0.1:5433, made
when missing). bench/steering_data.py writes the data with COPY: `--households` households from 2017-01-01
to 2026-11-30 with about three signals each and about twenty timeline events each, and everything the
indicators read (activations, involvements with first contact, safety assessments, journal contact
moments, regie, help, handovers, escalations, closings). The build is cached: a marker table
(bench_steering_build) holds the generator's version, the seed and the size; when it matches, the build is
skipped, otherwise the database is dropped and made again. The source tables the engine's DuckDB statements
read are exported to Parquet once per build, under bench/.cache/steering-<households>-<seed>/parquet/.

Measured, in one run:

- refresh_s: wall time of `verband.steering.engine.refresh()` on PostgreSQL (VACUUM ANALYZE first), the
  median of `--runs` runs (each run is the whole recompute);
- duckdb_s: the same indicator statements (`verband.steering.engine.statements("duckdb")`) in an in-memory
  DuckDB whose source tables are loaded from the Parquet files before the clock starts (loading is not
  timed; it is reported as `duckdb_load_s`), the median of `--runs` runs; the store tables of both are then
  compared row by row (`mismatches`, 0 is right: a benchmark that compares different work is worthless);
- dashboard_p95_ms: every page under /sturing/ (each indicator set, an indicator's detail with its
  comparisons, the routes) for a manager, an executive and a network coordinator, `--requests` times each
  after a warm-up, with Django's test client: the p95 over all page requests (per page on the lines before).

The last printed line is JSON ending with `households`, `signals`, `events`, `dashboard_p95_ms`,
`refresh_s`, `duckdb_s`; results are also written to bench/results/steering-<date>-postgresql.json.
Goals (issue 15): dashboard_p95_ms <= 300 and refresh_s <= 2 x duckdb_s."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5433/verband_bench_steering"
GOAL_P95_MS = 300.0
GOAL_RATIO = 2.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else round(values[0], 1)


# ---------------------------------------------------------------------------------------------- database


def admin_connect(url: str) -> Any:
    """A connection to the server's `postgres` database, to make or drop the bench database."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    params["dbname"] = "postgres"
    return psycopg.connect(make_conninfo(**params), autocommit=True)


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))["dbname"])


def wanted_marker(households: int, seed: int) -> str:
    import steering_data

    return json.dumps({"version": steering_data.VERSION, "seed": seed, "households": households})


def cached_build(url: str, marker: str) -> dict[str, int] | None:
    """The counts of a finished build with this marker, or None (no database, no marker, another one)."""
    import psycopg

    with admin_connect(url) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]
        ).fetchone()
    if not exists:
        return None
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        found = conn.execute("SELECT to_regclass('bench_steering_build')").fetchone()
        if not found or found[0] is None:
            return None
        row = conn.execute("SELECT marker, counts FROM bench_steering_build").fetchone()
    if row is None or row[0] != marker:
        return None
    return dict(json.loads(row[1]))


def fresh_database(url: str) -> None:
    name = database_name(url)
    with admin_connect(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def build(url: str, households: int, seed: int, marker: str) -> dict[str, int]:
    import steering_data
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    log(f"Building {households:,} households (seed {seed}) in a fresh database …")
    fresh_database(url)
    connection.close()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"  migrated ({time.perf_counter() - started:.0f} s)")
    counts = steering_data.generate(households, seed)
    with connection.cursor() as cursor:
        bad = steering_data.check_foreign_keys(cursor.cursor)
        if bad:
            raise SystemExit(f"{bad} rows point nowhere: the generator is wrong")
        counts["build_s"] = round(time.perf_counter() - started)
        cursor.execute("CREATE TABLE bench_steering_build (marker text, counts text)")
        cursor.execute("INSERT INTO bench_steering_build VALUES (%s, %s)", [marker, json.dumps(counts)])
    log(f"built in {counts['build_s']} s: {counts}")
    return counts


def vacuum_analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


# ---------------------------------------------------------------------------------------------- refresh


def timed_refresh(runs: int, today: Any) -> tuple[float, list[float]]:
    from verband.steering import engine

    times = []
    for n in range(runs):
        started = time.perf_counter()
        engine.refresh(today)
        times.append(time.perf_counter() - started)
        log(f"  PostgreSQL refresh {n + 1}/{runs}: {times[-1]:.2f} s")
    return round(statistics.median(times), 2), [round(t, 2) for t in times]


def source_tables() -> list[str]:
    """The tables the engine's statements read (`verband.steering.duck.source_models`, the calendar
    included), without the store they write."""
    from verband.steering import duck

    tables = [m._meta.db_table for m in duck.source_models()]
    return [t for t in tables if t != "steering_indicatorvalue"]


DUCK_TYPES = {
    "bigint": "BIGINT", "integer": "INTEGER", "smallint": "SMALLINT", "boolean": "BOOLEAN",
    "date": "DATE", "timestamp with time zone": "TIMESTAMPTZ", "double precision": "DOUBLE",
    "jsonb": "JSON", "numeric": "DOUBLE", "real": "FLOAT",
}  # fmt: skip


def export_parquet(tables: list[str], folder: Path) -> float:
    """Each table to folder/<table>.parquet (through a CSV copy read by DuckDB with the PostgreSQL types)."""
    import duckdb
    from django.db import connection

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    duck = duckdb.connect()
    with connection.cursor() as c:
        cursor = c.cursor
        for table in tables:
            target = folder / f"{table}.parquet"
            if target.exists():
                continue
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
                "AND table_schema = current_schema() ORDER BY ordinal_position",
                [table],
            )
            columns = {name: DUCK_TYPES.get(kind, "VARCHAR") for name, kind in cursor.fetchall()}
            csv = folder / f"{table}.csv"
            t = time.perf_counter()
            with (
                csv.open("wb") as out,
                cursor.copy(f"COPY {table} TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
            ):
                for data in copy:
                    out.write(data)
            spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
            duck.execute(
                f"COPY (SELECT * FROM read_csv('{csv}', header=true, columns={spec}, quote='\"', escape='\"', allow_quoted_nulls=false)) "  # noqa: S608
                f"TO '{target}' (FORMAT parquet)"
            )
            csv.unlink()
            log(f"  exported {table} ({time.perf_counter() - t:.0f} s)")
    duck.close()
    return round(time.perf_counter() - started, 1)


def timed_duckdb(
    tables: list[str], folder: Path, runs: int, today: Any
) -> tuple[float, list[float], float, Any]:
    """The DuckDB statements `runs` times on tables loaded from Parquet into the tables the engine's own
    DuckDB test makes (`verband.steering.duck.create_tables`: the same names, columns and types); the
    loading is not timed."""
    import duckdb

    from verband.steering import duck as steering_duck
    from verband.steering import engine

    duck = duckdb.connect()
    started = time.perf_counter()
    steering_duck.create_tables(duck)
    for table in tables:
        parquet = folder / f"{table}.parquet"
        columns = [r[0] for r in duck.execute(f"DESCRIBE {table}").fetchall()]
        cols = ", ".join(f'"{c}"' for c in columns)
        duck.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_parquet('{parquet}')")  # noqa: S608
    load = round(time.perf_counter() - started, 1)
    times = []
    sql = engine.statements("duckdb", today=today)
    for n in range(runs):
        started = time.perf_counter()
        for statement in sql:
            duck.execute(statement)
        times.append(time.perf_counter() - started)
        log(f"  DuckDB run {n + 1}/{runs}: {times[-1]:.2f} s")
    return round(statistics.median(times), 2), [round(t, 2) for t in times], load, duck


def statement_timings(dialect: str, today: Any, duck: Any = None) -> list[tuple[float, str]]:
    """Each statement's time once (PostgreSQL: on Django's connection, in a transaction rolled back)."""
    from django.db import connection, transaction

    from verband.steering import engine

    timings = []
    if dialect == "duckdb":
        for statement in engine.statements("duckdb", today=today):
            started = time.perf_counter()
            duck.execute(statement)
            timings.append((time.perf_counter() - started, statement))
        return timings
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in engine.statements("postgresql", today=today):
            started = time.perf_counter()
            cursor.execute(statement)
            timings.append((time.perf_counter() - started, statement))
        transaction.set_rollback(True)
    return timings


def compare_store(duck: Any, folder: Path) -> tuple[int, int]:
    """(rows, mismatches) between the store PostgreSQL's refresh wrote and DuckDB's: PostgreSQL's store is
    exported next to the sources and joined to DuckDB's in DuckDB (millions of values: not in Python)."""
    from verband.steering.models import IndicatorValue

    table = IndicatorValue._meta.db_table
    (folder / f"{table}.parquet").unlink(missing_ok=True)
    export_parquet([table], folder)
    keys = ["indicator", "series", "dimension", "dimension_id", "region_id", "grain", "period"]
    values = ["numerator", "denominator", "value", "p90", "n"]
    on = " AND ".join(f"p.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
    differs = " OR ".join(
        f"(p.{v} IS NULL) <> (d.{v} IS NULL) OR abs(p.{v} - d.{v}) > 1e-6 * greatest(1, abs(p.{v}))"
        for v in values
    )
    parquet = folder / f"{table}.parquet"
    rows = duck.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0]  # noqa: S608
    mismatches = duck.execute(
        f"SELECT count(*) FROM read_parquet('{parquet}') p FULL OUTER JOIN {table} d ON {on} "  # noqa: S608
        f"WHERE p.indicator IS NULL OR d.indicator IS NULL OR {differs}"
    ).fetchone()[0]
    return int(rows), int(mismatches)


# ---------------------------------------------------------------------------------------------- pages


def personas() -> dict[str, Any]:
    """A manager, an executive and a network coordinator of the first region (made once)."""
    from verband.accounts.models import User
    from verband.network.models import Network, Organisation, Role
    from verband.testing import make_user

    region_orgs = Organisation.objects.filter(region__code="vt-01")
    made = {}
    for username, kind, role in (
        ("bench.manager", "neighbourhood_team", Role.MANAGER),
        ("bench.executive", "municipality", Role.EXECUTIVE),
        ("bench.coordinator", "neighbourhood_team", Role.NETWORK_COORDINATOR),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = make_user(username, region_orgs.get(kind=kind), role)
            if role == Role.NETWORK_COORDINATOR:
                user.memberships.get().networks.set(Network.objects.filter(region__code="vt-01")[:1])
        made[role.value] = user
    return made


def dashboard_paths() -> list[str]:
    """Every page under /sturing/: the overview of each indicator set, each set's first computable
    indicator with its comparison by every dimension, and the routes."""
    from verband.steering import selectors
    from verband.steering.forms import BY

    sets = selectors.indicator_sets()
    paths = ["/sturing/"]
    for key, _title, infos in sets:
        paths.append(f"/sturing/?set={key}")
        computable = [info for info in infos if info.computable]
        if computable:
            paths += [f"/sturing/indicator/{computable[0].key}/?per={by}" for by in BY]
    paths.append("/sturing/routes/")
    return paths


def measure_pages(requests: int, warmup: int) -> tuple[float, dict[str, float]]:
    from django.conf import settings
    from django.test import Client

    from verband.testing import sign_in

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    paths = dashboard_paths()
    every: list[float] = []
    per_page: dict[str, float] = {}
    for role, user in personas().items():
        client = sign_in(Client(), user)
        for path in paths:
            timings = []
            for n in range(warmup + requests):
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{role} {path}: {response.status_code}")
                if n >= warmup:
                    timings.append(elapsed)
            every.extend(timings)
            per_page[f"{role} {path}"] = p(timings, 95)
            print(f"{role:20s} {path:60s} p50 {p(timings, 50):7.1f} ms   p95 {p(timings, 95):7.1f} ms")
    return p(every, 95), per_page


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="refresh runs per database (the median counts)")
    parser.add_argument("--requests", type=int, default=20, help="requests per page and persona")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="time each statement once on both databases")
    parser.add_argument(
        "--rebuild", action="store_true", help="build again even when the cached build matches"
    )
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/steering.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    cache = HERE / ".cache" / f"steering-{args.households}-{args.seed}"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["VERBAND_DATA_DIR"] = str(cache)
    os.environ.setdefault("VERBAND_DEMO", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
    marker = wanted_marker(args.households, args.seed)
    counts = None if args.rebuild else cached_build(url, marker)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if counts is None:
        counts = build(url, args.households, args.seed, marker)
        import shutil

        shutil.rmtree(cache / "parquet", ignore_errors=True)
    else:
        log(f"Using the cached build ({counts})")
        call_command("migrate", interactive=False, verbosity=0)
    result: dict[str, Any] = {"date": timezone.localdate().isoformat(), "database": connection.vendor}
    result["build_s"] = counts.get("build_s")
    result["vacuum_analyze_s"] = vacuum_analyze()
    result["rows"] = {k: v for k, v in counts.items() if k != "build_s"}

    try:
        from verband.steering import engine
    except ImportError:
        engine = None  # type: ignore[assignment]
    refresh_s = duckdb_s = None
    if engine is not None:
        log("Refreshing on PostgreSQL …")
        today = timezone.localdate()
        engine.fill_calendar(today)  # as the first refresh would
        refresh_s, result["refresh_runs_s"] = timed_refresh(args.runs, today)
        tables = source_tables()
        log(f"Exporting {len(tables)} tables to Parquet …")
        result["parquet_export_s"] = export_parquet(tables, cache / "parquet")
        log("Running the DuckDB statements …")
        duckdb_s, result["duckdb_runs_s"], result["duckdb_load_s"], duck = timed_duckdb(
            tables, cache / "parquet", args.runs, today
        )
        result["store_rows"], result["mismatches"] = compare_store(duck, cache / "parquet")
        print(
            f"store rows {result['store_rows']}, mismatches between PostgreSQL and DuckDB: {result['mismatches']}"
        )
        if args.profile:
            pg = statement_timings("postgresql", today)
            dk = statement_timings("duckdb", today, duck)
            result["statements"] = {
                name: [{"s": round(sec, 3), "sql": " ".join(sql.split())[:100]} for sec, sql in timings]
                for name, timings in (("postgresql", pg), ("duckdb", dk))
            }
            for name, timings in (("postgresql", pg), ("duckdb", dk)):
                print(f"slowest statements on {name}:")
                for sec, sql in sorted(timings, key=lambda r: -r[0])[:12]:
                    print(f"  {sec:8.2f} s  {' '.join(sql.split())[:110]}")
        duck.close()
        result["ratio"] = round(refresh_s / duckdb_s, 2) if duckdb_s else None
    try:
        dashboard_p95_ms, result["pages_p95_ms"] = measure_pages(args.requests, args.warmup)
    except ImportError as error:
        log(f"No dashboard pages to measure yet ({error})")
        dashboard_p95_ms = None
    result["goal"] = f"dashboard_p95_ms <= {GOAL_P95_MS:g} and refresh_s <= {GOAL_RATIO:g} x duckdb_s"
    result["goal_met"] = bool(
        dashboard_p95_ms is not None
        and refresh_s is not None
        and dashboard_p95_ms <= GOAL_P95_MS
        and result.get("ratio") is not None
        and result["ratio"] <= GOAL_RATIO
    )
    result.update(
        households=counts["households_household"],
        signals=counts["signals_signal"],
        events=counts["households_householdevent"],
        dashboard_p95_ms=dashboard_p95_ms,
        refresh_s=refresh_s,
        duckdb_s=duckdb_s,
    )
    out = HERE / "results" / f"steering-{result['date']}-{result['database']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
