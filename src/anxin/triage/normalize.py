"""Caller text to one comparable form, character for character.

Traditional → Simplified (OpenCC), full-width → ASCII, letters lower-cased, and a few emoji to the words they
stand for. Every step maps one character to one character, so an offset in the normalised text is the same
offset in what the caller wrote: the explanation can point at the original words.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc

# Emoji that carry a symptom or a plea; the rest are left as they are (the rules ignore them).
_EMOJI = {
    "🤒": "烧",
    "🥵": "热",
    "🤮": "吐",
    "🤢": "恶",
    "😷": "病",
    "🆘": "救",
    "💊": "药",
    "😭": "哭",
    "😢": "哭",
}


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _fold(char: str) -> str:
    if char in _EMOJI:
        return _EMOJI[char]
    folded = unicodedata.normalize("NFKC", char).lower()
    return folded if len(folded) == 1 else char


def normalise(text: str) -> str:
    """Same length as ``text``; Simplified, half-width, lower-case."""
    simplified = _converter().convert(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length: fall back to characters
        simplified = "".join(converted if len(converted := _converter().convert(c)) == 1 else c for c in text)
    if simplified.isascii():
        return simplified.lower()
    return "".join(_fold(c) for c in simplified)
