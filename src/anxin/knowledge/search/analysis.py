"""Caller text and item text → the terms the index stores and the search matches.

Three kinds of term:
- words: jieba's search-mode segmentation of the normalised text (Traditional → Simplified, full-width →
  ASCII), two characters or more, stop words dropped. Slang terms from the lexicon are kept whole.
- concepts: ``concept<id>`` for every lexicon concept the text names ("阳了" and "新冠阳性" both give
  ``conceptcovidpositive``): the bridge between colloquial questions and formal guidance.
- grams: character bigrams of an item's title and tags, matched by short queries, so that a typo ("连花清温")
  or a two-character fragment still meets the title.

A query also reads words typed by sound ("隔理" → 隔离; see ``homophones``): where a stretch that the
segmenter could not make a word of sounds like a lexicon term, the term counts, a little less than if typed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

import jieba

from anxin.knowledge.search.homophones import MAX_LENGTH, MIN_LENGTH, HomophoneIndex
from anxin.knowledge.search.lexicon import CONCEPT_PREFIX, Lexicon, default_lexicon
from anxin.triage.normalize import normalise

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,16}$")
_ASCII_WORD = re.compile(r"^[a-z0-9]{2,24}$")
# Queries longer than this many Chinese characters are stories: their bigrams are mostly noise.
GRAM_QUERY_LIMIT = 20

WORD_WEIGHT = 1.0
CONCEPT_WEIGHT = 1.5
GRAM_WEIGHT = 0.5
# A term read from a homophone counts this much of what it would if typed right.
SOUND_FACTOR = 0.7


@dataclass(frozen=True)
class Fields:
    """An item's terms by field; repeated terms repeat (term frequency counts)."""

    title: tuple[str, ...]
    keywords: tuple[str, ...]
    body: tuple[str, ...]
    grams: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """What a query looks for: words and concepts in title, keywords and body; grams in grams."""

    text: str
    terms: dict[str, float]
    grams: dict[str, float]
    # (what the caller typed, the lexicon term it sounds like)
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.grams

    def concepts(self) -> list[str]:
        return [t.removeprefix(CONCEPT_PREFIX) for t in self.terms if t.startswith(CONCEPT_PREFIX)]


class Analyzer:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        for word in lexicon.user_words():
            if len(word) > 1:
                self._tokenizer.add_word(word, freq=50_000)
        self._homophones = HomophoneIndex(lexicon.user_words())

    def words(self, normalised_text: str) -> list[str]:
        return [
            token
            for token in self._tokenizer.cut_for_search(normalised_text)
            if (_HAN_WORD.match(token) or _ASCII_WORD.match(token)) and token not in self.lexicon.stopwords
        ]

    def concept_tokens(self, normalised_text: str) -> list[str]:
        return [CONCEPT_PREFIX + c for c in self.lexicon.concepts_in(normalised_text)]

    def document(self, *, title: str, tags: list[str], body: str, category_label: str = "") -> Fields:
        title_n = normalise(title)
        keywords_n = normalise(" ".join([*tags, category_label]))
        body_n = normalise(body)
        return Fields(
            title=tuple(self.words(title_n) + self.concept_tokens(title_n)),
            keywords=tuple(self.words(keywords_n) + self.concept_tokens(keywords_n)),
            body=tuple(self.words(body_n) + self.concept_tokens(body_n)),
            grams=tuple(bigrams(title_n + " " + " ".join(normalise(t) for t in tags))),
        )

    def query(self, text: str) -> Query:
        normalised = normalise(text)
        terms: dict[str, float] = {}
        for word in self.words(normalised):
            terms[word] = WORD_WEIGHT
        for token in self.concept_tokens(normalised):
            terms[token] = CONCEPT_WEIGHT
        corrections = self.sound_alikes(normalised)
        for _, term in corrections:
            for token in [*self.words(term), *self.concept_tokens(term)]:
                base = CONCEPT_WEIGHT if token.startswith(CONCEPT_PREFIX) else WORD_WEIGHT
                terms.setdefault(token, base * SOUND_FACTOR)
        grams: dict[str, float] = {}
        if sum(len(run) for run in _HAN_RUN.findall(normalised)) <= GRAM_QUERY_LIMIT:
            grams = dict.fromkeys(bigrams(normalised), GRAM_WEIGHT)
        return Query(text=text, terms=terms, grams=grams, corrections=tuple(corrections))

    def sound_alikes(self, normalised_text: str) -> list[tuple[str, str]]:
        """Stretches that hold a character the segmenter left alone and sound like a lexicon term."""
        loose: set[int] = set()
        position = 0
        for piece in self._tokenizer.cut(normalised_text, HMM=False):
            if len(piece) == 1 and _HAN_RUN.match(piece):
                loose.add(position)
            position += len(piece)
        found: list[tuple[str, str]] = []
        for start in range(len(normalised_text)):
            for length in range(MIN_LENGTH, MAX_LENGTH + 1):
                span = range(start, start + length)
                if start + length > len(normalised_text) or loose.isdisjoint(span):
                    continue
                window = normalised_text[start : start + length]
                found.extend((window, term) for term in self._homophones.sounds_like(window))
        return list(dict.fromkeys(found))


def bigrams(normalised_text: str) -> list[str]:
    """Overlapping two-character pieces of each run of Chinese characters ("血氧仪" → 血氧, 氧仪)."""
    grams = []
    for run in _HAN_RUN.findall(normalised_text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


@cache
def default_analyzer() -> Analyzer:
    return Analyzer(default_lexicon())
