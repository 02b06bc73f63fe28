"""Opening hours as data. Pure functions, no Django.

Format (stored as JSON on Facility.opening_hours):
    {"always": true}                                          open 24 hours, every day
    {"periods": [{"days": [1, 2, 3, 4, 5], "open": "08:00", "close": "17:30"}, ...]}
Days are ISO weekdays (1 = Monday). A period whose close is before its open runs past midnight.
"""

from __future__ import annotations

from datetime import datetime, time

from anxin.core.i18n import gettext, pgettext


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def is_open(hours: dict | None, at: datetime) -> bool:
    if not hours:
        return False
    if hours.get("always"):
        return True
    weekday, now = at.isoweekday(), at.time()
    previous_day = 7 if weekday == 1 else weekday - 1
    for period in hours.get("periods", []):
        opens, closes = _parse(period["open"]), _parse(period["close"])
        days = period.get("days", [1, 2, 3, 4, 5, 6, 7])
        if opens <= closes:
            if weekday in days and opens <= now < closes:
                return True
        elif (weekday in days and now >= opens) or (previous_day in days and now < closes):
            return True
    return False


def _weekday_names() -> tuple[str, ...]:
    # Chinese writes the prefix once ("周一、二、三", from "周%(days)s"); other languages name every day.
    return (
        pgettext("weekday", "一"),
        pgettext("weekday", "二"),
        pgettext("weekday", "三"),
        pgettext("weekday", "四"),
        pgettext("weekday", "五"),
        pgettext("weekday", "六"),
        pgettext("weekday", "日"),
    )


def describe_hours(hours: dict | None) -> str:
    """Opening hours as a person reads them, in the active language: "周一、二、三、四、五 08:00-17:30"."""
    if not hours:
        return gettext("未登记")
    if hours.get("always"):
        return gettext("24小时")
    names = _weekday_names()
    parts = []
    for period in hours.get("periods", []):
        days = period.get("days", [1, 2, 3, 4, 5, 6, 7])
        if len(days) == 7:
            label = gettext("每天")
        else:
            day_list = pgettext("list separator", "、").join(names[d - 1] for d in days)
            label = gettext("周%(days)s") % {"days": day_list}
        parts.append(f"{label} {period['open']}-{period['close']}")
    return pgettext("list separator", "；").join(parts)
