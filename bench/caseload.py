"""Speed of the caseload list (/huishoudens/) of a professional with 300 households, against a bare page in
the same run.

    .venv/bin/python bench/caseload.py [--households 300] [--requests 400] [--concurrency 20] [--workers 2]

A fresh database (SQLite in a temporary folder, or DATABASE_URL) gets the test world plus `--households`
households that are the professional's own ("Mijn huishoudens": they hold the regie), each with two members,
a safety assessment, the first contact recorded, and — spread over them — overdue and open plan actions,
danger flags, case meetings planned and held with a member present. Verband is served by gunicorn exactly
as `verband start` serves it, with the access log's sealer beside it; 20 client threads then request, signed
in as that professional:

- bare: /bench/bare-page/ — the base template (menu, context processors, middleware) with no data,
- caseload: /huishoudens/ — the first page (25) of the 300, sorted by reference,
- caseload_sorted: /huishoudens/?sorteer=-contact&achterstand=on — filtered and sorted on computed columns.

Before serving, each page is also timed in-process, one request after another (`serial_*`, medians): on a
shared machine the p95 under load also measures the other load, this measures the page.

The goal (issue 14): the caseload page's p95 at most three times the bare page's p95, and a query count that does
not depend on the number of households (counted in-process with 30 and with all households: `queries`).
The last printed line is JSON (`caseload_p95_ms`, `bare_p95_ms`, `ratio`, `households`, `queries`);
results are also written to bench/results/caseload-<date>-<database>.json."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pages import Sealer, load, p, serve, setup, wait_ready  # noqa: E402


def build(households: int) -> tuple[str, object]:
    """The data set; the professional's session cookie and the world."""
    from django.core.management import call_command
    from django.test import Client

    from verband.testing import build_world, sign_in

    call_command("migrate", verbosity=0)
    world = build_world()
    make(world, households)
    client = Client()
    sign_in(client, world.involved)
    return client.cookies["sessionid"].value, world


def make(world: object, count: int, start: int = 0) -> None:
    from django.utils import timezone

    from verband.actors import SYSTEM
    from verband.collaboration.models import AgendaItem, CaseMeeting
    from verband.households.models import Household, HouseholdMember, Person
    from verband.plans.models import FamilyPlan, PlanAction, Regie
    from verband.safety.models import DangerFact, SafetyAssessment
    from verband.sharing import services
    from verband.sharing.models import Involvement

    w: object = world
    involved = w.involved  # type: ignore[attr-defined]
    membership = involved.memberships.get()
    coordinator = w.coordinator.memberships.get()  # type: ignore[attr-defined]
    now, today = timezone.now(), timezone.localdate()
    phases = ["direct", "stable", "recovery"]
    for n in range(start, start + count):
        household = Household.objects.create(reference=f"HH-C-{n:04d}", region=w.region)  # type: ignore[attr-defined]
        victim = Person.objects.create(given_names="Iris", family_name=f"Last{n}")
        HouseholdMember.objects.bulk_create(
            [
                HouseholdMember(household=household, person=victim, role="victim"),
                HouseholdMember(
                    household=household,
                    person=Person.objects.create(given_names="Tim", family_name=f"Last{n}"),
                    role="child",
                ),
            ]
        )
        involvement = services.involve(
            SYSTEM,
            household,
            team=w.team_a1,  # type: ignore[attr-defined]
            purpose="help",
            legal_basis="legal_task",
            started_on=date(2026, 1, 5),
        )
        Involvement.objects.filter(pk=involvement.pk).update(
            first_contact_at=now - timedelta(days=n % 60), first_contact_by=involved
        )
        Regie.objects.create(
            household=household,
            user=involved,
            membership=membership,
            organisation=membership.organisation,
            mandated_by=involved,
        )
        SafetyAssessment.objects.create(
            household=household,
            acute=n % 7 == 0,
            structural=True,
            phase=phases[n % 3],
            organisation=w.org_a,  # type: ignore[attr-defined]
            assessed_at=now - timedelta(days=n % 30),
        )
        plan, _ = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})
        PlanAction.objects.bulk_create(
            PlanAction(
                plan=plan,
                text=f"Actie {n}.{k}",
                owner_organisation=w.org_a,  # type: ignore[attr-defined]
                owner_user=involved if k == 0 else None,
                due_on=today + timedelta(days=(n + 7 * k) % 20 - 10),
                order=k,
            )
            for k in range(3)
        )
        if n % 5 == 0:
            DangerFact.objects.create(household=household, kind="weapon")
        if n % 4 == 0:
            meeting = CaseMeeting.objects.create(
                region=w.region,  # type: ignore[attr-defined]
                network=w.network,  # type: ignore[attr-defined]
                scheduled_at=now + timedelta(days=n % 14 + 1),
                chair=w.coordinator,  # type: ignore[attr-defined]
                chair_membership=coordinator,
            )
            AgendaItem.objects.create(meeting=meeting, household=household)
        if n % 6 == 0:
            held = now - timedelta(days=n % 45 + 1)
            meeting = CaseMeeting.objects.create(
                region=w.region,  # type: ignore[attr-defined]
                network=w.network,  # type: ignore[attr-defined]
                scheduled_at=held,
                held_at=held,
                status="held",
                chair=w.coordinator,  # type: ignore[attr-defined]
                chair_membership=coordinator,
            )
            AgendaItem.objects.create(meeting=meeting, household=household, member_present=victim)


