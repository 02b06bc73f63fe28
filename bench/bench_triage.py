"""Triage throughput on one core: messages per second through the `anxin triage` line path.

Each message is decoded from its JSON line, triaged and encoded back, exactly as `anxin triage` does; the mix is
the labelled set in data/triage (every category, long stories, Traditional text, fields). The process is pinned
to one CPU where the OS allows it. Timing uses CPU time and reports the best and the median of several rounds,
because a shared machine's neighbours only ever slow a round down.

    .venv/bin/python bench/bench_triage.py [--rounds 7] [--seconds 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from anxin.triage.command import _lines  # noqa: E402
from anxin.triage.jsonl import triage_line  # noqa: E402
from anxin.triage.ruleset import default_ruleset  # noqa: E402
from bench.common import machine  # noqa: E402

DATA = [ROOT / "data" / "triage" / "cases.jsonl", ROOT / "data" / "triage" / "holdout.jsonl"]
TARGET = 5000


def _round(lines: list[bytes], seconds: float) -> float:
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for line in lines:
            json.dumps(triage_line(line), ensure_ascii=False)
        count += len(lines)
    return count / (time.process_time() - started)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    lines = [line for path in DATA for line in _lines(path.open("rb")) if line.strip()]
    default_ruleset()  # loading the rules is start-up, not per message
    _round(lines[:100], 0.5)  # warm-up
    rates = [_round(lines, args.seconds) for _ in range(args.rounds)]
    result = {
        "benchmark": "triage",
        "messages": len(lines),
        "mean_chars": round(sum(len(json.loads(line)["text"]) for line in lines) / len(lines), 1),
        "best_per_second": round(max(rates)),
        "median_per_second": round(statistics.median(rates)),
        "worst_per_second": round(min(rates)),
        "target_per_second": TARGET,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"triage: {result['messages']} messages, mean {result['mean_chars']} characters; one core: "
            f"best {result['best_per_second']}/s, median {result['median_per_second']}/s, "
            f"worst {result['worst_per_second']}/s (target ≥ {TARGET}/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
