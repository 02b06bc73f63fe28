"""Free-text input checks shared by forms, the API and importers. No Django (people.identity uses it)."""

from __future__ import annotations

import unicodedata
from functools import cache

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.triage.textcheck import CONTROL_CHARACTERS  # the pure engine owns it; forms and the API share it

# Whitespace for regular expressions published in the OpenAPI document, spelled out because Python's \s and
# ECMA-262's differ: SPACES is whitespace to both (no control characters); ANY_SPACE is whitespace to either.
SPACES = r"\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ANY_SPACE = SPACES + r"\u000b\u000c\u001c-\u001f\u0085\ufeff"


def clean_text(value: object, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(gettext("必须是文本"), field=field)
    if CONTROL_CHARACTERS.search(value):
        raise InvalidInput(gettext("含有二进制或控制字符"), field=field)
    text = value.strip()
    if len(text) > max_length:
        raise InvalidInput(
            gettext("过长：最多 %(max)s 个字符，实际 %(actual)s 个")
            % {"max": max_length, "actual": len(text)},
            field=field,
        )
    if required and not text:
        raise InvalidInput(gettext("不能为空"), field=field)
    return text


@cache
def _codes(choices) -> frozenset[str]:
    # A TextChoices class rebuilds its list of values (and labels) on every ``.values``.
    return frozenset(choices.values)


def to_halfwidth(value: str) -> str:
    """Full-width digits and letters (１３８, Ｘ) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def checked_choice(value: str, choices, field: str) -> str:
    """``value`` if it is one of the codes of ``choices`` (a TextChoices class), else InvalidInput naming them."""
    if value not in _codes(choices):
        raise InvalidInput(
            gettext("未知的代码 %(value)r，可选：%(choices)s")
            % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value
