"""Opening hours as data. Pure functions, no Django.

Format (stored as JSON on Facility.opening_hours):
    {"always": true}                                          open 24 hours, every day
    {"periods": [{"days": [1, 2, 3, 4, 5], "open": "08:00", "close": "17:30"}, ...]}
Days are ISO weekdays (1 = Monday). A period whose close is before its open runs past midnight.
"""

from __future__ import annotations

from datetime import datetime, time


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


def describe_hours(hours: dict | None) -> str:
    if not hours:
        return "未登记"
    if hours.get("always"):
        return "24小时"
    names = "一二三四五六日"
    parts = []
    for period in hours.get("periods", []):
        days = period.get("days", [1, 2, 3, 4, 5, 6, 7])
        label = "每天" if len(days) == 7 else "周" + "、".join(names[d - 1] for d in days)
        parts.append(f"{label} {period['open']}-{period['close']}")
    return "；".join(parts)
