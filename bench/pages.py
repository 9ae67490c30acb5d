"""Speed of the hot pages under concurrent load, against a bare Django view in the same run.

    .venv/bin/python bench/pages.py [--requests 400] [--concurrency 20] [--workers 2]

A fresh database (SQLite in a temporary folder, or DATABASE_URL) gets the test world plus a household with
200 timeline events and 50 open plan actions, and 50 open activations (each about its own household) in
the professional's inbox; a second household with 2,000 events and 20 members for the same professional;
and a colleague in another team working with 300 households (with actions and danger flags). Verband
is served by gunicorn exactly as `verband start` serves it; 20 client threads then request, signed in as
that professional or the colleague (session cookies):

- baseline: a bare Django view behind the same middleware (sessions, login, second factor, CSP, ...),
- household: /huishoudens/<ref>/ (the shared timeline, members, safety, regie, handovers and help),
- inbox: /werkbak/ (50 open activations with clocks and danger flags),
- mywork: /mijn-werk/ of the colleague with 300 households,
- big_household: /huishoudens/<ref>/ of the household with 2,000 events and 20 members.

The access log's sealer runs beside the server, as a worker runs it beside `verband start`. Latencies are
wall-clock per request (p50, p95). The pages' p95 is worth reading as a ratio to the
baseline's p95 measured in the same run on the same machine. The last printed line is JSON; results are
also written to bench/results/pages-<date>-<database>.json."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))


def setup(data_dir: Path) -> None:
    os.environ["VERBAND_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("VERBAND_DEMO", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()


@dataclass(frozen=True)
class DataSet:
    cookie: str  # the professional (household pages, inbox)
    colleague_cookie: str  # the colleague with 300 households (Mijn werk)
    reference: str
    events: int
    big_reference: str
    big_events: int
    big_members: int
    mywork_households: int


def build() -> DataSet:
    """The data set and the session cookies."""
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from verband.households.models import EventKind, Household, HouseholdEvent, HouseholdMember, Person
    from verband.plans.models import FamilyPlan, PlanAction
    from verband.signals.models import Activation, Signal
    from verband.testing import build_world, sign_in

    call_command("migrate", verbosity=0)
    world = build_world()
    household = world.household
    now = timezone.now()
    HouseholdEvent.objects.bulk_create(
        HouseholdEvent(
            household=household,
            kind=EventKind.NOTE,
            summary=f"Gebeurtenis {n}: contact met het gezin",
            organisation=world.org_a,
            at=now - timedelta(hours=n),
        )
        for n in range(200)
    )
    plan, _ = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            text=f"Actie {n}",
            owner_organisation=world.org_a,
            owner_user=world.involved if n % 2 else None,
            due_on=timezone.localdate() + timedelta(days=n - 10),
            order=n,
        )
        for n in range(50)
    )
    # The inbox: 50 open activations for the professional's team, each about its own household.
    for n in range(50):
        other = Household.objects.create(reference=f"HH-B-{n:04d}", region=world.region)
        HouseholdMember.objects.create(
            household=other,
            person=Person.objects.create(given_names="Sam", family_name=f"Bank{n}"),
            role="victim",
        )
        signal = Signal.objects.create(
            region=world.region,
            kind="report",
            description=f"Melding {n}",
            source_organisation=world.org_b,
            household=other,
            status="routed",
            reference=f"SIG-B-{n:04d}",
        )
        Activation.objects.create(
            signal=signal,
            household=other,
            team=world.team_a1,
            purpose="help",
            reason="Kinderen: wijkteam",
            norm_working_days=2,
            due_on=timezone.localdate() + timedelta(days=n % 7),
        )
    big = big_household(world)
    mywork = many_households(world)
    client = Client()
    sign_in(client, world.involved)
    colleague = Client()
    sign_in(colleague, world.colleague)
    return DataSet(
        cookie=client.cookies["sessionid"].value,
        colleague_cookie=colleague.cookies["sessionid"].value,
        reference=household.reference,
        events=household.events.count(),
        big_reference=big.reference,
        big_events=big.events.count(),
        big_members=big.members.count(),
        mywork_households=mywork,
    )


def big_household(world: object) -> object:
    """A household of 20 members (parents, children, grandparents; each with an address, related to one
    another) with 2,000 timeline events, for the professional's team."""
    from django.utils import timezone

    from verband.actors import SYSTEM
    from verband.households.models import (
        Address,
        EventKind,
        Household,
        HouseholdEvent,
        HouseholdMember,
        Person,
        Relation,
    )
    from verband.sharing import services

    household = Household.objects.create(reference="HH-G-0001", region=world.region)  # type: ignore[attr-defined]
    roles = ["victim", "perpetrator"] + ["child"] * 12 + ["other"] * 6
    persons = []
    for n, role in enumerate(roles):
        person = Person.objects.create(
            given_names=f"Lid{n}",
            family_name="Groot",
            birth_year=1950 + 3 * n,
            birth_month=1,
            birth_day=1 + n,
        )
        Address.objects.create(
            person=person, street="Lange Laan", house_number=str(n + 1), postcode="1012AB", city="Testdorp"
        )
        HouseholdMember.objects.create(household=household, person=person, role=role)
        persons.append(person)
    Relation.objects.bulk_create(
        Relation(person=persons[0], other=child, kind="parent_of") for child in persons[2:14]
    )
    services.involve(
        SYSTEM,
        household,
        team=world.team_a1,
        purpose="help",
        legal_basis="legal_task",
        started_on=date(2026, 1, 5),  # type: ignore[attr-defined]
    )
    now = timezone.now()
    HouseholdEvent.objects.bulk_create(
        (
            HouseholdEvent(
                household=household,
                kind=EventKind.NOTE,
                summary=f"Gebeurtenis {n}: gesprek met het gezin",
                organisation=world.org_a,  # type: ignore[attr-defined]
                at=now - timedelta(hours=n),
            )
            for n in range(2000)
        ),
        batch_size=500,
    )
    return household


