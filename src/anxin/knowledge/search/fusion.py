"""Words and meaning together: a blend of the lexical (BM25F) and the dense ranking's scores.

Each list's scores are brought to [0, 1] before they are blended, since BM25F is unbounded and cosines of this
model crowd between 0.75 and 0.95: a BM25F score is divided by the query's best, a cosine placed between the
lowest and highest the meaning search handed over. An item scores ``WORDS_WEIGHT`` times the one plus the rest
times the other, so an item both lists rate high comes first. At equal relevance the item an agent can read out
comes before an internal script, as in the lexical ranking; items that are not current (asked for with history)
always come after current ones, so a superseded rule never ranks above the rule in force that replaced it.

Measured on the development queries (369, `data/knowledge/queries.jsonl` and `holdout.jsonl`) against
reciprocal rank fusion (K = 60, the usual constant; 5 and 20 and weights 0.7–2.0 for the meaning list were no
better): recall@1 0.686 → 0.702, recall@3 0.856 → 0.875, holdout alone 0.662 / 0.857 → 0.662 / 0.870. Weights
0.4–0.6 for the words differ by less than 0.01; 0.5 is the middle of that plateau.
"""

from __future__ import annotations

from collections.abc import Sequence

from anxin.knowledge.search.rank import INTERNAL_FACTOR, Candidate

WORDS_WEIGHT = 0.5


def fuse(
    lexical: Sequence[tuple[Candidate, float]], meaning: Sequence[tuple[Candidate, float]]
) -> list[tuple[Candidate, float, float | None]]:
    """(candidate, blended score in [0, 1], cosine similarity or None when meaning search did not find it),
    best first. Both lists come best first."""
    blended: dict[str, float] = {}
    candidates: dict[str, Candidate] = {}
    lists = (
        (WORDS_WEIGHT, lexical, _share_of_best([score for _, score in lexical])),
        (1.0 - WORDS_WEIGHT, meaning, _between_lowest_and_highest([score for _, score in meaning])),
    )
    for weight, ranking, shares in lists:
        for (candidate, _), share in zip(ranking, shares, strict=True):
            blended[candidate.key] = blended.get(candidate.key, 0.0) + weight * share
            candidates.setdefault(candidate.key, candidate)
    similarity = {candidate.key: cosine for candidate, cosine in meaning}
    # The script penalty again on the blended score: measured on the development queries, it puts the item a
    # caller can be read first more often (recall@1 0.672 → 0.702) for no cost at 3.
    fused = [
        (candidates[key], score * (INTERNAL_FACTOR if candidates[key].internal else 1.0), similarity.get(key))
        for key, score in blended.items()
    ]
    fused.sort(key=lambda hit: (not hit[0].current, -hit[1], hit[0].key))
    return fused


def _share_of_best(scores: list[float]) -> list[float]:
    """BM25F scores (0 and up) as shares of the best."""
    best = max(scores, default=0.0)
    return [score / best if best > 0 else 0.0 for score in scores]


def _between_lowest_and_highest(scores: list[float]) -> list[float]:
    """Cosines placed between the lowest (0) and the highest (1) of the list; all 1 when they are equal."""
    if not scores:
        return []
    lowest, spread = min(scores), max(scores) - min(scores)
    return [(score - lowest) / spread if spread > 0 else 1.0 for score in scores]
