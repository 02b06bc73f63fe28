"""Days as the users live them: local midnights in the configured time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """[since, until) covering the days from ``start`` to ``end``, both included."""
    return local_midnight(start), local_midnight(end + timedelta(days=1))
