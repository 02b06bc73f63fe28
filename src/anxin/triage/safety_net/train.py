"""Train the safety net on the labelled cases and choose the thresholds that turn its scores into raises.

    python -m anxin.triage.safety_net.train            # data/triage/cases.jsonl, holdout.jsonl, train/*.jsonl
    python -m anxin.triage.safety_net.train --check    # exit 1 if the shipped model is not the one the data makes

Needs scikit-learn (the project's ``dev`` extra); running the model needs only numpy. Deterministic: the same
cases give the same weights. The thresholds are chosen on out-of-fold scores (5 folds), so they reflect how
the model scores cases it has not seen.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from anxin.triage.codes import urgency_rank
from anxin.triage.jsonl import parse_record
from anxin.triage.safety_net.features import ngrams, set_aside
from anxin.triage.safety_net.model import META, MODEL_DIR, NONE, WEIGHTS, CharModel, Opinion
from anxin.triage.safety_net.review import Thresholds, _raise_to

ROOT = Path(__file__).resolve().parents[4]
DATA = ROOT / "data" / "triage"
MIN_DF = 2
C_URGENCY, C_COMPLAINT = 2.0, 4.0
FOLDS = 5
# The share of cases below P1 that the net may turn into P1 (the issue allows 5 % over all of the engine).
P1_BUDGET = 0.02
RAISE_BUDGET = 0.05
VERSION = "2"  # 2: reads the message without the words the rules set aside


# Blind sets whose first run is recorded in docs/triage.md: from then on they are labelled data like the rest.
SCORED_BLIND_SETS = (
    "blind1.jsonl",
    "blind2.jsonl",
    "blind3.jsonl",
    "blind4.jsonl",
    "blind5.jsonl",
    "blind6.jsonl",
    "blind7.jsonl",
    "blind8.jsonl",
)


def training_files() -> list[Path]:
    """Every labelled set that is not blind: the development set, the old held-out set, the training sets and
    the blind sets after their first run (a new blind set is added here only once its first score is kept)."""
    blind = [DATA / name for name in SCORED_BLIND_SETS]
    return [DATA / "cases.jsonl", DATA / "holdout.jsonl", *sorted((DATA / "train").glob("*.jsonl")), *blind]


@dataclass(frozen=True)
class Case:
    id: str
    record: dict
    urgency: str
    complaint: str | None  # None for cases labelled before the protocols existed (no complaint in gold)


def load_cases(paths: list[Path]) -> list[Case]:
    cases = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            gold = record["gold"]
            complaint = (gold["complaint"] or NONE) if "complaint" in gold else None
            cases.append(Case(record["id"], record, gold["urgency"], complaint))
    return cases


def digest(paths: list[Path]) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()[:16]


def vocabulary_of(texts: list[str]) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(ngrams(text)))
    grams = sorted(gram for gram, n in df.items() if n >= MIN_DF)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in grams], dtype=np.float32)
    return grams, idf


def matrix(texts: list[str], grams: list[str], idf: np.ndarray):
    """The TF-IDF rows exactly as ``CharModel.features`` computes them at run time."""
    from scipy.sparse import csr_matrix

    reader = CharModel(_empty_weights(grams, idf), {"urgencies": [], "complaints": []})
    rows, cols, vals = [], [], []
    for row, text in enumerate(texts):
        index, values = reader.features(text)
        rows += [row] * len(index)
        cols += index.tolist()
        vals += values.tolist()
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), len(grams)), dtype=np.float32)


def _empty_weights(grams: list[str], idf: np.ndarray) -> dict:
    zeros = np.zeros((len(grams), 1), dtype=np.float32)
    return {"vocabulary": np.array(grams), "idf": idf, "w_urgency": zeros, "b_urgency": np.zeros(1),
            "w_complaint": zeros, "b_complaint": np.zeros(1)}  # fmt: skip


def fit(cases: list[Case], texts: list[str]) -> tuple[dict[str, np.ndarray], dict]:
    """``texts`` are what the net reads of each case (``features.set_aside``)."""
    from sklearn.linear_model import LogisticRegression

    grams, idf = vocabulary_of(texts)
    x = matrix(texts, grams, idf)
    urgency = LogisticRegression(C=C_URGENCY, max_iter=5000, class_weight="balanced")
    urgency.fit(x, [c.urgency for c in cases])
    labelled = [i for i, c in enumerate(cases) if c.complaint is not None]
    complaint = LogisticRegression(C=C_COMPLAINT, max_iter=5000)
    complaint.fit(x[labelled], [cases[i].complaint for i in labelled])
    weights = {
        "vocabulary": np.array(grams),
        "idf": idf,
        "w_urgency": urgency.coef_.T.astype(np.float32),
        "b_urgency": urgency.intercept_.astype(np.float32),
        "w_complaint": complaint.coef_.T.astype(np.float32),
        "b_complaint": complaint.intercept_.astype(np.float32),
    }
    meta = {"urgencies": list(urgency.classes_), "complaints": list(complaint.classes_)}
    return weights, meta


def out_of_fold(cases: list[Case], texts: list[str]) -> list[Opinion]:
    """Each case read by a model trained without it (folds by position, every FOLDS-th case)."""
    opinions: list[Opinion | None] = [None] * len(cases)
    for fold in range(FOLDS):
        kept = [i for i in range(len(cases)) if i % FOLDS != fold]
        weights, meta = fit([cases[i] for i in kept], [texts[i] for i in kept])
        model = CharModel(weights, meta)
        for i in range(fold, len(cases), FOLDS):
            opinions[i] = model.read(texts[i])
    return opinions  # type: ignore[return-value]


def rules_decisions(cases: list[Case]):
    from anxin.triage.engine import triage_by_rules

    return [triage_by_rules(parse_record({k: v for k, v in c.record.items() if k != "gold"})) for c in cases]


def combined(decisions, opinions, thresholds: Thresholds) -> list[str]:
    out = []
    for decision, opinion in zip(decisions, opinions, strict=True):
        target = _raise_to(opinion, decision, thresholds)
        out.append(target[0] if target else decision.urgency)
    return out


def _alone(opinion: Opinion, thresholds: Thresholds) -> str:
    """The urgency the net's scores give by themselves (P4 when they give none)."""
    if opinion.p1 >= thresholds.p1:
        return "P1"
    if opinion.p1_or_p2 >= thresholds.p2:
        return "P2"
    return "P3" if opinion.health >= thresholds.health else "P4"


