"""`anxin triage --eval`: precision and recall per label, and the urgency confusion matrix.

Each line carries ``gold: {category, urgency, disposition, red_flags}`` beside the usual input fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from anxin.triage.codes import CATEGORIES, COMPLAINTS, DISPOSITIONS, RED_FLAGS, URGENCIES
from anxin.triage.engine import triage
from anxin.triage.jsonl import LineError, decode_line, parse_record

SINGLE_LABELS = {"category": CATEGORIES, "urgency": URGENCIES, "disposition": DISPOSITIONS}
NO_COMPLAINT = "none"  # how a gold or proposed complaint of null is counted


@dataclass
class Tally:
    true_positive: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)

    def add(self, gold: set[str], predicted: set[str]) -> None:
        self.gold.update(gold)
        self.predicted.update(predicted)
        self.true_positive.update(gold & predicted)

    def row(self, label: str) -> dict:
        tp, p, g = self.true_positive[label], self.predicted[label], self.gold[label]
        return {
            "precision": round(tp / p, 4) if p else None,
            "recall": round(tp / g, 4) if g else None,
            "support": g,
        }


@dataclass
class Evaluation:
    cases: int = 0
    errors: list[dict] = field(default_factory=list)
    exact: Counter = field(default_factory=Counter)
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {k: Tally() for k in (*SINGLE_LABELS, "red_flags", "complaint")}
    )
    complaint_cases: int = 0  # lines whose gold names a complaint (sets labelled before issue 13 do not)
    confusion: Counter = field(default_factory=Counter)  # (gold urgency, predicted urgency) → count
    misses: list[dict] = field(default_factory=list)

    @property
    def p1_recall(self) -> float:
        return self.tallies["urgency"].row("P1")["recall"] or 0.0

    @property
    def p1_under_triaged(self) -> int:
        """P1 cases proposed as P3 or P4: the error that must never happen."""
        return self.confusion[("P1", "P3")] + self.confusion[("P1", "P4")]

    @property
    def p1_over_triage_rate(self) -> float:
        """The share of non-P1 cases proposed as P1."""
        non_p1 = sum(n for (gold, _), n in self.confusion.items() if gold != "P1")
        over = sum(n for (gold, got), n in self.confusion.items() if gold != "P1" and got == "P1")
        return over / non_p1 if non_p1 else 0.0

    def as_dict(self) -> dict:
        labels = {
            name: {c: self.tallies[name].row(c) for c in codes} for name, codes in SINGLE_LABELS.items()
        }
        labels["red_flags"] = {flag: self.tallies["red_flags"].row(flag) for flag in RED_FLAGS}
        labels["complaint"] = {c: self.tallies["complaint"].row(c) for c in (*COMPLAINTS, NO_COMPLAINT)}
        accuracy = {k: round(v / self.cases, 4) if self.cases else None for k, v in self.exact.items()}
        if "complaint" in accuracy:
            accuracy["complaint"] = round(self.exact["complaint"] / self.complaint_cases, 4)
        return {
            "cases": self.cases,
            "errors": self.errors,
            "accuracy": accuracy,
            "p1_recall": self.p1_recall,
            "p1_under_triaged": self.p1_under_triaged,
            "p1_over_triage_rate": round(self.p1_over_triage_rate, 4),
            "labels": labels,
            "urgency_confusion": {g: {p: self.confusion[(g, p)] for p in URGENCIES} for g in URGENCIES},
        }


def _gold(record: dict) -> dict:
    gold = record.get("gold")
    if not isinstance(gold, dict):
        raise LineError("gold: missing or not an object")
    for name, codes in SINGLE_LABELS.items():
        if gold.get(name) not in codes:
            raise LineError(f"gold.{name}: must be one of {', '.join(codes)}")
    flags = gold.get("red_flags", [])
    if not isinstance(flags, list) or any(flag not in RED_FLAGS for flag in flags):
        raise LineError("gold.red_flags: must be a list of red-flag codes")
    if gold.get("complaint") is not None and gold["complaint"] not in COMPLAINTS:
        raise LineError(f"gold.complaint: must be null or one of {', '.join(COMPLAINTS)}")
    return gold


def evaluate(lines: Iterable[str | bytes]) -> Evaluation:
    result = Evaluation()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = decode_line(line)
            if not isinstance(record, dict):
                raise LineError("line must be a JSON object")
            gold = _gold(record)
            decision = triage(parse_record(record))
        except LineError as error:
            result.errors.append({"line": number, "error": str(error)})
            continue
        result.cases += 1
        predicted = decision.as_dict()
        for name in SINGLE_LABELS:
            result.tallies[name].add({gold[name]}, {predicted[name]})
            result.exact[name] += gold[name] == predicted[name]
        result.tallies["red_flags"].add(set(gold.get("red_flags", [])), set(predicted["red_flags"]))
        result.exact["red_flags"] += set(gold.get("red_flags", [])) == set(predicted["red_flags"])
        if "complaint" in gold:
            result.complaint_cases += 1
            expected, got = gold["complaint"] or NO_COMPLAINT, predicted["complaint"] or NO_COMPLAINT
            result.tallies["complaint"].add({expected}, {got})
            result.exact["complaint"] += expected == got
        result.confusion[(gold["urgency"], predicted["urgency"])] += 1
        if any(gold[name] != predicted[name] for name in SINGLE_LABELS):
            result.misses.append({"id": record.get("id"), "text": record.get("text"), "gold": gold, "got": {
                k: predicted[k] for k in (*SINGLE_LABELS, "red_flags", "complaint")}})  # fmt: skip
    return result


def _fmt(value: float | None) -> str:
    return "   —  " if value is None else f"{value:6.3f}"


def format_report(result: Evaluation) -> str:
    out = [f"cases: {result.cases}   unreadable lines: {len(result.errors)}"]
    accuracy = result.as_dict()["accuracy"]
    out.append("accuracy: " + "  ".join(f"{k} {v:.3f}" for k, v in accuracy.items()) if result.cases else "")
    out.append(
        f"P1 recall: {result.p1_recall:.3f}   P1 proposed as P3/P4: {result.p1_under_triaged}   "
        f"non-P1 proposed as P1: {result.p1_over_triage_rate:.3f}"
    )
    labels = [*SINGLE_LABELS.items(), ("red_flags", RED_FLAGS)]
    if result.complaint_cases:
        labels.append(("complaint", (*COMPLAINTS, NO_COMPLAINT)))
    for name, codes in labels:
        out.append(f"\n{name:<22} precision  recall  support")
        for code in codes:
            row = result.tallies[name].row(code)
            out.append(f"  {code:<20} {_fmt(row['precision'])}  {_fmt(row['recall'])}  {row['support']:>7}")
    out.append("\nurgency confusion (rows gold, columns proposed)")
    out.append("        " + "".join(f"{p:>6}" for p in URGENCIES))
    for g in URGENCIES:
        out.append(f"  {g:<6}" + "".join(f"{result.confusion[(g, p)]:>6}" for p in URGENCIES))
    for error in result.errors:
        out.append(f"line {error['line']}: {error['error']}")
    return "\n".join(out) + "\n"
