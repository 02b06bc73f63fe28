"""Triage on one core, three ways:

- rules: ``triage(TriageInput, safety_net=False)`` → the decision with its explanation as a dict, messages per
  second (issue 3: at least 5,000/s);
- engine: the same with the learned safety net (what the desk and the API call), per-message latency p50/p95
  and messages per second (issue 13: p95 under 30 ms);
- line: the whole `anxin triage` path with the net, a JSON line in (decoded, checked) and a JSON line out.

The mix is the labelled set in data/triage (every category, long stories, Traditional text, fields). The process
is pinned to one CPU where the OS allows it. Timing uses CPU time and reports the best and the median of several
rounds, because a shared machine's neighbours only ever slow a round down.

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
from anxin.triage.engine import triage  # noqa: E402
from anxin.triage.jsonl import decode_line, encode_line, parse_record, triage_line  # noqa: E402
from anxin.triage.ruleset import default_ruleset  # noqa: E402
from bench.common import machine  # noqa: E402

DATA = [ROOT / "data" / "triage" / "cases.jsonl", ROOT / "data" / "triage" / "holdout.jsonl"]
TARGET = 5000
P95_TARGET_MS = 30.0


def _line(line: bytes) -> None:
    encode_line(triage_line(line))


def _rules(message) -> None:
    triage(message, safety_net=False).as_dict()


def _engine(message) -> None:
    triage(message).as_dict()


def _latencies(messages: list, rounds: int) -> dict:
    """Per-message CPU time of the whole engine, in milliseconds, over every message ``rounds`` times."""
    times = []
    for _ in range(rounds):
        for message in messages:
            started = time.process_time_ns()
            _engine(message)
            times.append((time.process_time_ns() - started) / 1e6)
    times.sort()
    return {
        "p50_ms": round(times[len(times) // 2], 3),
        "p95_ms": round(times[int(len(times) * 0.95)], 3),
        "max_ms": round(times[-1], 3),
    }


def _round(work, items: list, seconds: float) -> float:
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for item in items:
            work(item)
        count += len(items)
    return count / (time.process_time() - started)


def _figures(rates: list[float]) -> dict:
    return {
        "best_per_second": round(max(rates)),
        "median_per_second": round(statistics.median(rates)),
        "worst_per_second": round(min(rates)),
    }


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
    messages = [parse_record(decode_line(line)) for line in lines]
    default_ruleset()  # loading the rules is start-up, not per message
    _round(_line, lines[:100], 0.5)  # warm-up
    rules, engine, line = [], [], []
    for _ in range(args.rounds):  # interleaved, so all see the same neighbours
        rules.append(_round(_rules, messages, args.seconds))
        engine.append(_round(_engine, messages, args.seconds))
        line.append(_round(_line, lines, args.seconds))
    result = {
        "benchmark": "triage",
        "messages": len(lines),
        "mean_chars": round(sum(len(m.text) for m in messages) / len(messages), 1),
        "rules": _figures(rules),
        "engine": _figures(engine),
        "line": _figures(line),
        "engine_latency": _latencies(messages, 3),
        "target_per_second": TARGET,
        "target_p95_ms": P95_TARGET_MS,
        "machine": machine(),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"triage: {result['messages']} messages, mean {result['mean_chars']} characters, one core")
        for name in ("rules", "engine", "line"):
            figures = result[name]
            target = f" (target ≥ {TARGET}/s)" if name == "rules" else ""
            print(
                f"  {name:<7} best {figures['best_per_second']}/s, median {figures['median_per_second']}/s, "
                f"worst {figures['worst_per_second']}/s{target}"
            )
        latency = result["engine_latency"]
        print(
            f"  engine with the safety net: p50 {latency['p50_ms']} ms, p95 {latency['p95_ms']} ms, "
            f"max {latency['max_ms']} ms (target p95 < {P95_TARGET_MS} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
