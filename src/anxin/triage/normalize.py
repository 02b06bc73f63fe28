"""Caller text to one comparable form, character for character.

Traditional → Simplified (OpenCC), full-width → ASCII, letters lower-cased, a few emoji to the words they
stand for, and the function words of Cantonese and Wu that have a one-character Mandarin equivalent (咗 → 了,
唔 → 不, 喺 → 在, 冇 → 没, 食 → 吃, 勿 → 不): rules are written once, in Mandarin, and read dialect too. Every step maps one character to one character, so an offset in the normalised text is the same
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


# Dialect characters that only ever mean their Mandarin counterpart. Rule patterns are folded the same way
# (``fold_dialect``), so a pattern written with 唔 still matches.
_DIALECT = {
    "咗": "了",
    "唔": "不",
    "喺": "在",
    "冇": "没",
    "佢": "他",
    "嘅": "的",
    "啲": "些",
    "嚟": "来",
    "睇": "看",
    "嗌": "喊",
    "攞": "拿",
    "揾": "找",
    "畀": "给",
    "瞓": "睡",
    "噉": "这",
    "侬": "你",
    "勿": "不",
    "嘞": "了",
    "俾": "给",
    "啱": "刚",
    "攰": "累",
    "嬲": "气",
    "揸": "拿",
    "仲": "还",
    "乜": "什",
    "食": "吃",  # 食物 becomes 吃物 on both sides (patterns are folded too), so nothing stops matching
}
_DIALECT_TABLE = str.maketrans(_DIALECT)


def fold_dialect(text: str) -> str:
    """The dialect function words of ``text`` in Mandarin, character for character."""
    return text.translate(_DIALECT_TABLE)


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
    table.update({ord(dialect): mandarin for dialect, mandarin in _DIALECT.items()})
    return table


def normalise(text: str) -> str:
    """Same length as ``text``; Simplified, half-width, lower-case."""
    simplified = _converter().convert(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length: fall back to characters
        simplified = "".join(converted if len(converted := _converter().convert(c)) == 1 else c for c in text)
    return simplified.translate(_fold_table())
