"""Recall@k and MRR of the search on a labelled query set (data/knowledge/queries.jsonl).

A query is answered at k when any of its accepted items is among the first k results; its reciprocal rank is
1 / the position of the first accepted item in the first ``DEPTH`` results (0 when none is). A query marked
``"history": true`` asks about a rule no longer in force ("以前密接是七加三…") and is searched with history,
as an agent would search for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

DEPTH = 10
UNANSWERABLE = "unanswerable"  # a plausible question that no item answers: answers []
CUTOFFS = (1, 3, 5)


@dataclass(frozen=True)
class LabelledQuery:
    qid: str
    query: str
    answers: tuple[str, ...]
    kind: str = "plain"
    history: bool = False


@dataclass
class Figures:
    queries: int = 0
    answered_at: dict[int, int] = field(default_factory=lambda: dict.fromkeys(CUTOFFS, 0))
    reciprocal_ranks: float = 0.0

    def add(self, rank: int | None) -> None:
        self.queries += 1
        for k in CUTOFFS:
            if rank is not None and rank <= k:
                self.answered_at[k] += 1
        if rank is not None:
            self.reciprocal_ranks += 1.0 / rank

    def recall(self, k: int) -> float:
        return self.answered_at[k] / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.queries if self.queries else 0.0

    def as_dict(self) -> dict[str, object]:
        figures: dict[str, object] = {"queries": self.queries}
        figures.update({f"recall@{k}": round(self.recall(k), 4) for k in CUTOFFS})
        figures["mrr"] = round(self.mrr, 4)
        return figures


@dataclass
class Unsure:
    """How often the search said "no confident answer": on the questions no item answers (it should) and on the
    others (it should not)."""

    unanswerable: int = 0
    unanswerable_flagged: int = 0
    answerable_flagged: int = 0

    def add(self, *, answerable: bool, flagged: bool) -> None:
        if answerable:
            self.answerable_flagged += flagged
        else:
            self.unanswerable += 1
            self.unanswerable_flagged += flagged

    @property
    def precision(self) -> float:
        """Of the questions flagged, the share no item answers."""
        flagged = self.unanswerable_flagged + self.answerable_flagged
        return self.unanswerable_flagged / flagged if flagged else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "unanswerable": self.unanswerable,
            "unanswerable_flagged": self.unanswerable_flagged,
            "answerable_flagged": self.answerable_flagged,
            "precision": round(self.precision, 4),
        }


@dataclass
class Evaluation:
    overall: Figures = field(default_factory=Figures)
    by_kind: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    misses: list[dict[str, object]] = field(default_factory=list)  # not answered at 3
    unsure: Unsure = field(default_factory=Unsure)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.overall.as_dict(),
            "by_kind": {kind: figures.as_dict() for kind, figures in sorted(self.by_kind.items())},
            "misses": self.misses,
            "no_confident_answer": self.unsure.as_dict(),
        }


def read_queries(path: Path) -> list[LabelledQuery]:
    queries = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        data = orjson.loads(line)
        answers = data.get("answers")
        kind = str(data.get("kind", "plain"))
        if not isinstance(answers, list) or (not answers and kind != UNANSWERABLE):
            raise ValueError(
                f"{path}:{number}: answers must be a non-empty list (or [] with kind unanswerable)"
            )
        queries.append(
            LabelledQuery(
                qid=str(data["qid"]),
                query=str(data["query"]),
                answers=tuple(answers),
                kind=kind,
                history=bool(data.get("history", False)),
            )
        )
    return queries


def evaluate(
    queries: Iterable[LabelledQuery], search: Callable[[str, int, bool], tuple[list[str], bool]]
) -> Evaluation:
    """``search(query, depth, history)`` returns item codes, best first, and whether it is confident. A question no
    item answers (``kind`` unanswerable, ``answers`` []) counts only towards how often "no confident answer"
    was said, never towards recall."""
    result = Evaluation()
    for labelled in queries:
        found, confident = search(labelled.query, DEPTH, labelled.history)
        result.unsure.add(answerable=bool(labelled.answers), flagged=not confident)
        if not labelled.answers:
            continue
        rank = next((i for i, code in enumerate(found, start=1) if code in labelled.answers), None)
        result.overall.add(rank)
        result.by_kind[labelled.kind].add(rank)
        if rank is None or rank > 3:
            result.misses.append(
                {
                    "qid": labelled.qid,
                    "query": labelled.query,
                    "answers": list(labelled.answers),
                    "got": found[:3],
                }
            )
    return result
