"""BM25F over an item's fields: the one ranking both database backends hand their candidates to.

SQLite's FTS5 and PostgreSQL's full-text search each find the items that share a term with the query; this
module orders them, so an item ranks the same on either database. Term rarity (document frequency) comes
from the index's term table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from anxin.knowledge.search.analysis import Fields, Query

# A word in the title says more about the item than the same word in its body.
FIELD_WEIGHTS = {"title": 4.0, "keywords": 2.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_WEIGHTS)
GRAM_FIELDS = ("grams",)
# Typical field lengths in terms; a field longer than typical counts each match for less.
TYPICAL_LENGTH = {"title": 8.0, "keywords": 10.0, "body": 150.0, "grams": 24.0}
K1 = 1.6
B = 0.75
# Superseded, expired or retired items, when asked for at all, rank below current ones.
HISTORY_FACTOR = 0.5
# At equal relevance the item an agent can read out to the caller comes before an internal script.
INTERNAL_FACTOR = 0.85


@dataclass
class Candidate:
    key: str
    fields: Fields
    current: bool = True
    internal: bool = False

    def weighted_tfs(self, terms: Mapping[str, float], names: tuple[str, ...]) -> dict[str, float]:
        """Each query term's frequency, length-normalised per field and weighted by field, summed over the fields.

        Counted per field in one pass (Counter runs in C) and intersected with the query's terms (in C too):
        ranking 60 candidates with long bodies stays a few milliseconds, for a rambling story as well.
        """
        totals: dict[str, float] = {}
        for name in names:
            field_terms = getattr(self.fields, name)
            if not field_terms:
                continue
            counts = Counter(field_terms)
            share = FIELD_WEIGHTS.get(name, 1.0) / (1.0 - B + B * len(field_terms) / TYPICAL_LENGTH[name])
            for term in counts.keys() & terms.keys():
                totals[term] = totals.get(term, 0.0) + share * counts[term]
        return totals


def idf(document_frequency: int, documents: int) -> float:
    return math.log(1.0 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def _saturate(weighted_tf: float) -> float:
    return weighted_tf * (K1 + 1.0) / (weighted_tf + K1)


@dataclass(frozen=True)
class _TermWeights:
    """Each query term's weight times its IDF: the same for every candidate, so computed once per query."""

    terms: dict[str, float]
    grams: dict[str, float]

    @classmethod
    def of(cls, query: Query, df: Mapping[str, int], documents: int) -> _TermWeights:
        def weigh(terms: dict[str, float]) -> dict[str, float]:
            return {term: weight * idf(df.get(term, 0), documents) for term, weight in terms.items()}

        return cls(terms=weigh(query.terms), grams=weigh(query.grams))


def _score(candidate: Candidate, weights: _TermWeights) -> float:
    total = 0.0
    for terms, names in ((weights.terms, TEXT_FIELDS), (weights.grams, GRAM_FIELDS)):
        tfs = candidate.weighted_tfs(terms, names)
        if not tfs:
            continue
        for term, weight in terms.items():  # in the query's order: the same sum, to the last bit, every run
            tf = tfs.get(term)
            if tf:
                total += weight * _saturate(tf)
    if candidate.internal:
        total *= INTERNAL_FACTOR
    return total if candidate.current else total * HISTORY_FACTOR


def rank(
    query: Query, candidates: Iterable[Candidate], df: Mapping[str, int], documents: int
) -> list[tuple[Candidate, float]]:
    """Best first; equal scores by key, so results are stable."""
    weights = _TermWeights.of(query, df, documents)
    scored = [(c, _score(c, weights)) for c in candidates]
    scored = [(c, s) for c, s in scored if s > 0.0]
    scored.sort(key=lambda pair: (-pair[1], pair[0].key))
    return scored
