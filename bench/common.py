"""Shared pieces of the benchmarks: the bench database, Django setup, the machine, percentiles, output.

The benchmarks never touch the test or demo databases: on SQLite they use ``var/bench/anxin_bench.sqlite3``
under the checkout (``var/`` is gitignored), on PostgreSQL a database named ``anxin_bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_SQLITE_FILE = BENCH_DIR / "anxin_bench.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_SQLITE_FILE}"
PG_BENCH_URL = "postgresql://postgres@127.0.0.1:5432/anxin_bench"
VENV_BIN = Path(sys.executable).parent


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def database_label(url: str) -> str:
    return "SQLite" if is_sqlite(url) else "PostgreSQL"


def setup_django(url: str) -> None:
    """Point Django at the bench database; call before importing any model."""
    if "django.conf" in sys.modules and os.environ.get("DATABASE_URL") not in (None, url):
        raise RuntimeError("Django is already set up on another database")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.config.settings")
    os.environ.setdefault("ANXIN_WORK_DIR", str(ROOT))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (p99 of 3,000 samples is the 2,970th)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summarise_ms(latencies_ns: list[int]) -> dict[str, float]:
    values = sorted(v / 1e6 for v in latencies_ns)
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(values[-1], 2) if values else float("nan"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def _postgres_version(url: str) -> str | None:
    if is_sqlite(url):
        return None
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - the version is a label, not something to fail a run over
        return None


def machine(url: str | None = None) -> dict[str, object]:
    """The machine a figure was taken on; ``url`` adds the database versions (omit it for a pure benchmark)."""
    facts = {
        "nproc": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu": _cpu_model(),
        "os": _os_name(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "git": _git_head(),
    }
    if url is not None:
        facts["sqlite"] = sqlite3.sqlite_version
        facts["postgresql"] = _postgres_version(url)
    return facts


def _git_head() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def busy_share(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over the next ``seconds`` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values[:8]), values[3] + values[4]

    total, idle = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle) / max(1, total2 - total)


def wait_for_quiet(limit_s: float, *, threshold: float = 0.15, streak: int = 5) -> float:
    """Wait (at most ``limit_s``) until the machine has been nearly idle for ``streak`` seconds in a row,
    so that other work does not end up in the figures. Returns the last busy share seen."""
    deadline = time.monotonic() + limit_s
    quiet = 0
    share = busy_share()
    while time.monotonic() < deadline:
        quiet = quiet + 1 if share < threshold else 0
        if quiet >= streak:
            break
        share = busy_share()
    if share >= threshold:
        print(
            f"warning: the machine is busy ({share:.0%} of its CPU in use by other work): figures will be noisy"
        )
    return share


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def append_json(path: str | None, record: dict[str, object]) -> None:
    """Append one result as a JSON line, so several runs can be collected in one file."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"results appended to {target}")


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every timed benchmark takes: where, how big, when to start, where to record."""
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--residents", type=int, default=None, help="population size (default 2,500,000)")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=180.0,
        help="wait up to this many seconds for the machine to be idle before timing (0: do not wait)",
    )
    parser.add_argument("--json", help="append the results as one JSON line to this file")
