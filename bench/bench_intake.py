"""Case intake through the API against the trivial authenticated endpoint, served by ``anxin serve``.

Targets: POST /api/cases at least half the requests per second of GET /api/ping, measured side by side
in one run, and its p99 under 100 ms with 32 concurrent clients.

Run from the checkout; the first run builds the bench population (bench/build_population.py):

    .venv/bin/python bench/bench_intake.py                           # SQLite: var/bench/anxin_bench.sqlite3
    .venv/bin/python bench/bench_intake.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_bench
    .venv/bin/python bench/bench_intake.py --json var/bench/results.jsonl     # also append the figures

It starts ``anxin serve --host 127.0.0.1 --port 8231 --workers 2`` (gunicorn, 4 threads a worker, access
log on) on the bench database, issues an API token to each of 32 agents, and drives the server with 32
keep-alive HTTP clients (``--procs`` load processes of threads using http.client). After a warm-up of each
endpoint it alternates timed phases, GET /api/ping then POST /api/cases, ``--rounds`` times for
``--duration`` seconds each, so both endpoints see the same machine state; then one phase of intake
paced at one case a second per client (``--paced-interval``), below saturation. Intake bodies name a
random resident (caller and subject) most of the time, close a P4 call at first contact sometimes, and
come from an unknown number otherwise. The server is stopped and the cases, events, tasks and tokens the
run created are deleted at the end, so reruns start from the same database.

``--ceiling`` also times, in each round, the hand-written intake of ``bench/intake_ceiling.py`` (how far an
intake can go on this stack). The server is then gunicorn started exactly as ``anxin serve`` starts it, on
that module's application: the whole application plus the ceiling route.

Each phase reports the server's CPU time per request (anxin serve and its gunicorn workers, from /proc)
and how the machine's CPU was shared: server, load generator, and other (which on PostgreSQL includes
the database's own processes). The load generator runs on the same machine as the server and takes part
of its CPU. The server's access log goes to var/bench/serve-<database>.log.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from array import array
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    ROOT,
    VENV_BIN,
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
from bench.intake_ceiling import CEILING_PATH  # noqa: E402

HOST = "127.0.0.1"
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0
SUMMARIES = (
    "来电人称家中老人发烧三天，最高38.8度，伴咳嗽，询问是否需要去发热门诊，已告知就近社康发热哨点。",
    "居民询问慢病长处方续药流程，需家庭医生回电确认用药清单。",
    "独居老人来电称行动不便，家中降压药即将用完，请求送药上门。",
    "孕妇来电咨询产检预约，告知社区健康服务中心产检时间。",
    "来电人情绪低落，失眠两周，转心理咨询师跟进。",
)


# ---------------------------------------------------------------------------------------------------------
# The load generator (runs in its own processes; imports no Django)


def _request(
    endpoint: str, rng: random.Random, residents: list[tuple[int, str]]
) -> tuple[str, str, bytes | None]:
    if endpoint == "ping":
        return "GET", "/api/ping", None
    roll = rng.random()
    body: dict[str, object] = {"line": "medical", "summary": rng.choice(SUMMARIES), "channel": "phone"}
    if roll < 0.85:
        resident, phone = rng.choice(residents)
        body.update(caller_phone=phone, caller_resident_id=resident, subject_resident_id=resident)
    else:
        body.update(caller_phone=f"199{rng.randrange(100_000_000):08d}", caller_name="未登记来电人")
    if roll < 0.70 or roll >= 0.85:
        body.update(
            category="medical_consult",
            urgency=rng.choice(("P2", "P3", "P3", "P3")),
            disposition=rng.choice(("doctor_callback", "home_visit", "fever_clinic", "community_transfer")),
        )
    else:
        body.update(category="policy", urgency="P4", disposition="answer_closed", close_now=True)
    path = CEILING_PATH if endpoint == "ceiling" else "/api/cases"
    return "POST", path, json.dumps(body, ensure_ascii=False).encode()


def _client(
    port: int, endpoint: str, token: str, residents, deadline: float, interval: float, seed: int, out: dict
) -> None:
    """Send requests back to back, or one every ``interval`` seconds (starting at a random offset)."""
    rng = random.Random(seed)
    expected = 200 if endpoint == "ping" else 201
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = array("q")
    statuses: Counter[int] = Counter()
    sample_error = None
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    next_at = time.monotonic() + rng.random() * interval
    while True:
        if interval:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
        if time.monotonic() >= deadline:
            break
        method, path, body = _request(endpoint, rng, residents)
        started = time.perf_counter_ns()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            statuses[-1] += 1
            sample_error = sample_error or repr(exc)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        latencies.append(time.perf_counter_ns() - started)
        statuses[response.status] += 1
        if response.status != expected and sample_error is None:
            sample_error = f"{response.status} {data[:300].decode(errors='replace')}"
    conn.close()
    out.update(latencies=latencies, statuses=statuses, error=sample_error)


def run_clients(
    port: int,
    endpoint: str,
    tokens: list[str],
    residents,
    start_at: float,
    duration: float,
    interval: float,
    seed: int,
) -> dict[str, object]:
    """One load process: a thread per token, each with its own keep-alive connection."""
    while time.time() < start_at:
        time.sleep(min(0.01, max(0.0, start_at - time.time())))
    cpu_started = time.process_time()
    deadline = time.monotonic() + duration
    results: list[dict] = [{} for _ in tokens]
    threads = [
        threading.Thread(
            target=_client,
            args=(port, endpoint, token, residents, deadline, interval, seed * 1000 + i, results[i]),
        )
        for i, token in enumerate(tokens)
    ]
    wall_started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall_started
    latencies = array("q")
    statuses: Counter[int] = Counter()
    errors = []
    for result in results:
        latencies.extend(result["latencies"])
        statuses.update(result["statuses"])
        if result["error"]:
            errors.append(result["error"])
    return {
        "latencies": latencies.tobytes(),
        "statuses": dict(statuses),
        "errors": errors[:3],
        "wall": wall,
        "cpu": time.process_time() - cpu_started,
    }


def run_phase(
    pool,
    args,
    server_pid: int,
    endpoint: str,
    tokens: list[str],
    residents,
    duration: float,
    seed: int,
    interval: float = 0.0,
) -> dict:
    start_at = time.time() + 0.3
    server_cpu, busy = group_cpu_seconds(server_pid), system_busy_seconds()
    shares = [tokens[i :: args.procs] for i in range(args.procs)]
    futures = [
        pool.submit(
            run_clients, args.port, endpoint, share, residents, start_at, duration, interval, seed * 10 + i
        )
        for i, share in enumerate(shares)
    ]
    parts = [f.result() for f in futures]
    server_cpu, busy = group_cpu_seconds(server_pid) - server_cpu, system_busy_seconds() - busy
    latencies = array("q")
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    for part in parts:
        chunk = array("q")
        chunk.frombytes(part["latencies"])
        latencies.extend(chunk)
        statuses.update(part["statuses"])
        errors.extend(part["errors"])
    wall = max(part["wall"] for part in parts)
    load_cpu = sum(part["cpu"] for part in parts)
    cores = os.cpu_count() or 1
    return {
        "endpoint": endpoint,
        "latencies": list(latencies),
        "statuses": statuses,
        "errors": errors,
        "wall": wall,
        "server_cpu": server_cpu,
        "load_cpu_share": load_cpu / (wall * cores),
        "server_cpu_share": server_cpu / (wall * cores),
        # Everything else that ran on the machine meanwhile: on PostgreSQL, the database's own processes.
        "other_cpu_share": max(0.0, busy - server_cpu - load_cpu) / (wall * cores),
    }


# ---------------------------------------------------------------------------------------------------------
# The server


def start_server(
    url: str, port: int, workers: int, log_path: Path, ceiling: bool = False
) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "ANXIN_WORK_DIR": str(ROOT)}
    if ceiling:
        # gunicorn exactly as anxin serve starts it, on the application plus the ceiling route.
        from anxin.cli import _gunicorn

        command = _gunicorn(HOST, port, workers)
        command[command.index("anxin.config.wsgi:application")] = "bench.intake_ceiling:application"
    else:
        command = [
            str(VENV_BIN / "anxin"),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    log = log_path.open("wb")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_ready(server: subprocess.Popen, port: int, token: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"anxin serve exited with {server.returncode}; see its log")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/ping", headers={"Authorization": f"Bearer {token}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"anxin serve did not answer on port {port} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (anxin serve and its gunicorn), then wait."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group: the server's."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[0] is the state; pgrp is the 5th field of the file
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def system_busy_seconds() -> float:
    """CPU time all processes spent busy so far (from /proc/stat), to see what else ran during a phase."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