def score(cases: list[Case], urgencies: list[str]) -> dict:
    gold = [c.urgency for c in cases]
    p1 = [g == "P1" for g in gold]
    n_p1 = sum(p1)
    caught = sum(1 for g, u in zip(gold, urgencies, strict=True) if g == "P1" and u == "P1")
    over = sum(1 for g, u in zip(gold, urgencies, strict=True) if g != "P1" and u == "P1")
    under = sum(1 for g, u in zip(gold, urgencies, strict=True) if urgency_rank(u) > urgency_rank(g))
    missed_p1_low = sum(1 for g, u in zip(gold, urgencies, strict=True) if g == "P1" and u in ("P3", "P4"))
    return {
        "accuracy": round(sum(g == u for g, u in zip(gold, urgencies, strict=True)) / len(gold), 4),
        "p1_recall": round(caught / n_p1, 4) if n_p1 else None,
        "p1_over_rate": round(over / (len(gold) - n_p1), 4),
        "under_triaged": under,
        "p1_as_p3_p4": missed_p1_low,
    }


def _quantile_above(scores: list[float], budget: float, floor: float) -> float:
    """The score that only a ``budget`` share of ``scores`` reaches (at least ``floor``)."""
    if not scores:
        return 1.0
    return max(floor, float(np.quantile(np.array(scores), 1.0 - budget)) + 1e-6)


def choose_thresholds(cases: list[Case], opinions: list[Opinion]) -> Thresholds:
    """Budgets on out-of-fold scores, whatever the rules said (they were written against these cases, so how
    often they miss here says nothing of new wording): the net alone may call P1 at most P1_BUDGET of the
    cases below P1, P2 at most RAISE_BUDGET of the cases below P2, and health at most RAISE_BUDGET of the
    messages that are not about health."""
    pairs = list(zip(cases, opinions, strict=True))
    below_p1 = [o.p1 for c, o in pairs if c.urgency != "P1"]
    below_p2 = [o.p1_or_p2 for c, o in pairs if c.urgency in ("P3", "P4")]
    not_health = [o.health for c, o in pairs if c.complaint == NONE]
    return Thresholds(
        p1=round(_quantile_above(below_p1, P1_BUDGET, 0.3), 4),
        p2=round(_quantile_above(below_p2, RAISE_BUDGET, 0.4), 4),
        health=round(_quantile_above(not_health, RAISE_BUDGET, 0.5), 4),
    )


def train(paths: list[Path]) -> tuple[dict, dict]:
    cases = load_cases(paths)
    decisions = rules_decisions(cases)
    texts = [set_aside(c.record["text"], d.ignored) for c, d in zip(cases, decisions, strict=True)]
    opinions = out_of_fold(cases, texts)
    thresholds = choose_thresholds(cases, opinions)
    weights, meta = fit(cases, texts)
    meta.update(
        version=VERSION,
        data=digest(paths),
        cases=len(cases),
        files=[str(p.relative_to(ROOT)) for p in paths],
        thresholds=vars(thresholds),
        cross_validated={
            "rules": score(cases, [d.urgency for d in decisions]),
            "rules_and_net": score(cases, combined(decisions, opinions, thresholds)),
            "net_alone": score(cases, [_alone(o, thresholds) for o in opinions]),
        },
        vocabulary=len(weights["vocabulary"]),
    )
    return weights, meta


def write(weights: dict, meta: dict) -> None:
    MODEL_DIR.mkdir(exist_ok=True)
    np.savez_compressed(
        WEIGHTS, **{k: (v.astype(np.float16) if k.startswith("w_") else v) for k, v in weights.items()}
    )
    META.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anxin.triage.safety_net.train")
    parser.add_argument("--check", action="store_true", help="only check the shipped model matches the data")
    args = parser.parse_args(argv)
    paths = training_files()
    if args.check:
        shipped = json.loads(META.read_text(encoding="utf-8")) if META.exists() else {}
        if shipped.get("data") != digest(paths):
            print(
                "the shipped safety net was not trained on the current labelled cases; retrain it",
                file=sys.stderr,
            )
            return 1
        return 0
    weights, meta = train(paths)
    write(weights, meta)
    print(
        json.dumps({k: meta[k] for k in ("cases", "vocabulary", "thresholds", "cross_validated")}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
