"""A worker's monitoring worklist with 2.5 million residents and 300,000 monitored. Target: p95 under 200 ms.

Run from the checkout. The first run builds its own database (later runs reuse it; ``--rebuild`` starts over):

    .venv/bin/python bench/bench_worklist.py                    # SQLite: var/bench/anxin_monitoring_bench.sqlite3
    .venv/bin/python bench/bench_worklist.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_monitoring_bench
    .venv/bin/python bench/bench_worklist.py --json var/bench/results.jsonl   # also append the figures

What it builds, from bench/build_population.py's generators and seed (the same district: 6 streets, 54
communities, 432 grids, about a million flats, 2.5 million residents with their key-population facts):

1. Places and residents in bulk (SQLite: one transaction of ``executemany``, indexes rebuilt after;
   PostgreSQL: ``COPY``), each resident's risk level computed on the way by the people rules
   (``derive_tags`` + ``assess_risk``), exactly as ``refresh_risk`` would store it.
2. A grid worker for every grid and a family doctor for every community, with their ``PlaceDuty``.
3. The monitored population: every resident the rules rate medium or high, topped up to ``--monitored`` with
   residents given the hand-set tag ``mental_health`` (a medium-risk tag), since the generator's facts alone
   rate fewer.
4. ``enrolment_sync()``, the service itself (timed), enrols them: plan, worker, place, risk rank.
5. Due dates spread as a district looks mid-morning: most checks due today, some one to three days overdue,
   some already done today, medium-risk checks spread over their three days.

It then times, for every grid worker and family doctor (``--rounds`` times, in shuffled order, after a warm-up):
``monitoring.selectors.worklist_for(user)`` (the first page, 50 checks, and the counts), the page ``GET
/monitoring/`` through Django's test Client (session, middleware, the 50 rows rendered; a row's recording form
loads when tapped), and ``GET /api/monitoring/worklist`` (its default page, also 50). The user's covered places are forgotten before every selector call, as
on a fresh request.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_population import (  # noqa: E402
    GENERATED_ON,
    SEED,
    ensure_database,
    load_pg,
    load_sqlite,
)
from bench.common import (  # noqa: E402
    BENCH_DIR,
    append_json,
    database_label,
    is_sqlite,
    machine,
    now_iso,
    print_table,
    setup_django,
    summarise_ms,
    wait_for_quiet,
)

TARGET_P95_MS = 200.0
DEFAULT_URL = f"sqlite:///{BENCH_DIR / 'anxin_monitoring_bench.sqlite3'}"
DEFAULT_RESIDENTS = 2_500_000
DEFAULT_MONITORED = 300_000


def log(message: str) -> None:
    print(f"[worklist] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# Building


def _staff() -> None:
    """A grid worker per grid and a family doctor per community, covering it and holding its duty."""
    from django.db import transaction

    from anxin.accounts.models import User
    from anxin.accounts.roles import Role
    from anxin.places.models import Place, PlaceDuty

    with transaction.atomic():
        holders = [
            (grid, Role.GRID_WORKER, f"grid_{grid.code}", PlaceDuty.Duty.GRID_WORKER)
            for grid in Place.objects.filter(kind=Place.Kind.GRID).only("id", "code", "name")
        ] + [
            (community, Role.FAMILY_DOCTOR, f"doctor_{community.code}", PlaceDuty.Duty.FAMILY_DOCTOR)
            for community in Place.objects.filter(kind=Place.Kind.COMMUNITY).only("id", "code", "name")
        ]
        users = [User(username=name, role=role, display_name=name) for _, role, name, _ in holders]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users, batch_size=1000)
        by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
        through = User.places.through
        through.objects.bulk_create(
            [through(user_id=by_name[name].pk, place_id=place.pk) for place, _, name, _ in holders],
            batch_size=1000,
        )
        PlaceDuty.objects.bulk_create(
            [PlaceDuty(place=place, user=by_name[name], duty=duty) for place, _, name, duty in holders],
            batch_size=1000,
        )
    log(f"staff: {len(users)} grid workers and family doctors with their duties")


def _top_up(monitored: int, rng: random.Random) -> int:
    """Give residents the hand-set medium-risk tag until ``monitored`` are rated medium or high."""
    from django.db import connection

    from anxin.people.models import Resident

    rated = Resident.objects.filter(risk_level__in=["high", "medium"]).count()
    missing = max(0, monitored - rated)
    log(f"the rules rate {rated:,} residents medium or high; topping up {missing:,} (tag mental_health)")
    if not missing:
        return rated
    low_ids = list(Resident.objects.filter(risk_level="low").order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(low_ids, missing))
    cast = "" if connection.vendor == "sqlite" else "::jsonb"
    sql = (
        f"UPDATE people_resident SET risk_level = 'medium', manual_tags = %s{cast}, "  # noqa: S608 - constant
        f"risk_rules = %s{cast} WHERE id = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(chosen), 20_000):
            cursor.executemany(
                sql,
                [('["mental_health"]', '["R-MEDIUM-MENTAL"]', pk) for pk in chosen[start : start + 20_000]],
            )
    return rated + missing


def _spread_due_dates(today: date, rng: random.Random) -> dict[str, int]:
    """Mid-morning in a working district: most checks due today, some overdue, some done, medium-risk checks
    spread over their three days."""
    from django.db import connection, transaction

    from anxin.monitoring.models import Enrolment

    rows = list(Enrolment.objects.filter(ended_on__isnull=True).values_list("pk", "plan"))
    updates, counts = [], {"due_today": 0, "overdue": 0, "done_today": 0, "later": 0}
    for pk, plan in rows:
        roll = rng.random()
        if plan == "M-MEDIUM-3DAY":
            offset = -rng.randint(1, 2) if roll < 0.12 else (0 if roll < 0.45 else rng.randint(1, 2))
        else:
            offset = -rng.randint(1, 3) if roll < 0.12 else 0
        done = offset == 0 and rng.random() < 0.10
        due = today + timedelta(days=1 if done else offset)
        reading = json.dumps(
            {"spo2": rng.randint(94, 99), "temperature_c": round(rng.uniform(36.1, 37.4), 1)}
        )
        updates.append((due, today if done else None, reading, pk))
        kind = (
            "done_today" if done else ("overdue" if offset < 0 else ("due_today" if offset == 0 else "later"))
        )
        counts[kind] += 1
    cast = "" if connection.vendor == "sqlite" else "::jsonb"
    sql = (
        "UPDATE monitoring_enrolment SET next_due_on = %s, last_reached_on = %s, "  # noqa: S608 - constant
        f"last_reading = %s{cast} WHERE id = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(updates), 20_000):
            cursor.executemany(sql, updates[start : start + 20_000])
    return counts


def ensure_dataset(url: str, *, residents: int, monitored: int, rebuild: bool) -> dict[str, object]:
    """Build the bench database unless it is there. Precondition: Django is set up on ``url``."""
    ensure_database(url, rebuild=rebuild)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anxin.monitoring.models import Enrolment
    from anxin.people.models import Resident

    call_command("migrate", interactive=False, verbosity=0)
    present = Resident.objects.count()
    if present == residents and Enrolment.objects.exists():
        log(
            f"reusing {present:,} residents and {Enrolment.objects.filter(ended_on__isnull=True).count():,} enrolments"
        )
        return {"built": False}
    if present:
        raise SystemExit(
            f"the bench database holds {present:,} residents, not {residents:,}: run with --rebuild"
        )
    today = timezone.localdate()
    rng = random.Random(SEED)
    facts: dict[str, object] = {"built": True}
    started = time.perf_counter()
    connection.close()
    # Facts as generated for build_population's day, risk rated today (as the daily refresh would).
    if is_sqlite(url):
        load_sqlite(urlsplit(url).path, residents, rng, GENERATED_ON, rated_on=today)
    else:
        load_pg(url, residents, rng, GENERATED_ON, rated_on=today)
    facts["load_seconds"] = round(time.perf_counter() - started, 1)
    _staff()
    facts["rated_monitored"] = _top_up(monitored, random.Random(SEED + 1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_resident")
    from anxin.monitoring.services import enrolment_sync

    started = time.perf_counter()
    result = enrolment_sync(today=today)
    facts["sync_seconds"] = round(time.perf_counter() - started, 1)
    facts["enrolled"] = result.enrolled
    log(f"enrolment_sync: {result.enrolled:,} enrolled in {facts['sync_seconds']} s")
    facts["due"] = _spread_due_dates(today, random.Random(SEED + 2))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_enrolment")
    log(f"built in {time.perf_counter() - started + facts['load_seconds']:.0f} s: {facts}")
    return facts


# ---------------------------------------------------------------------------------------------------------
# Timing


def workers() -> list:
    from anxin.accounts.models import User
    from anxin.accounts.roles import Role

    return list(User.objects.filter(role__in=[Role.GRID_WORKER, Role.FAMILY_DOCTOR]).order_by("pk"))


def list_sizes(users: list) -> dict[str, float]:
    from django.db.models import Count
    from django.utils import timezone

    from anxin.monitoring.models import Enrolment

    today = timezone.localdate()
    per_worker = dict(
        Enrolment.objects.filter(next_due_on__lte=today, worker__isnull=False)
        .values_list("worker")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sizes = sorted(per_worker.get(u.pk, 0) for u in users)
    return {"median_due": sizes[len(sizes) // 2], "max_due": sizes[-1], "workers": len(sizes)}


def time_selector(users: list, rounds: int, rng: random.Random) -> tuple[list[int], float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from anxin.monitoring.selectors import worklist_for

    for user in users[:20]:
        worklist_for(user)
    latencies = []
    for _ in range(rounds):
        order = users[:]
        rng.shuffle(order)
        for user in order:
            user._covered_paths = None
            started = time.perf_counter_ns()
            worklist_for(user)
            latencies.append(time.perf_counter_ns() - started)
            reset_queries()
    with CaptureQueriesContext(connection) as queries:
        users[0]._covered_paths = None
        worklist_for(users[0])
    return latencies, len(queries)


def time_page(users: list, rounds: int, rng: random.Random) -> list[int]:
    from django.db import reset_queries
    from django.test import Client

    clients = {}
    for user in users:
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    for user in users[:20]:
        assert clients[user.pk].get("/monitoring/").status_code == 200
    latencies = []
    for _ in range(rounds):
        order = users[:]
        rng.shuffle(order)
        for user in order:
            started = time.perf_counter_ns()
            response = clients[user.pk].get("/monitoring/")
            latencies.append(time.perf_counter_ns() - started)
            assert response.status_code == 200, response.status_code
            reset_queries()
    return latencies


def time_api(users: list, rounds: int, rng: random.Random) -> list[int]:
    from django.db import reset_queries
    from django.test import Client

    from anxin.accounts.models import ApiToken

    clients = {}
    for user in users:
        _, raw = ApiToken.issue(user=user, name="bench")
        clients[user.pk] = Client(headers={"Authorization": f"Bearer {raw}"})
    for user in users[:20]:
        assert clients[user.pk].get("/api/monitoring/worklist").status_code == 200
    latencies = []
    try:
        for _ in range(rounds):
            order = users[:]
            rng.shuffle(order)
            for user in order:
                started = time.perf_counter_ns()
                response = clients[user.pk].get("/api/monitoring/worklist")
                latencies.append(time.perf_counter_ns() - started)
                assert response.status_code == 200, response.status_code
                reset_queries()
    finally:
        ApiToken.objects.filter(name="bench").delete()
    return latencies


def query_plan(user) -> list[str]:
    """How the database reads the page query (the worker's index, then the scope)."""
    from django.db import connection
    from django.utils import timezone

    from anxin.monitoring.selectors import WORKLIST_PAGE, worklist_qs

    order = ("risk_rank", "next_due_on", "due_minute", "pk")
    qs = worklist_qs(user, timezone.localdate()).order_by(*order)[:WORKLIST_PAGE]
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--residents", type=int, default=DEFAULT_RESIDENTS)
    parser.add_argument("--monitored", type=int, default=DEFAULT_MONITORED)
    parser.add_argument("--rounds", type=int, default=3, help="times each worker's list is timed")
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build it again")
    parser.add_argument("--wait-quiet", type=float, default=120.0)
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    args = parser.parse_args(argv)

    setup_django(args.database_url)
    build = ensure_dataset(
        args.database_url, residents=args.residents, monitored=args.monitored, rebuild=args.rebuild
    )
    from anxin.monitoring.models import Enrolment

    users = workers()
    sizes = list_sizes(users)
    monitored = Enrolment.objects.filter(ended_on__isnull=True).count()
    plan = query_plan(next(u for u in users if u.role == "family_doctor"))  # the longest lists
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    rng = random.Random(7)
    selector, queries = time_selector(users, args.rounds, rng)
    page = time_page(users, args.rounds, rng)
    api = time_api(users, args.rounds, rng)
    label = database_label(args.database_url)
    figures = {"selector": summarise_ms(selector), "page": summarise_ms(page), "api": summarise_ms(api)}
    print(
        f"Worklist, {args.residents:,} residents, {monitored:,} monitored, {sizes['workers']} workers "
        f"(due today per worker: median {sizes['median_due']}, max {sizes['max_due']}), {label}"
    )
    print_table(
        ["call", "calls", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p95 ms"],
        [
            [name, f["count"], f["p50_ms"], f["p95_ms"], f["p99_ms"], f["max_ms"], TARGET_P95_MS]
            for name, f in (
                ("worklist_for()", figures["selector"]),
                ("GET /monitoring/", figures["page"]),
                ("GET /api/monitoring/worklist", figures["api"]),
            )
        ],
    )
    print(f"queries per worklist_for(): {queries}")
    print("query plan of the page query:")
    for line in plan:
        print(f"  {line}")
    append_json(
        args.json,
        {
            "bench": "monitoring_worklist",
            "at": now_iso(),
            "database": label,
            "residents": args.residents,
            "monitored": monitored,
            **sizes,
            "build": build,
            "queries": queries,
            **{f"{name}_{key}": value for name, f in figures.items() for key, value in f.items()},
            "machine": machine(args.database_url),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
