"""Where a fact came from (a span of the caller's text, a structured field, an answer to a key question), and a
reading: a value with its evidence. Shared by the fact readers and the engine."""

from __future__ import annotations

from typing import NamedTuple


class Evidence(NamedTuple):  # a tuple: cheap to build, and one is built per match
    """Where a fact came from: a span of the caller's text, a structured field, or a key question answered."""

    source: str  # "text", "field" or "answer"
    quote: str = ""  # the words, the field's value, or the question asked
    start: int | None = None
    end: int | None = None
    field: str | None = None  # the field's name, or the key question's id

    def as_dict(self) -> dict:
        if self.source == "answer":
            return {"source": "answer", "question": self.field, "ask": self.quote, "value": True}
        if self.source == "field":
            return {"source": "field", "field": self.field, "value": self.quote}
        return {"source": "text", "span": [self.start, self.end], "quote": self.quote}


class Reading(NamedTuple):
    value: float
    evidence: Evidence
