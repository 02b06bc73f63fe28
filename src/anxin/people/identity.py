"""Resident ID numbers (GB 11643-1999) and mobile numbers. Pure functions, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.core.text import SPACES, to_halfwidth

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE_SHAPE = re.compile(r"^1[3-9][0-9]{9}$")
# What normalise_phone accepts, as one regular expression for the OpenAPI document: separators anywhere,
# +86 or 0086 in front, half- or full-width digits.
SPACE_PATTERN = f"[{SPACES}]"
_SEP = rf"(?:{SPACE_PATTERN}|[\-()\uff0d\uff08\uff09])*"
DIGIT_PATTERN = r"[0-9\uff10-\uff19]"
PHONE_BODY = (
    rf"{_SEP}(?:[+\uff0b]{_SEP}[8\uff18]{_SEP}[6\uff16]{_SEP}|[0\uff10]{_SEP}[0\uff10]{_SEP}[8\uff18]{_SEP}[6\uff16]{_SEP})?"
    rf"[1\uff11]{_SEP}[3-9\uff13-\uff19](?:{_SEP}{DIGIT_PATTERN}){{9}}{_SEP}"
)
PHONE_PATTERN = f"^{PHONE_BODY}$"


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    area_code: str


CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def _today() -> date:
    # Dates in an ID number are China Standard Time dates.
    return datetime.now(CHINA_STANDARD_TIME).date()


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, field: str = "id_number", today: date | None = None) -> IdInfo:
    """Validate an 18-character resident ID number and derive birth date and sex.

    Accepts full-width characters, spaces and a lower-case x; raises InvalidInput naming the reason.
    """
    number = to_halfwidth(raw or "").replace(" ", "").upper()
    if not number:
        raise InvalidInput(gettext("身份证号不能为空"), field=field)
    if len(number) == 15:
        raise InvalidInput(gettext("请使用 18 位身份证号（15 位旧号无校验位）"), field=field)
    if not _ID_SHAPE.match(number):
        raise InvalidInput(gettext("身份证号应为 17 位数字加 1 位数字或 X"), field=field)
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidInput(gettext("身份证号中的出生日期不存在"), field=field) from exc
    if birth.year < 1880 or birth > (today or _today()):
        raise InvalidInput(gettext("身份证号中的出生日期不合理"), field=field)
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise InvalidInput(
            gettext("身份证号校验位错误（应为 %(expected)s）") % {"expected": expected}, field=field
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=birth, sex=sex, area_code=number[:6])


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits; accepts +86/0086, spaces, dashes and full-width digits."""
    phone = re.sub(r"[\s\-()]", "", to_halfwidth(raw or ""))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if not _PHONE_SHAPE.match(phone):
        raise InvalidInput(gettext("手机号应为 1 开头的 11 位数字"), field=field)
    return phone


def age_on(birth_date: date, today: date) -> int:
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
