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
class Evaluation:
    overall: Figures = field(default_factory=Figures)
    by_kind: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    misses: list[dict[str, object]] = field(default_factory=list)  # not answered at 3

    def as_dict(self) -> dict[str, object]:
        return {
            **self.overall.as_dict(),
            "by_kind": {kind: figures.as_dict() for kind, figures in sorted(self.by_kind.items())},
            "misses": self.misses,
        }


def read_queries(path: Path) -> list[LabelledQuery]:
    queries = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        data = orjson.loads(line)
        answers = data.get("answers")
        if not isinstance(answers, list) or not answers:
            raise ValueError(f"{path}:{number}: answers must be a non-empty list")
        queries.append(
            LabelledQuery(
                qid=str(data["qid"]),
                query=str(data["query"]),
                answers=tuple(answers),
                kind=str(data.get("kind", "plain")),
                history=bool(data.get("history", False)),
            )
        )
    return queries


def evaluate(queries: Iterable[LabelledQuery], search: Callable[[str, int, bool], list[str]]) -> Evaluation:
    """``search(query, depth, history)`` returns item codes, best first."""
    result = Evaluation()
    for labelled in queries:
        found = search(labelled.query, DEPTH, labelled.history)
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
