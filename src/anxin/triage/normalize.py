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


# Code points whose NFKC form, lower-cased, is one other character: full-width forms, ℃, circled digits,
# upper-case letters. Built once; str.translate then folds a message in C.
_FOLDED_RANGES = ((0x41, 0x5B), (0xA0, 0x3400), (0xFE30, 0x10000))


@cache
def _fold_table() -> dict[int, str]:
    table = {}
    for low, high in _FOLDED_RANGES:
        for code in range(low, high):
            folded = unicodedata.normalize("NFKC", chr(code)).lower()
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    table.update({ord(emoji): word for emoji, word in _EMOJI.items()})
    return table


def normalise(text: str) -> str:
    """Same length as ``text``; Simplified, half-width, lower-case."""
    simplified = _converter().convert(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length: fall back to characters
        simplified = "".join(converted if len(converted := _converter().convert(c)) == 1 else c for c in text)
    return simplified.translate(_fold_table())
