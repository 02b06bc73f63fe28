"""Words typed by sound: "隔理" for 隔离, "蜜接" for 密接, "保拱" for 保供, "长出方" for 长处方.

Callers type with a pinyin input method and pick the wrong character of the right sound. The lexicon's terms
are indexed by pinyin (every reading of a polyphonic character, and the initials and finals that southern
speakers merge — zh/z, ch/c, sh/s, n/l, -ng/-n — taken as one); a stretch of the query that is not itself a
word but sounds like a term is read as that term. The query's characters are read by their common reading
only: the caller chose the wrong character for the sound it usually makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from pypinyin import Style, pinyin

_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
MIN_LENGTH, MAX_LENGTH = 2, 4
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _fuzzy(syllable: str) -> str:
    for merged, plain in _FUZZY_INITIALS:
        if syllable.startswith(merged):
            syllable = plain + syllable[len(merged) :]
            break
    for merged, plain in _FUZZY_FINALS:
        if syllable.endswith(merged):
            return syllable[: -len(merged)] + plain
    return syllable


@cache
def readings(char: str) -> frozenset[str]:
    """Every toneless reading of a character, fuzzed; empty for anything but a Chinese character."""
    if not _HAN.match(char):
        return frozenset()
    return frozenset(_fuzzy(r) for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0])


@cache
def common_reading(char: str) -> str:
    if not _HAN.match(char):
        return ""
    return _fuzzy(pinyin(char, style=Style.NORMAL)[0][0])


class HomophoneIndex:
    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = {t for t in terms if _HAN.match(t) and MIN_LENGTH <= len(t) <= MAX_LENGTH}
        self._by_first: dict[tuple[int, str], list[str]] = {}
        for term in sorted(self._terms):
            for reading in readings(term[0]):
                self._by_first.setdefault((len(term), reading), []).append(term)

    def sounds_like(self, window: str) -> list[str]:
        """Terms of the same length whose every character can be read as the window's; not the window."""
        if window in self._terms or not _HAN.match(window):
            return []
        sounds = [common_reading(c) for c in window]
        return [
            term
            for term in self._by_first.get((len(window), sounds[0]), ())
            if all(sounds[i] in readings(term[i]) for i in range(1, len(term)))
        ]
