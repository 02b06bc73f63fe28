"""Masked display of identifiers. Lists and exports show these; a full view is granted and logged."""

from __future__ import annotations

import re


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三丰 -> 张*丰, 李四 -> 李*: for printed material that leaves the office."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


# In free text: an ID number (18 characters, GB 11643, or the old 15 digits; spaced or hyphenated as people type
# them), a mobile (11 digits from 1[3-9]), a landline with its area code, and any other run of seven digits or
# more (a local number without its area code, a card or account number). Full-width digits count as digits.
_FULL_WIDTH_DIGITS = {0xFF10 + d: str(d) for d in range(10)} | {0xFF38: "X", 0xFF58: "x", 0xFF0D: "-"}
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])((?:\d[- ]?){17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}[- ]?\d{7,8})(?!\d)")
_OTHER_NUMBER_IN_TEXT = re.compile(r"(?<![\d*])(\d{7,}|\d{3,4}[- ]\d{4})(?![\d*])")


def _digits(match: re.Match) -> str:
    return re.sub(r"[^\dXx]", "", match.group(1))


def mask_identifiers_in_text(text: str, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """A caller's words fit to show beyond the case: ID and phone numbers (and other long numbers) masked, and
    the given names (the caller's, the person's on the case) masked wherever they appear. Names a caller types
    that the case does not hold are not recognised."""
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(_digits(m)), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(_digits(m)), text)
    text = _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(_digits(m)), text)
    text = _OTHER_NUMBER_IN_TEXT.sub(lambda m: mask_phone(_digits(m)), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
