"""Free-text input checks shared by forms, the API and importers."""

from __future__ import annotations

import re
import unicodedata

from anxin.core.errors import InvalidInput

# Control characters other than tab/newline mean binary or corrupted input, never something a caller said.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: object, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("必须是文本", field=field)
    if _CONTROL.search(value):
        raise InvalidInput("含有二进制或控制字符", field=field)
    text = value.strip()
    if len(text) > max_length:
        raise InvalidInput(f"过长：最多 {max_length} 个字符，实际 {len(text)} 个", field=field)
    if required and not text:
        raise InvalidInput("不能为空", field=field)
    return text


def to_halfwidth(value: str) -> str:
    """Full-width digits and letters (１３８, Ｘ) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)
