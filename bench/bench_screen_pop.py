"""Screen pop by phone number with 2.5 million residents loaded. Target: p99 under 20 ms.

Run from the checkout; the first run builds the bench population (bench/build_population.py), later runs
reuse it:

    .venv/bin/python bench/bench_screen_pop.py                       # SQLite: var/bench/anxin_bench.sqlite3
    .venv/bin/python bench/bench_screen_pop.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_bench
    .venv/bin/python bench/bench_screen_pop.py --json var/bench/results.jsonl   # also append the figures

It times ``anxin.hotline.selectors.screen_pop(agent, phone)``, the call the desk's pop view makes, for an
agent covering the whole district, over ``--calls`` random numbers (``--missing`` of them unknown), in this
process, after ``--warmup`` untimed calls. The agent's covered places are forgotten before every call, as
they would be on a fresh request. It then times ``GET /api/residents?phone=`` through Django's test Client
(in process: middleware, token auth, lookup, JSON) for the same numbers, unless ``--no-api``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    add_run_arguments,
    append_json,
    database_label,
    machine,
    now_iso,
    print_table,
    setup_django,
    summarise_ms,
    wait_for_quiet,
)

TARGET_P99_MS = 20.0


def sample_phones(count: int, missing_share: float, rng: random.Random) -> list[str]:
    """Numbers of random residents (each drawn by a random id) mixed with numbers nobody has."""
    from anxin.people.models import Resident
    from bench.build_population import MISSING_PHONE_PREFIX

    missing = round(count * missing_share)
    top = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    existing: list[str] = []
    while len(existing) < count - missing:
        ids = [rng.randint(1, top) for _ in range(2 * (count - missing - len(existing)))]
        found = Resident.objects.filter(pk__in=ids).exclude(phone="").values_list("phone", flat=True)
        existing.extend(list(found)[: count - missing - len(existing)])
    unknown = [f"{MISSING_PHONE_PREFIX}{rng.randrange(100_000_000):08d}" for _ in range(missing)]
    phones = existing + unknown
    rng.shuffle(phones)
    return phones


def time_screen_pop(user, phones: list[str]) -> tuple[list[int], int]:
    from anxin.hotline.selectors import screen_pop

    latencies = []
    found = 0
    for phone in phones:
        user.__dict__.pop("_covered_paths", None)  # a new request starts without the cached scope
        started = time.perf_counter_ns()
        entries = screen_pop(user, phone)
        latencies.append(time.perf_counter_ns() - started)
        found += len(entries)
    return latencies, found


def count_queries(user, phones: list[str]) -> float:
    from django.db import connection

    from anxin.hotline.selectors import screen_pop

    calls = 0

    def counter(execute, sql, params, many, context):
        nonlocal calls
        calls += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        for phone in phones:
            user.__dict__.pop("_covered_paths", None)
            screen_pop(user, phone)
    return calls / len(phones)


def time_api(user, phones: list[str]) -> list[int]:
    from django.test import Client

    from anxin.accounts.models import ApiToken

    token, raw = ApiToken.issue(user=user, name="bench screen pop")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    latencies = []
    try:
        for phone in phones[:50]:
            client.get("/api/residents", {"phone": phone})
        for phone in phones:
            started = time.perf_counter_ns()
            response = client.get("/api/residents", {"phone": phone})
            latencies.append(time.perf_counter_ns() - started)
            if response.status_code != 200:
                raise SystemExit(f"GET /api/residents?phone={phone} answered {response.status_code}")
    finally:
        token.delete()
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--missing", type=float, default=0.1, help="share of unknown numbers")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-api", action="store_true", help="skip GET /api/residents")
    args = parser.parse_args(argv)

    setup_django(args.database_url)
    from anxin.accounts.models import User
    from bench.build_population import AGENT_USERNAME, DEFAULT_RESIDENTS, ensure_population

    size = ensure_population(args.database_url, residents=args.residents or DEFAULT_RESIDENTS)
    rng = random.Random(args.seed)
    agent = User.objects.get(username=AGENT_USERNAME.format(1))
    phones = sample_phones(args.calls, args.missing, rng)
    warmup = sample_phones(args.warmup, args.missing, random.Random(args.seed + 1))

    time_screen_pop(agent, warmup)
    busy_before = wait_for_quiet(args.wait_quiet) if args.wait_quiet else None
    latencies, found = time_screen_pop(agent, phones)
    pop = summarise_ms(latencies)
    queries = count_queries(agent, phones[:300])
    rows = [["screen_pop()", pop["count"], pop["p50_ms"], pop["p95_ms"], pop["p99_ms"], pop["max_ms"]]]
    api = None
    if not args.no_api:
        api = summarise_ms(time_api(agent, phones))
        rows.append(
            ["GET /api/residents", api["count"], api["p50_ms"], api["p95_ms"], api["p99_ms"], api["max_ms"]]
        )

    label = database_label(args.database_url)
    met = pop["p99_ms"] < TARGET_P99_MS
    print()
    print(f"Screen pop on {label}: {size['residents']:,} residents, {size['places']:,} places")
    print(
        f"{args.calls:,} numbers ({args.missing:.0%} unknown), {found:,} residents popped, {queries:.1f} queries per pop"
    )
    print()
    print_table(["what", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows)
    print()
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: {'met' if met else 'MISSED'}")
    append_json(
        args.json,
        {
            "bench": "screen_pop",
            "at": now_iso(),
            "database": label,
            "dataset": size,
            "calls": args.calls,
            "missing_share": args.missing,
            "residents_popped": found,
            "queries_per_pop": round(queries, 2),
            "screen_pop": pop,
            "api_residents": api,
            "target_p99_ms": TARGET_P99_MS,
            "target_met": met,
            "machine_busy_before": busy_before,
            "machine": machine(args.database_url),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
