"""Ledger import of 100,000 rows. Target (issue 5): under 60 s and under 1 GB of memory.

    .venv/bin/python bench/bench_ledger.py                     # SQLite: var/bench/anxin_ledger_bench.sqlite3
    .venv/bin/python bench/bench_ledger.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/anxin_ledger_bench
    .venv/bin/python bench/bench_ledger.py --json var/bench/results.jsonl   # also append the figures

It generates (once, cached in var/bench/) a valid ledger as a community worker would keep it: a title row, then
序号, 小区, 楼栋, 单元, 门牌, 姓名, 身份证号, 联系电话, 人群类别, 慢性病, 预产期, 备注, one row per resident, 20
compounds of 20 buildings in one grid, about 2.5 residents per household, key-population groups at the rates
of the demo. The bench database is made anew each run (district, street, community, grid and the 20
compounds; no buildings or households: the import creates them). Then it runs, each in its own process as an
operator would, ``anxin ledger import FILE --place GRID``:

1. the first import (every row added, 40,000 households and 400 buildings created),
2. the same file again (every row unchanged: the idempotent re-import),
3. ``--dry-run`` of a copy with one row in ten changed (read and check only),
4. that copy for real (10,000 rows updated).

Each figure is the command's wall time, its CPU time (user + system: what the import costs whatever else the
machine runs) and its peak resident memory (``ru_maxrss``), all of that child process from ``os.wait4``,
Django start-up included. The database server's own CPU (PostgreSQL) is not in the CPU figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_population import ensure_database, id_number, phone_number  # noqa: E402
from bench.common import (  # noqa: E402
    BENCH_DIR,
    append_json,
    database_label,
    machine,
    now_iso,
    print_table,
    setup_django,
    wait_for_quiet,
)

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 1024.0
COMPOUNDS = 20
BUILDINGS = 20
GRID_CODE = "440309901001G1"
HEADERS = [
    "序号",
    "小区",
    "楼栋",
    "单元",
    "门牌",
    "姓名",
    "身份证号",
    "联系电话",
    "人群类别",
    "慢性病",
    "预产期",
    "备注",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强淑珍文"
# (group words, conditions, share of rows): the demo's key-population rates, roughly.
GROUPS = [
    ("独居老人", "高血压", 0.04),
    ("慢病", "糖尿病", 0.10),
    ("慢病", "高血压、糖尿病", 0.05),
    ("透析", "慢性肾病", 0.004),
    ("放化疗", "肿瘤", 0.004),
    ("行动不便", "", 0.02),
    ("孕产妇", "", 0.01),
    ("低保户", "", 0.01),
]


def log(message: str) -> None:
    print(f"[ledger] {message}", flush=True)


def _group(rng: random.Random) -> tuple[str, str]:
    roll, total = rng.random(), 0.0
    for words, conditions, share in GROUPS:
        total += share
        if roll < total:
            return words, conditions
    return "", ""


def ledger_rows(count: int, today: date, seed: int = 5) -> list[list[object]]:
    rng = random.Random(seed)
    used: dict[str, int] = {}
    rows: list[list[object]] = []
    household = 0
    while len(rows) < count:
        household += 1
        compound, rest = divmod(household - 1, BUILDINGS * 100)
        building, flat = divmod(rest, 100)
        floor, door = divmod(flat, 4)
        size = min(count - len(rows), rng.choice((1, 2, 2, 3, 3, 3, 4, 5)))
        for _ in range(size):
            group, conditions = _group(rng)
            male = group != "孕产妇" and rng.random() < 0.5
            age = rng.randint(22, 38) if group == "孕产妇" else rng.randint(0, 95)
            if group in ("独居老人", "慢病"):
                age = rng.randint(60, 95)
            birth = date.fromordinal(today.toordinal() - age * 365 - rng.randrange(365))
            due = today + timedelta(days=rng.randint(10, 200)) if group == "孕产妇" else None
            rows.append(
                [
                    len(rows) + 1,
                    f"bench小区{compound % COMPOUNDS + 1:02d}",
                    f"{building + 1}栋",
                    f"{door % 2 + 1}单元",
                    f"{floor + 1}{door + 1:02d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
                    id_number(rng, birth, male, used),
                    phone_number(len(rows) + 1),
                    group,
                    conditions,
                    due,
                    "",
                ]
            )
    return rows


def write_xlsx(rows: list[list[object]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(["bench社区重点人群台账"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def changed_copy(rows: list[list[object]]) -> list[list[object]]:
    """One row in ten with a new phone number."""
    copy = [list(row) for row in rows]
    for index in range(0, len(copy), 10):
        copy[index][7] = phone_number(10_000_000 + index)
    return copy


def ensure_files(count: int, today: date) -> tuple[Path, Path]:
    first = BENCH_DIR / f"ledger_{count}_{today:%Y%m%d}.xlsx"
    second = BENCH_DIR / f"ledger_{count}_{today:%Y%m%d}_changed.xlsx"
    if first.exists() and second.exists():
        return first, second
    log(f"generating {count:,} rows")
    rows = ledger_rows(count, today)
    started = time.perf_counter()
    write_xlsx(rows, first)
    write_xlsx(changed_copy(rows), second)
    log(
        f"wrote {first.name} ({first.stat().st_size / 1e6:.1f} MB) and the changed copy in {time.perf_counter() - started:.0f} s"
    )
    return first, second


def prepare_database(url: str) -> None:
    """A fresh bench database with the place tree down to the compounds (the import makes the rest)."""
    ensure_database(url, rebuild=True)
    setup_django(url)
    from django.core.management import call_command

    from anxin.places.models import Place

    call_command("migrate", interactive=False, verbosity=0)
    district = Place.objects.create(code="440309", name="龙华区", kind=Place.Kind.DISTRICT)
    street = Place.objects.create(code="440309901", name="bench街道", kind=Place.Kind.STREET, parent=district)
    community = Place.objects.create(
        code="440309901001", name="bench社区", kind=Place.Kind.COMMUNITY, parent=street
    )
    grid = Place.objects.create(code=GRID_CODE, name="bench网格", kind=Place.Kind.GRID, parent=community)
    for number in range(1, COMPOUNDS + 1):
        Place.objects.create(
            code=f"{GRID_CODE}C{number:02d}",
            name=f"bench小区{number:02d}",
            kind=Place.Kind.COMPOUND,
            parent=grid,
        )
    from django.db import connections

    connections.close_all()


def run_import(url: str, path: Path, *extra: str) -> dict[str, object]:
    """`anxin ledger import` in a child process: its JSON, wall time and the child's own peak memory."""
    env = {**os.environ, "DATABASE_URL": url, "ANXIN_WORK_DIR": str(ROOT)}
    command = [sys.executable, "-m", "anxin.cli", "ledger", "import", str(path), "--place", GRID_CODE, *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        # Reap it ourselves: wait4 gives this child's rusage (ru_maxrss in KiB), which Popen.wait() drops.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode not in (0, 1):
        raise RuntimeError(f"import failed ({child.returncode}): {stderr.decode()[-2000:]}")
    report = json.loads(stdout)
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "rss_mb": round(usage.ru_maxrss / 1024),
        "added": report["added"],
        "updated": report["updated"],
        "rejected": report["rejected"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'anxin_ledger_bench.sqlite3'}")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--wait-quiet", type=float, default=60.0)
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    args = parser.parse_args()

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    today = date.today()  # noqa: DTZ011 - the ID numbers' ages only need the calendar day
    first, changed = ensure_files(args.rows, today)
    prepare_database(args.database_url)
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    runs = [
        ("first import", run_import(args.database_url, first)),
        ("same file again", run_import(args.database_url, first)),
        ("dry run, 1 in 10 changed", run_import(args.database_url, changed, "--dry-run")),
        ("import, 1 in 10 changed", run_import(args.database_url, changed)),
    ]
    label = database_label(args.database_url)
    print(
        f"Ledger import, {args.rows:,} rows ({label}); targets {TARGET_SECONDS:.0f} s, {TARGET_RSS_MB:.0f} MB"
    )
    print_table(
        ["run", "seconds", "CPU s", "peak RSS MB", "added", "updated", "rejected"],
        [
            [name, r["seconds"], r["cpu_seconds"], r["rss_mb"], r["added"], r["updated"], r["rejected"]]
            for name, r in runs
        ],
    )
    append_json(
        args.json,
        {
            "bench": "ledger_import",
            "at": now_iso(),
            "database": label,
            "rows": args.rows,
            "runs": dict(runs),
            "machine": machine(args.database_url),
        },
    )
    slow = [name for name, r in runs if r["seconds"] >= TARGET_SECONDS or r["rss_mb"] >= TARGET_RSS_MB]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
