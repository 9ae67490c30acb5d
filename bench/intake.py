"""Online intake through the real path: API, recognition against the register, routing.

    .venv/bin/python bench/intake.py [--signals 300] [--persons 1000000] [--seed 2026]
    DATABASE_URL=postgres://... .venv/bin/python bench/intake.py

The register is the Dutch-style synthetic one of bench/matching.py (verband.households.generate, about
`--persons` persons, built once and cached under bench/.cache/). On PostgreSQL (DATABASE_URL) an empty
or short register is copied from that SQLite cache with COPY, so both databases hold the same persons.

A partner system (the reporting centre's, with a Bearer API token) then posts `--signals` signals to
`POST /api/v1/signals` through Django's test client, which runs the whole middleware stack of
`verband start` in this process: half about households in the register (noisy copies of two or three of
their members, as a reporter types them), half about people not in the register. The API stores the
signal and routes it at once (`signals.services.finish`, the worker's step); when the answer says it is
still `received`, the benchmark runs `finish` right after, as the worker would. Per signal it measures
the wall-clock time and the database queries of the request plus routing: `queries_per_signal` counts
the statements that read or write data; `statements_per_signal` counts every statement sent, BEGIN,
COMMIT, SAVEPOINT and RELEASE included (`transaction_control_per_signal` of them: two transactions, the
signal stored first and then routed).

The reference in the same run (`raw_insert_ms`): inserting the same rows — the signal, its persons and
its activations — with plain ORM creates in one transaction.

The last printed line is JSON; results are also written to bench/results/intake-<date>-<database>.json.
Goals (issue 12): at most 30 queries per signal and p95 at most 150 ms."""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"}

# The register's tables, parents first, as write_register fills them.
REGISTER_TABLES = (
    "households_household",
    "households_person",
    "households_address",
    "households_householdmember",
    "households_personkey",
)


def setup(cache: Path) -> None:
    os.environ["VERBAND_DATA_DIR"] = str(cache)
    os.environ.setdefault("VERBAND_DEMO", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verband.settings")
    import django

    django.setup()


def copy_register(sqlite_path: Path, region_code: str = "synthetisch") -> int:
    """Copy the synthetic register from the SQLite cache into this (PostgreSQL) database with COPY: the
    same persons, addresses, households, members and blocking keys, far faster than generating them
    again. Returns the number of persons copied."""
    from django.db import connection, transaction

    from verband.network.models import Region

    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    code = source.execute("SELECT id FROM network_region WHERE code = ?", (region_code,)).fetchone()
    if code is None:
        raise SystemExit(f"No register in {sqlite_path}: run bench/matching.py or bench/intake.py on SQLite")
    region, _ = Region.objects.get_or_create(code=region_code, defaults={"name": "Synthetische regio"})
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in reversed(REGISTER_TABLES):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for table in REGISTER_TABLES:
            cursor.execute(f"SELECT * FROM {table} LIMIT 0")  # noqa: S608
            pg_columns = [c.name for c in cursor.description]
            src_columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
            columns = [c for c in pg_columns if c in src_columns]
            # The households belong to this database's synthetic region. SQLite's booleans (0, 1), dates
            # and UTC times are valid COPY text for PostgreSQL as they are.
            select = ", ".join(f"{region.pk} AS region_id" if c == "region_id" else c for c in columns)
            rows = source.execute(f"SELECT {select} FROM {table}")  # noqa: S608
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
            )
            print(f"  {table}: copied", flush=True)
        cursor.execute("ANALYZE")
    print(f"… copied in {time.perf_counter() - started:.0f} s", flush=True)
    from verband.households.models import Person

    return Person.objects.count()


