"""The synonym and slang dictionary (lexicon/synonyms.toml) and the stop words (lexicon/stopwords.txt).

A *concept* is a group of surface terms that mean the same to a caller and to the guidance: "阳了", "两道杠",
"新冠阳性". Any text, item or query, that contains one of the terms carries the concept, and item and query
meet on it although they share no word. ``implies`` adds broader concepts ("两道杠" is an antigen result and
an infection).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from anxin.triage.normalize import normalise

CONCEPT_ID = re.compile(r"^[a-z][a-z0-9]{1,40}$")
# Concept tokens share the index with words; the prefix keeps them apart from any word a text may hold.
CONCEPT_PREFIX = "concept"


class LexiconError(ValueError):
    """The dictionary file is malformed; the message names the concept and the problem."""


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    terms: tuple[str, ...]
    implies: tuple[str, ...]

    @property
    def token(self) -> str:
        return CONCEPT_PREFIX + self.id


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, Concept]
    stopwords: frozenset[str]
    # normalised surface term → ids of the concepts it names, implied ones included
    term_concepts: dict[str, tuple[str, ...]]
    pattern: re.Pattern[str] | None

    def concepts_in(self, normalised_text: str) -> list[str]:
        """Ids of the concepts named in the text, once each, in order of first mention."""
        if self.pattern is None:
            return []
        found: dict[str, None] = {}
        for match in self.pattern.finditer(normalised_text):
            for concept_id in self.term_concepts[match.group()]:
                found.setdefault(concept_id, None)
        return list(found)

    def user_words(self) -> list[str]:
        """Surface terms the segmenter must keep whole."""
        return sorted(self.term_concepts)


def parse_lexicon(data: dict, stopwords_text: str = "") -> Lexicon:
    concepts: dict[str, Concept] = {}
    for entry in data.get("concept", []):
        concept = _parse_concept(entry)
        if concept.id in concepts:
            raise LexiconError(f"concept {concept.id}: defined twice")
        concepts[concept.id] = concept
    for concept in concepts.values():
        for implied in concept.implies:
            if implied not in concepts:
                raise LexiconError(f"concept {concept.id}: implies unknown concept {implied}")
    term_concepts: dict[str, list[str]] = {}
    for concept in concepts.values():
        closure = _closure(concept.id, concepts)
        for term in concept.terms:
            ids = term_concepts.setdefault(term, [])
            ids.extend(c for c in closure if c not in ids)
    return Lexicon(
        concepts=concepts,
        stopwords=frozenset(_stopwords(stopwords_text)),
        term_concepts={term: tuple(ids) for term, ids in term_concepts.items()},
        pattern=_alternation(term_concepts),
    )


def _parse_concept(entry: dict) -> Concept:
    concept_id = entry.get("id", "")
    if not isinstance(concept_id, str) or not CONCEPT_ID.match(concept_id):
        raise LexiconError(
            f"concept id {concept_id!r}: lower-case letters and digits, starting with a letter"
        )
    unknown = set(entry) - {"id", "label", "terms", "implies"}
    if unknown:
        raise LexiconError(f"concept {concept_id}: unknown keys {sorted(unknown)}")
    terms = entry.get("terms", [])
    if not terms or not all(isinstance(t, str) and t.strip() for t in terms):
        raise LexiconError(f"concept {concept_id}: terms must be a non-empty list of words")
    normalised = tuple(dict.fromkeys(normalise(t.strip()) for t in terms))
    return Concept(
        id=concept_id,
        label=str(entry.get("label", concept_id)),
        terms=normalised,
        implies=tuple(entry.get("implies", ())),
    )


def _closure(concept_id: str, concepts: dict[str, Concept]) -> list[str]:
    seen: list[str] = []
    pending = [concept_id]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.append(current)
        pending.extend(concepts[current].implies)
    return seen


def _alternation(terms) -> re.Pattern[str] | None:
    if not terms:
        return None
    # Longest first, so "二次感染" wins over "感染" where both are terms.
    ordered = sorted(terms, key=lambda t: (-len(t), t))
    return re.compile("|".join(_whole(t) for t in ordered))


def _whole(term: str) -> str:
    """A term's pattern; where it starts or ends with a Latin letter or digit, not inside a longer run of them
    ("12345" is the hotline, not the middle of the mobile number 13912345678)."""
    pattern = re.escape(term)
    if term[:1].isascii() and term[:1].isalnum():
        pattern = r"(?<![0-9A-Za-z])" + pattern
    if term[-1:].isascii() and term[-1:].isalnum():
        pattern += r"(?![0-9A-Za-z])"
    return pattern


def _stopwords(text: str) -> list[str]:
    words = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        words.extend(normalise(w) for w in line.split())
    return words


@cache
def default_lexicon() -> Lexicon:
    folder = resources.files("anxin.knowledge") / "lexicon"
    data = tomllib.loads((folder / "synonyms.toml").read_text(encoding="utf-8"))
    return parse_lexicon(data, (folder / "stopwords.txt").read_text(encoding="utf-8"))
