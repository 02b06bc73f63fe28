"""Numbers as callers say them: 38.5, ３８.５, 三十八度六, 三八度五, 39多, 九十多, 七八十, 两三天.

``NUMBER`` is the regular-expression fragment for one spoken number; ``parse_number`` turns a match of it into
a float. Ranges said as two neighbouring digits (两三天, 三四天, 七八十岁) read as the larger end, because the
more cautious reading is the one triage wants.
"""

from __future__ import annotations

import re

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_CHARS = "零〇一二两俩三四五六七八九十百"
NUMBER = rf"(?:[0-9]+|[{_CN_CHARS}]+)(?:[.点](?:[0-9]+|[零〇一二三四五六七八九]+))?"


def parse_number(token: str) -> float | None:
    """38, 38.5, 三十八, 三十八点五, 三八 (=38), 两三 (=3), 七八十 (=80); None when it is not a number."""
    whole, fraction = _partition(token)
    value = _whole(whole)
    if value is None:
        return None
    if fraction:
        digits = "".join(str(_CN_DIGITS[c]) if c in _CN_DIGITS else c for c in fraction)
        if not digits.isdigit():
            return None
        value += float("0." + digits)
    return value


def _partition(token: str) -> tuple[str, str]:
    whole, _, fraction = token.replace("点", ".").partition(".")
    return whole, fraction


def _whole(text: str) -> float | None:
    if not text:
        return None
    if text.isdigit():
        return float(text)
    if any(c not in _CN_CHARS for c in text):
        return None
    if "十" in text or "百" in text:
        return _positional_with_units(text)
    digits = [_CN_DIGITS[c] for c in text]
    if len(digits) == 2 and digits[1] == digits[0] + 1:  # 两三, 三四: a range, read as its upper end
        return float(digits[1])
    return float("".join(str(d) for d in digits))  # 三八 = 38, 九五 = 95


def _positional_with_units(text: str) -> float | None:
    # 七八十 = "seventy or eighty": the range before 十 reads as its upper end.
    match = re.fullmatch(r"([一二两三四五六七八九])([一二两三四五六七八九])十", text)
    if match and _CN_DIGITS[match[2]] == _CN_DIGITS[match[1]] + 1:
        return float(_CN_DIGITS[match[2]] * 10)
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char in _CN_DIGITS:
            if current:
                return None  # 三四十五: not a number anyone says
            current = _CN_DIGITS[char]
        else:
            return None
    if len(text) >= 2 and text[-2] == "百" and text[-1] in _CN_DIGITS:
        current *= 10  # 一百五 = 150, 两百二 = 220 (一百零五 = 105)
    return float(total + current)


def add_more(value: float) -> float:
    """'多' or '好几' after a number: 39多 = 39.5, 七十多 = 75, 九十多 = 95, 八十好几 = 85."""
    if value >= 20 and value % 10 == 0:
        return value + 5
    return value + 0.5
