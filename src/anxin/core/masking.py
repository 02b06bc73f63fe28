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


# In free text: an ID number (18 characters, GB 11643, or the old 15 digits), a mobile (11 digits from 1[3-9]),
# a landline with its area code. Digits are folded to half-width first by the caller's text cleaning.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}[- ]?\d{7,8})(?!\d)")


def mask_identifiers_in_text(text: str, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """A caller's words fit to show beyond the case: ID and phone numbers masked, and the given names (the
    caller's, the person's on the case) masked wherever they appear."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(1))), text)
    text = _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(1))), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
