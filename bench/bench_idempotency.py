"""What an Idempotency-Key costs an intake: POST /api/cases with and without one, side by side in one run.

Target (issue 15): the key adds under 1 ms to an intake. Measured in process through Django's full request
path (every middleware, the API, the service, the database) with the test client, so that the figure is the
key's own cost and not the network's or gunicorn's:

    .venv/bin/python bench/bench_idempotency.py                  # SQLite: var/bench/idempotency.sqlite3
    .venv/bin/python bench/bench_idempotency.py --database-url postgresql://postgres@127.0.0.1:5432/anxin_idem
    .venv/bin/python bench/bench_idempotency.py --json var/bench/results.jsonl

The database gets the demo district (scale 0.05) the first time (a PostgreSQL database must exist and may be
empty). Each round sends, in an order shuffled per round, one intake without a key, one with a fresh key,
and one replay of an earlier keyed intake; the table gives the latencies of each and the difference of the
medians and of the paired rounds. The cases, events, tasks and keys the run wrote are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    ROOT,
    append_json,
    database_label,
    machine,
    now_iso,
    print_table,
    setup_django,
    summarise_ms,
    wait_for_quiet,
)

DEFAULT_URL = f"sqlite:///{BENCH_DIR / 'idempotency.sqlite3'}"
MARKER = "幂等基准"
TARGET_MS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--wait-quiet", type=float, default=60.0)
    parser.add_argument("--json")
    args = parser.parse_args()

    os.environ.setdefault("ANXIN_SEMANTIC", "false")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    _ensure_demo(args.database_url)
    setup_django(args.database_url)
    from django.test import Client

    from anxin.accounts.models import ApiToken, User

    _, token = ApiToken.issue(user=User.objects.get(username="agent"), name="bench-idempotency")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    try:
        for number in range(args.warmup):
            _post(client, number, key=None)
            _post(client, number, key=f"warm-{uuid.uuid4().hex}")
        quiet = wait_for_quiet(args.wait_quiet) if args.wait_quiet else None
        timings = _measure(client, args.rounds)
    finally:
        _clean_up()
    report = _report(timings)
    print_table(
        ["intake", "count", "p50 ms", "p95 ms", "p99 ms"],
        [[name, s["count"], s["p50_ms"], s["p95_ms"], s["p99_ms"]] for name, s in report["latency"].items()],
    )
    print(
        f"a fresh key adds {report['added_p50_ms']} ms at the median "
        f"(paired rounds: median {report['added_paired_median_ms']} ms); target < {TARGET_MS} ms"
    )
    append_json(
        args.json,
        {
            "bench": "idempotency",
            "at": now_iso(),
            "database": database_label(args.database_url),
            "machine": machine(args.database_url),
            "busy_before": quiet,
            **report,
        },
    )
    return 0


def _ensure_demo(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "ANXIN_WORK_DIR": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    probe = (
        "import django; django.setup(); from anxin.accounts.models import User; print(User.objects.count())"
    )
    counted = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        env={**env, "DJANGO_SETTINGS_MODULE": "anxin.config.settings"},
        capture_output=True,
        text=True,
    )
    if counted.returncode == 0 and counted.stdout.strip() not in ("", "0"):
        return
    print("loading the demo district (scale 0.05) into the bench database ...", flush=True)
    command = [sys.executable, "-m", "anxin.cli", "demo", "--no-serve", "--scale", "0.05"]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _body(number: int) -> str:
    from anxin.demo.geography import DEMO_COMMUNITY_CODE

    return json.dumps(
        {
            "line": "medical",
            "summary": f"{MARKER}第{number}号：居民询问慢病长处方续药流程，需家庭医生回电确认用药清单。",
            "category": "medical_consult",
            "urgency": "P3",
            "disposition": "community_transfer",
            "place": DEMO_COMMUNITY_CODE,
        },
        ensure_ascii=False,
    )


def _post(client, number: int, key: str | None) -> int:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    start = time.perf_counter_ns()
    response = client.post("/api/cases", _body(number), content_type="application/json", **headers)
    elapsed = time.perf_counter_ns() - start
    if response.status_code != 201:
        raise SystemExit(f"intake answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def _measure(client, rounds: int) -> dict[str, list[int]]:
    timings: dict[str, list[int]] = {"no key": [], "fresh key": [], "replay": []}
    sent: list[tuple[int, str]] = []
    for number in range(rounds):
        kinds = list(timings)
        random.shuffle(kinds)
        for kind in kinds:
            if kind == "no key":
                timings[kind].append(_post(client, number, None))
            elif kind == "fresh key":
                key = f"bench-{uuid.uuid4().hex}"
                timings[kind].append(_post(client, number, key))
                sent.append((number, key))
            elif sent:
                timings[kind].append(_post(client, *random.choice(sent)))
    return timings


def _report(timings: dict[str, list[int]]) -> dict[str, object]:
    latency = {name: summarise_ms(values) for name, values in timings.items()}
    pairs = [
        (keyed - plain) / 1e6 for plain, keyed in zip(timings["no key"], timings["fresh key"], strict=False)
    ]
    return {
        "latency": latency,
        "added_p50_ms": round(latency["fresh key"]["p50_ms"] - latency["no key"]["p50_ms"], 3),
        "added_paired_median_ms": round(statistics.median(pairs), 3),
        "target_ms": TARGET_MS,
    }


def _clean_up() -> None:
    from django_tasks_db.models import DBTaskResult

    from anxin.accounts.models import ApiToken
    from anxin.core.models import IdempotencyKey
    from anxin.hotline.models import Case, CaseEvent, TriageOverride

    cases = Case.objects.filter(summary__startswith=MARKER)
    ids = list(cases.values_list("pk", flat=True))
    tasks = DBTaskResult.objects.filter(task_path="anxin.hotline.tasks.case_sla_check")
    stale = [
        row.pk for row in tasks.only("pk", "args_kwargs") if row.args_kwargs.get("args", [None])[0] in ids
    ]
    DBTaskResult.objects.filter(pk__in=stale).delete()
    # Events and triage overrides protect their case; nothing else refers to these fresh cases.
    TriageOverride.objects.filter(case_id__in=ids).delete()
    CaseEvent.objects.filter(case_id__in=ids).delete()
    cases.delete()
    IdempotencyKey.objects.all().delete()
    ApiToken.objects.filter(name="bench-idempotency").delete()


if __name__ == "__main__":
    raise SystemExit(main())