def many_households(world: object, count: int = 300) -> int:
    """The colleague's team works with `count` households of two members each; every third has an open
    action for the colleague, every fifth a danger flag."""
    from django.utils import timezone

    from verband.actors import SYSTEM
    from verband.households.models import Household, HouseholdMember, Person
    from verband.plans.models import FamilyPlan, PlanAction
    from verband.safety.models import DangerFact
    from verband.sharing import services

    for n in range(count):
        household = Household.objects.create(reference=f"HH-W-{n:04d}", region=world.region)  # type: ignore[attr-defined]
        HouseholdMember.objects.bulk_create(
            [
                HouseholdMember(
                    household=household,
                    person=Person.objects.create(given_names="Iris", family_name=f"Werk{n}"),
                    role="victim",
                ),
                HouseholdMember(
                    household=household,
                    person=Person.objects.create(given_names="Tim", family_name=f"Werk{n}"),
                    role="child",
                ),
            ]
        )
        services.involve(
            SYSTEM,
            household,
            team=world.team_a2,  # type: ignore[attr-defined]
            purpose="help",
            legal_basis="legal_task",
            started_on=date(2026, 1, 5),
        )
        if n % 3 == 0:
            plan, _ = FamilyPlan.objects.get_or_create(household=household, defaults={"version": 1})
            PlanAction.objects.create(
                plan=plan,
                text=f"Werkactie {n}",
                owner_organisation=world.org_a,  # type: ignore[attr-defined]
                owner_user=world.colleague,  # type: ignore[attr-defined]
                due_on=timezone.localdate() + timedelta(days=n % 20 - 5),
            )
        if n % 5 == 0:
            DangerFact.objects.create(household=household, kind="weapon")
    return count


def serve(port: int, workers: int, data_dir: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=f"{HERE}{os.pathsep}{ROOT / 'src'}")
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "verband.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def wait_ready(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, cookie: str, requests: int, concurrency: int) -> list[float]:
    """`requests` GETs of `path` from `concurrency` threads; every answer must be 200."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_thread = [
        requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)
    ]

    def run(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": f"sessionid={cookie}", "Accept-Language": "nl"}
        for _ in range(count):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(f"{path}: {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    threads = [threading.Thread(target=run, args=(n,)) for n in per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[0]}")
    return latencies


class Sealer(threading.Thread):
    """The access log's sealer, as every worker runs it beside the web server (`verband.background.sealer`):
    the entries the pages write are chained every VERBAND_ACCESS_LOG_SEAL_SECONDS while the load runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done = threading.Event()
        self.sealed = 0

    def run(self) -> None:
        from django.conf import settings
        from django.db import connection

        from verband.sharing.accesslog import seal

        try:
            while not self.done.is_set():
                self.sealed += seal()
                self.done.wait(settings.ACCESS_LOG_SEAL_SECONDS)
        finally:
            connection.close()

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=60)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="verband-bench-"))
    setup(data_dir)
    data = build()
    server = serve(args.port, args.workers, data_dir)
    sealing = Sealer()
    try:
        wait_ready(args.port)
        sealing.start()
        paths = {
            "baseline": ("/bench/bare/", data.cookie),
            "household": (f"/huishoudens/{data.reference}/", data.cookie),
            "inbox": ("/werkbak/", data.cookie),
            "mywork": ("/mijn-werk/", data.colleague_cookie),
            "big_household": (f"/huishoudens/{data.big_reference}/", data.cookie),
        }
        for path, cookie in paths.values():  # warm up every worker
            load(args.port, path, cookie, args.concurrency, args.concurrency)
        results: dict[str, dict[str, float]] = {}
        for name, (path, cookie) in paths.items():
            latencies = load(args.port, path, cookie, args.requests, args.concurrency)
            results[name] = {"p50_ms": round(p(latencies, 50), 1), "p95_ms": round(p(latencies, 95), 1)}
            print(
                f"{name:14s} {path:28s} p50 {results[name]['p50_ms']:7.1f} ms   p95 {results[name]['p95_ms']:7.1f} ms"
            )
    finally:
        sealing.stop()
        server.terminate()
        server.wait(timeout=30)
    from django.db import connection
    from django.utils import timezone

    summary = {
        "date": timezone.localdate().isoformat(),
        "database": connection.vendor,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "gunicorn_workers": args.workers,
        "timeline_events": data.events,
        "open_actions": 50,
        "inbox_items": 50,
        "mywork_households": data.mywork_households,
        "big_household_events": data.big_events,
        "big_household_members": data.big_members,
        "access_log_entries_sealed": sealing.sealed,
        "baseline_p95_ms": results["baseline"]["p95_ms"],
    }
    for name in ("household", "inbox", "mywork", "big_household"):
        summary[f"{name}_p95_ms"] = results[name]["p95_ms"]
        summary[f"{name}_ratio"] = round(results[name]["p95_ms"] / results["baseline"]["p95_ms"], 1)
    out = HERE / "results" / f"pages-{summary['date']}-{summary['database']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