def queries_for(world: object, path: str) -> int:
    """The queries of one request of `path` by the professional (middleware and log append included)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from verband.testing import sign_in

    client = Client()
    sign_in(client, world.involved)  # type: ignore[attr-defined]
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def serial_ms(world: object, path: str, count: int = 30) -> float:
    """The median of `count` requests one after another, in-process (no server, no concurrency): the cost
    of the page itself, less sensitive to other load on a shared machine than the p95 under load."""
    import statistics
    import time

    from django.test import Client

    from verband.testing import sign_in

    client = Client()
    sign_in(client, world.involved)  # type: ignore[attr-defined]
    client.get(path)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="verband-bench-"))
    setup(data_dir)
    paths = {
        "bare": "/bench/bare-page/",
        "caseload": "/huishoudens/",
        "caseload_sorted": "/huishoudens/?sorteer=-contact&achterstand=on",
    }
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    cookie, world = build(30)
    queries_few = {name: queries_for(world, path) for name, path in paths.items() if name != "bare"}
    make(world, args.households - 30, start=30)
    queries = {name: queries_for(world, path) for name, path in paths.items() if name != "bare"}
    if queries != queries_few:
        raise SystemExit(f"query count grows with the households: {queries_few} with 30, {queries} with all")
    serial = {name: serial_ms(world, path) for name, path in paths.items()}
    print(f"serial medians in-process: {serial}")
    server = serve(args.port, args.workers, data_dir)
    sealing = Sealer()
    try:
        wait_ready(args.port)
        sealing.start()
        for path in paths.values():  # warm up every worker
            load(args.port, path, cookie, args.concurrency, args.concurrency)
        results: dict[str, dict[str, float]] = {}
        for name, path in paths.items():
            latencies = load(args.port, path, cookie, args.requests, args.concurrency)
            results[name] = {"p50_ms": round(p(latencies, 50), 1), "p95_ms": round(p(latencies, 95), 1)}
            print(
                f"{name:16s} {path:48s} p50 {results[name]['p50_ms']:7.1f} ms   p95 {results[name]['p95_ms']:7.1f} ms"
            )
    finally:
        sealing.stop()
        server.terminate()
        server.wait(timeout=30)
    from django.db import connection
    from django.utils import timezone

    bare = results["bare"]["p95_ms"]
    summary = {
        "date": timezone.localdate().isoformat(),
        "database": connection.vendor,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "gunicorn_workers": args.workers,
        "access_log_entries_sealed": sealing.sealed,
        "bare_p50_ms": results["bare"]["p50_ms"],
        "caseload_p50_ms": results["caseload"]["p50_ms"],
        "caseload_sorted_p95_ms": results["caseload_sorted"]["p95_ms"],
        "caseload_sorted_ratio": round(results["caseload_sorted"]["p95_ms"] / bare, 2),
        "queries_sorted": queries["caseload_sorted"],
        "serial_bare_ms": serial["bare"],
        "serial_caseload_ms": serial["caseload"],
        "serial_caseload_sorted_ms": serial["caseload_sorted"],
        "serial_ratio": round(serial["caseload"] / serial["bare"], 2),
        "caseload_p95_ms": results["caseload"]["p95_ms"],
        "bare_p95_ms": bare,
        "ratio": round(results["caseload"]["p95_ms"] / bare, 2),
        "households": args.households,
        "queries": queries["caseload"],
    }
    out = HERE / "results" / f"caseload-{summary['date']}-{summary['database']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
