"""CPU per request of POST /api/cases against GET /api/ping, in process: no server, no load generator.

``bench/bench_intake.py`` measures the served figures; this script isolates what the application itself
costs, so a change to the intake path can be judged in seconds and profiled:

    .venv/bin/python bench/intake_cpu.py                  # 3 rounds of 300 pings and 300 intakes
    .venv/bin/python bench/intake_cpu.py -n 500 --rounds 5
    .venv/bin/python bench/intake_cpu.py --profile        # cProfile of the intakes, by cumulative and tottime
    .venv/bin/python bench/intake_cpu.py --queries        # the SQL statements of one intake of each kind

It uses its own SQLite file, ``var/bench/intake_cpu.sqlite3`` (migrated and loaded with a small bench
population by ``bench/build_population.py`` on first use; ``--rebuild`` starts over), never the big bench
database. Requests go through Django's WSGI handler exactly as gunicorn calls it: every middleware, URL
resolution, django-ninja, the request_started/request_finished signals (the connection is kept, as
CONN_MAX_AGE keeps it in the server). The request bodies are bench_intake.py's mix: 85 % name a resident
as caller and subject (some P4 calls closed at first contact), 15 % come from an unknown number.

Each round times ``-n`` pings, then ``-n`` intakes, with ``time.process_time``; the figures are CPU ms
per request (median and range over the rounds) and intake ÷ ping. The target of issue 2 (intake
throughput ≥ 0.5 × ping on the same cores) means an intake may cost at most about two pings. The cases,
events, overrides and SLA tasks the run created are deleted at the end, so reruns start from the same
database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_intake import _request as intake_request  # noqa: E402
from bench.bench_intake import delete_cases_after  # noqa: E402
from bench.common import BENCH_DIR, setup_django  # noqa: E402

DEFAULT_URL = f"sqlite:///{BENCH_DIR / 'intake_cpu.sqlite3'}"
DEFAULT_RESIDENTS = 5_000


class Driver:
    """Calls the WSGI application the way gunicorn does, with one agent's bearer token."""

    def __init__(self, token: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()
        self.auth = f"Bearer {token}"

    def call(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        body = body or b""
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8231",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8231",
            "HTTP_AUTHORIZATION": self.auth,
            "HTTP_CONNECTION": "keep-alive",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        status: list[str] = []
        response = self.app(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            data = b"".join(response)
        finally:
            response.close()  # fires request_finished, as the server does
        return int(status[0].split()[0]), data


def timed(driver: Driver, requests: list[tuple[str, str, bytes | None]], expected: int) -> float:
    """CPU seconds for the requests, checking each answered ``expected``."""
    started = time.process_time()
    for method, path, body in requests:
        status, data = driver.call(method, path, body)
        if status != expected:
            raise SystemExit(f"{method} {path} answered {status}: {data[:500].decode(errors='replace')}")
    return time.process_time() - started


def show_queries(driver: Driver, samples: dict[str, tuple[str, str, bytes | None]]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, (method, path, body) in samples.items():
        with CaptureQueriesContext(connection) as captured:
            status, _ = driver.call(method, path, body)
        print(f"\n{name} ({status}): {len(captured.captured_queries)} statements")
        for query in captured.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:220]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a throwaway database (default: SQLite)")
    parser.add_argument("--residents", type=int, default=DEFAULT_RESIDENTS)
    parser.add_argument("--rebuild", action="store_true", help="drop the database and build it again")
    parser.add_argument("-n", type=int, default=300, help="requests per endpoint per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per endpoint first")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", action="store_true", help="print the statements of sample intakes")
    parser.add_argument("--profile", action="store_true", help="cProfile the intakes of one round")
    parser.add_argument("--top", type=int, default=40, help="rows of each profile listing")
    parser.add_argument("--profile-out", help="also save the raw profile here (for snakeviz, pstats)")
    args = parser.parse_args(argv)

    setup_django(args.database_url)

    from bench.build_population import ensure_population

    ensure_population(args.database_url, residents=args.residents, rebuild=args.rebuild)
    token_row, driver, residents = agent_driver("intake_cpu")
    rng = random.Random(args.seed)
    ping = ("GET", "/api/ping", None)

    def intakes(count: int) -> list[tuple[str, str, bytes | None]]:
        return [intake_request("intake", rng, residents) for _ in range(count)]

    with delete_created(token_row):
        timed(driver, [ping] * args.warmup, 200)
        timed(driver, intakes(args.warmup), 201)
        if args.queries:
            samples: dict[str, tuple[str, str, bytes | None]] = {"GET /api/ping": ping}
            while len(samples) < 4:
                request = intakes(1)[0]
                body = json.loads(request[2])
                kind = (
                    "intake, unknown caller"
                    if "caller_resident_id" not in body
                    else "intake, resident, closed at first contact"
                    if body.get("close_now")
                    else "intake, resident"
                )
                samples.setdefault(f"POST /api/cases: {kind}", request)
            show_queries(driver, samples)
            print()

        ping_ms, intake_ms = [], []
        for n in range(args.rounds):
            ping_ms.append(timed(driver, [ping] * args.n, 200) / args.n * 1000)
            batch = intakes(args.n)
            intake_ms.append(timed(driver, batch, 201) / args.n * 1000)
            print(
                f"round {n + 1}: ping {ping_ms[-1]:.3f} ms, intake {intake_ms[-1]:.3f} ms CPU a request, "
                f"intake/ping {intake_ms[-1] / ping_ms[-1]:.2f}",
                flush=True,
            )
        p, i = statistics.median(ping_ms), statistics.median(intake_ms)
        print(
            f"\nmedian of {args.rounds} rounds × {args.n}: ping {p:.3f} ms ({min(ping_ms):.3f}–{max(ping_ms):.3f}), "
            f"intake {i:.3f} ms ({min(intake_ms):.3f}–{max(intake_ms):.3f}); intake costs {i / p:.2f} pings "
            f"(throughput ratio about {p / i:.2f}; the target 0.5 needs ≤ 2 pings)"
        )

        if args.profile:
            batch = intakes(args.n)
            profiler = cProfile.Profile()
            profiler.enable()
            timed(driver, batch, 201)
            profiler.disable()
            if args.profile_out:
                profiler.dump_stats(args.profile_out)
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
                print(f"\n--- {args.n} intakes, by {order} ---")
                print(out.getvalue())
    return 0


def agent_driver(token_name: str):
    """A new token for the first bench agent (``delete_created`` removes it), a driver calling with it, and
    up to 2,000 residents with a phone, to name in intake bodies."""
    from anxin.accounts.models import ApiToken, User
    from anxin.people.models import Resident
    from bench.build_population import AGENT_USERNAME

    token_row, token = ApiToken.issue(
        user=User.objects.get(username=AGENT_USERNAME.format(1)), name=token_name
    )
    residents = list(Resident.objects.exclude(phone="").order_by("?").values_list("pk", "phone")[:2000])
    return token_row, Driver(token), residents


@contextmanager
def delete_created(token_row):
    """Delete, on the way out, the cases (with their events, overrides and alerts), the SLA tasks and the
    token a run created, so reruns start from the same database."""
    from django_tasks_db.models import DBTaskResult

    from anxin.hotline.models import Case

    last_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_task = DBTaskResult.objects.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()
    try:
        yield
    finally:
        delete_cases_after(last_case)
        tasks = DBTaskResult.objects.filter(task_path__endswith="case_sla_check")
        if last_task is not None:
            tasks = tasks.filter(enqueued_at__gt=last_task)
        tasks.delete()
        token_row.delete()


if __name__ == "__main__":
    sys.exit(main())