# ---------------------------------------------------------------------------------------------------------


def delete_cases_after(last_case: int) -> None:
    """The cases the run opened, and every row that points at them (events, triage overrides, callbacks…).

    Raw deletes: events are append-only for the application, not for the bench's own cleanup. The tables are
    found from the model, so a new table that points at cases does not break the cleanup.
    """
    from django.db import connection

    from anxin.hotline.models import Case

    with connection.cursor() as cursor:
        for relation in Case._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and relation.is_relation) or relation.many_to_many:
                continue
            table = relation.related_model._meta.db_table
            column = relation.field.column
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" > %s', [last_case])  # noqa: S608 (model names)
        cursor.execute("DELETE FROM hotline_case WHERE id > %s", [last_case])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser)
    parser.add_argument("--port", type=int, default=8231)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (anxin serve's default: 2)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--procs", type=int, default=4, help="load-generator processes sharing the clients")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per timed phase")
    parser.add_argument("--rounds", type=int, default=2, help="ping/intake pairs of timed phases")
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds per endpoint first")
    parser.add_argument(
        "--paced-interval",
        type=float,
        default=1.0,
        help="then a phase of intake where each client sends one case every this many seconds (0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the cases the run created")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="also time the ceiling intake (bench/intake_ceiling.py) in each round, on the same server",
    )
    args = parser.parse_args(argv)
    if not 8200 <= args.port <= 8299:
        raise SystemExit("use a port between 8200 and 8299")
    if not port_free(args.port):
        raise SystemExit(f"port {args.port} is in use")

    setup_django(args.database_url)
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from anxin.accounts.models import ApiToken, User
    from anxin.hotline.models import Case
    from anxin.people.models import Resident
    from bench.build_population import AGENT_USERNAME, BENCH_AGENTS, DEFAULT_RESIDENTS, ensure_population

    size = ensure_population(args.database_url, residents=args.residents or DEFAULT_RESIDENTS)
    label = database_label(args.database_url)
    rng = random.Random(11)
    agents = [
        User.objects.get(username=AGENT_USERNAME.format(n % BENCH_AGENTS + 1)) for n in range(args.clients)
    ]
    issued = [ApiToken.issue(user=agent, name="bench intake") for agent in agents]
    tokens = [raw for _, raw in issued]
    top = Resident.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = [rng.randint(1, top) for _ in range(3000)]
    residents = list(
        Resident.objects.filter(pk__in=picks).exclude(phone="").values_list("pk", "phone")[:2000]
    )
    last_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    run_started = time.time()
    connection.close()

    log_path = BENCH_DIR / f"serve-{label.lower()}.log"
    busy_before = wait_for_quiet(args.wait_quiet) if args.wait_quiet else None
    server = start_server(args.database_url, args.port, args.workers, log_path, ceiling=args.ceiling)
    phases: list[dict] = []
    try:
        wait_ready(server, args.port, tokens[0])
        with ProcessPoolExecutor(max_workers=args.procs, mp_context=get_context("spawn")) as pool:
            endpoints = ("ping", "intake", "ceiling") if args.ceiling else ("ping", "intake")
            for n, endpoint in enumerate(endpoints):
                run_phase(pool, args, server.pid, endpoint, tokens, residents, args.warmup, seed=90 + n)
            plan = [(endpoint, 0.0) for endpoint in endpoints] * args.rounds
            if args.paced_interval:
                plan.append(("intake-paced", args.paced_interval))
            for n, (endpoint, interval) in enumerate(plan):
                phase = run_phase(
                    pool, args, server.pid, endpoint, tokens, residents, args.duration, n, interval
                )
                phases.append(phase)
                count = len(phase["latencies"])
                print(
                    f"{endpoint:12}: {count / phase['wall']:7.1f} req/s, "
                    f"server {phase['server_cpu'] / max(count, 1) * 1000:5.2f} ms CPU a request; CPU share "
                    f"server {phase['server_cpu_share']:.0%}, load generator {phase['load_cpu_share']:.0%}, "
                    f"other {phase['other_cpu_share']:.0%}; statuses {dict(phase['statuses'])}",
                    flush=True,
                )
    finally:
        stop_server(server)

    created = Case.objects.filter(pk__gt=last_case).count()
    if not args.keep:
        delete_cases_after(last_case)
        DBTaskResult.objects.filter(
            task_path__endswith="case_sla_check",
            enqueued_at__gte=datetime.fromtimestamp(run_started - 60, UTC),
        ).delete()
    ApiToken.objects.filter(pk__in=[token.pk for token, _ in issued]).delete()

    results: dict[str, dict] = {}
    for endpoint in dict.fromkeys(p["endpoint"] for p in phases):
        mine = [p for p in phases if p["endpoint"] == endpoint]
        latencies = [v for p in mine for v in p["latencies"]]
        wall = sum(p["wall"] for p in mine)
        statuses: Counter[int] = Counter()
        for p in mine:
            statuses.update(p["statuses"])
        results[endpoint] = {
            "requests": len(latencies),
            "rps": round(len(latencies) / wall, 1),
            **summarise_ms(latencies),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "errors": [e for p in mine for e in p["errors"]][:3],
            "server_cpu_ms_per_request": round(sum(p["server_cpu"] for p in mine) / len(latencies) * 1000, 2),
            "server_cpu_share": round(sum(p["server_cpu_share"] for p in mine) / len(mine), 3),
            "load_cpu_share": round(sum(p["load_cpu_share"] for p in mine) / len(mine), 3),
            "other_cpu_share": round(sum(p["other_cpu_share"] for p in mine) / len(mine), 3),
        }
    ping, intake = results["ping"], results["intake"]
    ratio = intake["rps"] / ping["rps"] if ping["rps"] else 0.0
    paced = results.get("intake-paced")
    ok_statuses = set(ping["statuses"]) == {"200"} and all(
        set(r["statuses"]) == {"201"} for r in (intake, paced, results.get("ceiling")) if r
    )
    ratio_met = ratio >= TARGET_RATIO
    p99_met = intake["p99_ms"] < TARGET_P99_MS

    print()
    print(
        f"Intake vs ping on {label} through anxin serve ({args.workers} gunicorn workers × 4 threads), "
        f"{args.clients} clients back to back, {args.rounds} × {args.duration:.0f} s per endpoint; "
        f"{size['residents']:,} residents, {created:,} cases created"
    )
    print()
    ceiling = results.get("ceiling")
    rows = [("GET /api/ping", ping), ("POST /api/cases", intake)]
    if ceiling:
        rows.append((f"POST {CEILING_PATH}", ceiling))
    if paced:
        rows.append((f"POST /api/cases, 1 per {args.paced_interval:g} s a client", paced))
    print_table(
        [
            "endpoint",
            "requests",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "server CPU ms/req",
            "statuses",
        ],
        [
            [
                name,
                r["requests"],
                r["rps"],
                r["p50_ms"],
                r["p95_ms"],
                r["p99_ms"],
                r["max_ms"],
                r["server_cpu_ms_per_request"],
                r["statuses"],
            ]
            for name, r in rows
        ],
    )
    for name, r in rows:
        for error in r["errors"]:
            print(f"{name} error: {error}")
    print()
    print(
        f"intake/ping throughput: {ratio:.2f} (target ≥ {TARGET_RATIO}): {'met' if ratio_met else 'MISSED'}"
    )
    print(
        f"intake p99: {intake['p99_ms']:.1f} ms (target < {TARGET_P99_MS:.0f} ms): {'met' if p99_met else 'MISSED'}"
    )
    if ceiling:
        print(
            f"ceiling/ping throughput: {ceiling['rps'] / ping['rps']:.2f}; ceiling p99 {ceiling['p99_ms']:.1f} ms "
            "(the hand-written intake of bench/intake_ceiling.py: how far the stack can go)"
        )
    if paced:
        print(f"intake p99 paced at {paced['rps']:.0f} req/s (not saturated): {paced['p99_ms']:.1f} ms")
    if not ok_statuses:
        print("some requests did not answer 200/201: see the statuses above")
    append_json(
        args.json,
        {
            "bench": "intake",
            "at": now_iso(),
            "database": label,
            "dataset": size,
            "server": {"workers": args.workers, "threads": 4, "command": "anxin serve"},
            "clients": args.clients,
            "load_processes": args.procs,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "ping": ping,
            "intake": intake,
            "intake_paced": paced,
            "ceiling": ceiling,
            "paced_interval_s": args.paced_interval,
            "ratio": round(ratio, 3),
            "target_ratio": TARGET_RATIO,
            "target_p99_ms": TARGET_P99_MS,
            "targets_met": ratio_met and p99_met and ok_statuses,
            "machine_busy_before": busy_before,
            "machine": machine(args.database_url),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
