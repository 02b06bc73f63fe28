"""Characters a match of a pattern cannot do without, so a message that has none of them skips the pattern.
(A requirement may also be two characters in a row, 嘴歪 rather than 嘴 or 歪: ``text_grams`` gives a text's
characters and its two-character runs, and the gates test against that.)

Most rule patterns fail on most messages. Asking "does the text hold any of the characters every match of this
pattern must contain?" is a set intersection in C, far cheaper than running a 30-branch regular expression
over the text. For each alternative the gate picks the rarest-looking requirement (抽搐 needs 搐 or 抽; a pattern
of digits then 天 needs 天). It is exact or absent: ``required_chars`` returns None whenever some alternative
has no requirement it can prove, and then the pattern always runs.
"""

from __future__ import annotations

import re
from re import _constants as sre
from re import _parser as sre_parse

_MAX_CLASS = 64  # [0-9] is worth listing; [^，] or a wide range is not
# Characters in nearly every message make poor gates; a requirement made of them is tried last.
_COMMON = frozenset("一不没有了的我是在好很就也都人这那个吗呢吧啊说要会能")
_COMMON_COST, _DIGIT_COST = 20, 5
_MIN_ALTERNATIVES = 3  # below this, narrowing costs more than it saves
_MAX_NARROWED = 512  # compiled narrowings kept per pattern


def text_grams(text: str) -> frozenset[str]:
    """What a gate is tested against: the text's characters and every two characters in a row."""
    return frozenset(text).union(text[i : i + 2] for i in range(len(text) - 1))


def required_chars(pattern: str) -> frozenset[str] | None:
    """The cheapest set of characters of which every match contains at least one; None if none is provable."""
    requirement = _sequence(sre_parse.parse(pattern))
    return frozenset(requirement) if requirement else None


def required_sets(pattern: str) -> tuple[frozenset[str], ...]:
    """Every provable requirement of the pattern's top-level sequence (a match meets all of them), cheapest
    first: "烧到39度" needs one of 烧… and a digit and 度."""
    candidates = [r for op, arg in sre_parse.parse(pattern) if (r := _item(op, arg))]
    unique = {frozenset(c) for c in candidates}
    return tuple(sorted(unique, key=_cost))


def _cost(grams: set[str]) -> int:
    return sum(_gram_cost(g) for g in grams)


def _gram_cost(gram: str) -> int:
    if len(gram) == 2:  # two characters in a row are far rarer than either alone
        return _COMMON_COST // 2 if all(c in _COMMON for c in gram) else 1
    return _COMMON_COST if gram in _COMMON else _DIGIT_COST if gram.isdigit() else 2


def _sequence(items) -> set[str] | None:
    """The cheapest set of which every match of this sequence contains at least one member (a character, or two
    characters in a row where the sequence spells them)."""
    items = list(items)
    candidates = [r for op, arg in items if (r := _item(op, arg))]
    for (op, arg), (next_op, next_arg) in zip(items, items[1:], strict=False):
        if op is sre.LITERAL and next_op is sre.LITERAL:
            candidates.append({chr(arg) + chr(next_arg)})
    return min(candidates, key=_cost) if candidates else None


def _item(op, arg) -> set[str] | None:
    if op is sre.LITERAL:
        return {chr(arg)}
    if op is sre.IN:
        return _class_chars(arg)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            requirement = _sequence(branch)
            if not requirement:
                return None  # an alternative without a requirement: the branch proves nothing
            union |= requirement
        return union
    if op is sre.SUBPATTERN:
        return _sequence(arg[-1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = arg
        return _sequence(body) if low >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _sequence(arg)
    return None  # look-arounds, anchors, '.', back-references: nothing required


def _class_chars(items) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < _MAX_CLASS:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        else:
            return None  # a negated class, \s or \d, a wide range
    return chars


class GatedPattern:
    """A compiled pattern with the characters its matches cannot do without.

    A rule's pattern is an alternation of many phrasings, and a text that passes the gate usually holds what
    only one or two of them need. ``narrow`` returns a regex of just those alternatives, in their order: an
    alternative whose requirement the text lacks matches nowhere in it, so the narrowed regex finds exactly
    the matches of the whole one (leftmost, first alternative first), at a fraction of the cost.
    """

    __slots__ = ("regex", "required", "_alternatives", "_full", "_always", "_mask_of", "_grams", "_narrowed")

    def __init__(self, regex: re.Pattern, alternatives: tuple[str, ...] = ()):
        self.regex = regex
        self.required = required_chars(regex.pattern)  # checked inline on the hot path
        self._alternatives = alternatives if len(alternatives) >= _MIN_ALTERNATIVES else ()
        # Which alternatives each character (or pair) may let through, as bits of an int: one OR per gram.
        self._full, self._always, mask_of = (1 << len(self._alternatives)) - 1, 0, {}
        for bit, alternative in enumerate(self._alternatives):
            needs = required_chars(alternative)
            if needs is None:
                self._always |= 1 << bit
            for gram in needs or ():
                mask_of[gram] = mask_of.get(gram, 0) | 1 << bit
        self._mask_of, self._grams = mask_of, frozenset(mask_of)
        self._narrowed: dict[int, re.Pattern] = {}

    def narrow(self, chars: frozenset[str]) -> re.Pattern | None:
        """The regex to run on a text with these characters (see ``text_grams``), or None if it cannot match."""
        if self.required is not None and self.required.isdisjoint(chars):
            return None
        if not self._alternatives:
            return self.regex
        kept, mask_of = self._always, self._mask_of
        for gram in chars & self._grams:
            kept |= mask_of[gram]
        if not kept:
            return None
        if kept == self._full:
            return self.regex
        regex = self._narrowed.get(kept)
        if regex is None:
            if len(self._narrowed) >= _MAX_NARROWED:
                self._narrowed.clear()
            chosen = (a for bit, a in enumerate(self._alternatives) if kept >> bit & 1)
            regex = self._narrowed[kept] = re.compile("|".join(chosen))
        return regex


class GateIndex:
    """Which of many gated patterns a text may match, from the text's characters in one pass.

    Built once per ruleset: character → the keys of the patterns that require it. A message then costs one
    dictionary lookup per distinct character instead of one check per pattern.
    """

    def __init__(self, patterns: dict[object, GatedPattern | None]):
        self.always: frozenset = frozenset(
            key for key, pattern in patterns.items() if pattern is None or pattern.required is None
        )
        index: dict[str, set] = {}
        for key, pattern in patterns.items():
            if pattern is not None and pattern.required is not None:
                for char in pattern.required:
                    index.setdefault(char, set()).add(key)
        self.by_char = {char: frozenset(keys) for char, keys in index.items()}
        self._indexed = frozenset(self.by_char)

    def candidates(self, chars: frozenset[str], *, always: bool = True) -> set:
        """The keys whose requirement the text meets, and (unless ``always`` is False) the ungated ones."""
        found = set(self.always) if always else set()
        by_char = self.by_char
        for char in chars & self._indexed:  # most of a text's characters gate nothing: skip them in C
            found |= by_char[char]
        return found
