"""Whether a search found an answer worth reading out, or should say "no confident answer".

Judged on the best hit: its meaning is close enough (cosine of the shared encoder's vectors), or its words
match strongly enough (BM25F). Chosen on the development queries (data/knowledge/queries.jsonl and
holdout.jsonl, 369 answerable; unanswerable.jsonl, 80 plausible questions no item answers) so that at least
99 % of the questions whose best hit is right keep it: with meaning search (the blend of search/fusion.py),
99.6 % kept, 48 % of the unanswerable ones flagged (38 of 80), and 78 % of the flagged ones truly unanswerable;
with the words alone, 99.6 % kept, 15 % flagged, 75 % of those truly unanswerable (docs/knowledge.md). The figures depend on the model and on the
base (term rarity), so they are measured again when either changes.
"""

from __future__ import annotations

MIN_SIMILARITY = 0.894
MIN_WORDS_BESIDE_MEANING = 8.0
MIN_WORDS_ALONE = 4.0


def confident(words: float, similarity: float | None) -> bool:
    if similarity is None:
        return words >= MIN_WORDS_ALONE
    return similarity >= MIN_SIMILARITY or words >= MIN_WORDS_BESIDE_MEANING