def ensure_register(persons: int, seed: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from verband.households.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    have = Person.objects.count()
    if have >= persons * 0.95:
        return have
    if connection.vendor == "postgresql":
        cached = HERE / ".cache" / f"register-{persons}-{seed}" / "verband.sqlite3"
        if cached.exists():
            print(f"Copying the synthetic register from {cached} …", flush=True)
            return copy_register(cached)
    import matching

    return matching.ensure_register(persons, seed)


def routing_world() -> tuple[Any, str]:
    """The register's region with a reporting centre (whose system posts), neighbourhood teams and
    networks covering every postcode, a police team for acute danger, the five routing rules of the test
    world, and a fresh API token. Returns the region and the token."""
    from verband.accounts.models import ApiToken
    from verband.network.models import CoverageArea, Network, Organisation, Region, Team
    from verband.signals.models import RoutingRule
    from verband.testing import routing_rules

    region = Region.objects.get(code="synthetisch")
    centre, _ = Organisation.objects.get_or_create(
        region=region, name="Veilig Thuis Synthetisch", defaults={"kind": "reporting_centre"}
    )
    assessment, _ = Team.objects.get_or_create(organisation=centre, name="Team Veiligheidsbeoordeling")
    police, _ = Organisation.objects.get_or_create(
        region=region, name="Politie Synthetisch", defaults={"kind": "police"}
    )
    crisis, _ = Team.objects.get_or_create(organisation=police, name="Basisteam Crisis")
    wijk, _ = Organisation.objects.get_or_create(
        region=region, name="Wijkteams Synthetisch", defaults={"kind": "neighbourhood_team"}
    )
    if not CoverageArea.objects.filter(team__organisation=wijk).exists():
        for thousand in range(1, 10):
            team = Team.objects.create(organisation=wijk, name=f"Wijkteam {thousand}000")
            network = Network.objects.create(region=region, name=f"Netwerk {thousand}000")
            network.organisations.set([wijk, police, centre])
            low, high = thousand * 1000, thousand * 1000 + 999
            CoverageArea.objects.create(team=team, postcode_from=low, postcode_to=high)
            CoverageArea.objects.create(network=network, postcode_from=low, postcode_to=high)
    if not RoutingRule.objects.filter(region=region).exists():
        routing_rules(region, wijk, assessment, crisis)
    token = ApiToken(organisation=centre, name=f"Bench {time.time():.0f}", scopes=["signals:write"])
    raw = token.set_token()
    token.save()
    return region, raw


def _person_json(s: Any, role: str) -> dict:
    body = {
        "role": role,
        "given_names": s.given_names,
        "surname_prefix": s.surname_prefix,
        "family_name": s.family_name,
        "sex": s.sex,
        "street": s.street,
        "house_number": s.house_number,
        "postcode": s.postcode,
        "city": s.city,
    }
    if s.birth:
        body["date_of_birth"] = s.birth.isoformat()
    return body


def payloads(count: int, seed: int) -> list[dict]:
    """Signals as a partner system sends them: half about a household in the register (noisy copies of
    up to three members), half about a household that is not."""
    from datetime import date

    from verband.households.generate import Generator, Synthetic
    from verband.households.models import Household

    rng = random.Random(seed)  # noqa: S311 - seeded sampling, not secrets
    generator = Generator(seed + 7)
    ids = list(Household.objects.filter(reference__startswith="SYN-").values_list("pk", flat=True)[:400_000])
    picked = sorted(rng.sample(ids, count))
    known = [  # in batches: SQLite refuses one query with thousands of ids
        household
        for start in range(0, count, 100)
        for household in Household.objects.filter(pk__in=picked[start : start + 100])
        .prefetch_related("members__person__addresses")
        .order_by("pk")
    ]
    bodies = []
    for n, household in enumerate(known):
        if n % 2:
            people = [(generator.noisy(s), role) for s, role in generator.household()]
            # Not in the register: a fresh household (the generator's own seed differs from the register's).
        else:
            people = []
            for member in list(household.members.all())[:3]:
                p = member.person
                address = p.addresses.all()[0]
                born = date(p.birth_year, p.birth_month, p.birth_day) if p.birth_day else None
                original = Synthetic(
                    p.given_names, p.surname_prefix, p.family_name, born, p.sex,
                    address.street, address.house_number, address.postcode, address.city,
                )  # fmt: skip
                people.append((generator.noisy(original), member.role))
        people = people[:3]
        bodies.append(
            {
                "kind": rng.choice(["report", "police_registration", "advice_request"]),
                "description": "Melding huiselijk geweld na een 112-melding; buren hoorden geschreeuw.",
                "acute_danger": rng.random() < 0.1,
                "postcode": people[0][0].postcode,
                "persons": [_person_json(s, role) for s, role in people],
            }
        )
    return bodies


def p(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def raw_insert(signal_id: int, number: int) -> float:
    """The same rows as the intake wrote for this signal — the signal, its persons and its activations —
    inserted again with plain ORM creates in one transaction; milliseconds."""
    from django.db import models, transaction

    from verband.signals.models import Activation, Signal, SignalPerson

    def values(row: models.Model, leave: tuple[str, ...]) -> dict[str, Any]:
        return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in leave}

    signal = values(Signal.objects.get(pk=signal_id), ("id", "reference", "idempotency_key"))
    persons = [values(sp, ("id", "signal")) for sp in SignalPerson.objects.filter(signal_id=signal_id)]
    activations = [values(a, ("id", "signal")) for a in Activation.objects.filter(signal_id=signal_id)]
    started = time.perf_counter()
    with transaction.atomic():
        copy = Signal.objects.create(reference=f"RAW-{number:07d}", **signal)
        for row in persons:
            SignalPerson.objects.create(signal=copy, **row)
        for row in activations:
            Activation.objects.create(signal=copy, **row)
    return (time.perf_counter() - started) * 1000


def run(count: int, seed: int, warmup: int, show: bool = False) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from verband.signals import services
    from verband.signals.models import Signal

    _region, token = routing_world()
    bodies = payloads(count + warmup, seed)
    Signal.objects.filter(reference__startswith="RAW-").delete()
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "nl"}
    stamp = f"{time.time():.0f}"
    timings: list[float] = []
    queries: list[int] = []
    control: list[int] = []
    raw: list[float] = []
    routed_in_request = 0
    for n, body in enumerate(bodies):
        reset_queries()  # the log keeps only the last 9000 queries: counts must start from an empty one
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/signals",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"bench-{stamp}-{n}",
                **headers,
            )
            if response.status_code != 201:
                raise SystemExit(f"POST /api/v1/signals: {response.status_code} {response.content[:300]!r}")
            answer = response.json()
            signal_id = Signal.objects.values_list("pk", flat=True).get(reference=answer["reference"])
            if answer["status"] == "received":  # left to the worker: its step, right away
                services.finish(signal_id)
            else:
                routed_in_request += n >= warmup
            elapsed = (time.perf_counter() - started) * 1000
        if n < warmup:
            continue
        timings.append(elapsed)
        # The look-up of the signal's id by its reference is the benchmark's, not the intake's.
        queries.append(len(captured.captured_queries) - 1)
        # Of which BEGIN, COMMIT, SAVEPOINT and RELEASE (SQLite's BEGIN IMMEDIATE and COMMIT are logged as
        # queries; PostgreSQL's are not).
        control.append(
            sum(q["sql"].split(" ", 1)[0] in TRANSACTION_CONTROL for q in captured.captured_queries)
        )
        if show and n == len(bodies) - 1:
            for number, query in enumerate(captured.captured_queries, start=1):
                print(f"{number:3d} {query['time']:>6s} s  {query['sql'][:150]}")
        raw.append(raw_insert(signal_id, n))
    Signal.objects.filter(reference__startswith="RAW-").delete()
    data = [q - c for q, c in zip(queries, control, strict=True)]
    return {
        "count": len(timings),
        "routed_in_request": routed_in_request,
        "intake_p50_ms": p(timings, 50),
        "intake_p95_ms": p(timings, 95),
        "queries_per_signal": round(statistics.mean(data), 1),
        "queries_max": max(data),
        "queries_min": min(data),
        "statements_per_signal": round(statistics.mean(queries), 1),
        "transaction_control_per_signal": round(statistics.mean(control), 1),
        "raw_insert_ms": p(raw, 50),
        "raw_insert_p95_ms": p(raw, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signals", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show-queries", action="store_true", help="print the queries of the last signal")
    args = parser.parse_args()

    cache = HERE / ".cache" / f"register-{args.persons}-{args.seed}"
    cache.mkdir(parents=True, exist_ok=True)
    setup(cache)
    from django.db import connection
    from django.utils import timezone

    persons = ensure_register(args.persons, args.seed)
    result: dict = {
        "date": timezone.localdate().isoformat(),
        "database": connection.vendor,
        "persons": persons,
    }
    result.update(run(args.signals, args.seed, args.warmup, args.show_queries))
    result["ratio_to_raw_insert"] = round(result["intake_p95_ms"] / result["raw_insert_p95_ms"], 1)
    result["goals_met"] = result["queries_per_signal"] <= 30 and result["intake_p95_ms"] <= 150
    print(
        f"Intake on {result['database']} against {persons} persons, {result['count']} signals: p50 "
        f"{result['intake_p50_ms']} ms, p95 {result['intake_p95_ms']} ms, {result['queries_per_signal']} queries "
        f"per signal ({result['queries_min']}-{result['queries_max']}; {result['statements_per_signal']} statements "
        f"with {result['transaction_control_per_signal']} BEGIN, COMMIT, SAVEPOINT or RELEASE); raw insert of the "
        f"same rows p50 "
        f"{result['raw_insert_ms']} ms, p95 {result['raw_insert_p95_ms']} ms"
    )
    out = HERE / "results" / f"intake-{result['date']}-{result['database']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
