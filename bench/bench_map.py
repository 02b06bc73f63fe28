"""The compound epidemic map of an 857-household compound. Target: each render under 1 second.

    .venv/bin/python bench/bench_map.py                      # SQLite: var/bench/anxin_map_bench.sqlite3
    .venv/bin/python bench/bench_map.py --json var/bench/results.jsonl   # also append the figures

The compound is the demo's locked compound (anxin.demo.compound, after the Zhengzhou report of seed 004): 15
buildings, 857 households, 2,122 people, 45 of them in special groups (5 confirmed, 4 in central and 8 in home
quarantine, 14 disabled, 5 on dialysis, 3 on chemotherapy, 6 pregnant), built from the demo's seeded
generator under its own district (code 990000) and rebuilt on every run, so its quarantine dates are relative
to today. Other places and residents in the database (``--database-url`` pointing at the 2.5-million bench
database, say) are left alone.

It times, in this process, for a command-centre user covering the district:
- ``read``: ``compound_map_read`` (the buildings, units and residents' tags: the database part of every render);
- ``live``: the page's polled partial (``views.compound_map_live``: read, layout, SVG, template), and ``page``:
  the whole map page;
- ``a4.pdf``, ``a4.png``, ``a3.pdf``, ``a3.png``: the gate printout (``views.compound_print``: read, sheet,
  Pillow drawing and encoding). The first printout of a process also loads the font and draws every label
  once; it is reported apart as ``cold``.
Views are called directly with a RequestFactory request (no middleware, no session lookup).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    append_json,
    database_label,
    machine,
    now_iso,
    print_table,
    setup_django,
    summarise_ms,
    wait_for_quiet,
)

TARGET_MS = 1000.0
DISTRICT = "990000"
USERNAME = "bench_map"
SEED = 857
PRINTS = [("a4", "pdf"), ("a4", "png"), ("a3", "pdf"), ("a3", "png")]


def _delete_compound() -> None:
    from anxin.people.models import Resident
    from anxin.places.models import Place

    root = f"/{DISTRICT}/"
    Resident.objects.filter(household__path__startswith=root).delete()
    for kind in ("unit", "building", "compound", "grid", "community", "street", "district"):
        Place.objects.filter(path__startswith=root, kind=kind).delete()


def _skeleton():
    from anxin.places.models import Place

    district = Place.objects.create(code=DISTRICT, name="基准区", kind=Place.Kind.DISTRICT)
    street = Place.objects.create(
        code=f"{DISTRICT}001", name="北林街道", kind=Place.Kind.STREET, parent=district
    )
    community = Place.objects.create(
        code=f"{DISTRICT}001001", name="牧专社区", kind=Place.Kind.COMMUNITY, parent=street
    )
    grid = Place.objects.create(
        code=f"{DISTRICT}001001G1",
        name="牧专第一网格",
        kind=Place.Kind.GRID,
        parent=community,
        lat=22.70,
        lon=114.05,
    )
    return district, grid


def build_compound():
    """(compound, user): the locked compound, built afresh, and a user covering its district."""
    from django.db import transaction
    from django.utils import timezone

    from anxin.accounts.models import User
    from anxin.accounts.roles import Role
    from anxin.demo.compound import assign_locked_specials, locked_households, plan_locked_compound
    from anxin.demo.geography import HousingPlanner
    from anxin.demo.numbers import NumberBook
    from anxin.demo.population import PopulationBuilder, assign_chronic
    from anxin.people.models import Resident

    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        _delete_compound()
        district, grid = _skeleton()
        planner = HousingPlanner(rng)
        compound, units = plan_locked_compound(planner, grid)
        builder = PopulationBuilder(rng, today, NumberBook(rng, area_code="410105"))
        households = locked_households(builder)
        residents = [r for household in households for r in household]
        assign_chronic(rng, residents, today)
        assign_locked_specials(builder, residents, today)
        planner.plan.write()
        for household, unit in zip(households, units, strict=True):
            for resident in household:
                resident.household = unit
        Resident.objects.bulk_create(residents, batch_size=500)
        user = User.objects.filter(username=USERNAME).first() or User.objects.create_user(
            username=USERNAME, password=None, role=Role.COMMAND
        )
        user.places.set([district])
    return compound, user


def _request(user, path: str):
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = user
    return request


def _time(call, rounds: int) -> list[int]:
    latencies = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        call()
        latencies.append(time.perf_counter_ns() - started)
    return latencies


def _check(response, content_type: str) -> None:
    if response.status_code != 200 or not response["Content-Type"].startswith(content_type):
        raise RuntimeError(f"unexpected response {response.status_code} {response['Content-Type']}")


def run(compound, user, rounds: int, print_rounds: int) -> dict[str, dict[str, float]]:
    from django.db import reset_queries

    from anxin.places import views
    from anxin.places.epimap.selectors import compound_map_read

    def live():
        response = views.compound_map_live(_request(user, "/map/live/"), compound.pk)
        _check(response, "text/html")
        reset_queries()

    def page():
        _check(views.compound_map(_request(user, "/map/"), compound.pk), "text/html")
        reset_queries()

    def printout(paper: str, fmt: str):
        def call():
            response = views.compound_print(_request(user, "/map/print/"), compound.pk, paper, fmt)
            _check(response, {"pdf": "application/pdf", "png": "image/png"}[fmt])
            reset_queries()

        return call

    started = time.perf_counter_ns()
    printout("a3", "png")()
    figures = {"cold": summarise_ms([time.perf_counter_ns() - started])}
    live()  # warm: templates, URL resolver, connection
    figures["read"] = summarise_ms(_time(lambda: compound_map_read(user, compound), rounds))
    figures["live"] = summarise_ms(_time(live, rounds))
    figures["page"] = summarise_ms(_time(page, rounds))
    for paper, fmt in PRINTS:
        figures[f"{paper}.{fmt}"] = summarise_ms(_time(printout(paper, fmt), print_rounds))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'anxin_map_bench.sqlite3'}")
    parser.add_argument("--rounds", type=int, default=40, help="timed calls of each page render")
    parser.add_argument("--print-rounds", type=int, default=15, help="timed calls of each printout")
    parser.add_argument("--wait-quiet", type=float, default=60.0)
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    compound, user = build_compound()
    built = time.perf_counter() - started
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    figures = run(compound, user, args.rounds, args.print_rounds)
    label = database_label(args.database_url)
    print(f"Compound map, {compound.name}: 857 households, 2,122 people ({label}); built in {built:.1f} s")
    print_table(
        ["render", "calls", "p50 ms", "p95 ms", "max ms", "target ms"],
        [[name, f["count"], f["p50_ms"], f["p95_ms"], f["max_ms"], TARGET_MS] for name, f in figures.items()],
    )
    append_json(
        args.json,
        {
            "bench": "compound_map",
            "at": now_iso(),
            "database": label,
            "households": 857,
            "figures": figures,
            "machine": machine(args.database_url),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
