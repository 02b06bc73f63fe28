"""Retention of the access log: kept at least six months (rules/retention.toml), then purged by the daily task;
exported for an audit on demand (``anxin audit export``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from anxin.core.dates import local_days, local_midnight
from anxin.core.models import AccessLog

RULES_FILE = Path(__file__).parent / "rules" / "retention.toml"


@dataclass(frozen=True)
class Retention:
    keep_days: int
    minimum_days: int


def parse_retention(text: str) -> Retention:
    """The rules, or ValueError naming what is wrong: a log kept shorter than the minimum is refused."""
    data = tomllib.loads(text)["access_log"]
    keep, minimum = data["keep_days"], data["minimum_days"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (keep, minimum)):
        raise ValueError("access_log.keep_days and minimum_days must be whole numbers of days")
    if minimum < 183:
        raise ValueError("access_log.minimum_days must be at least 183 (six months)")
    if keep < minimum:
        raise ValueError(f"access_log.keep_days must be at least minimum_days ({minimum})")
    return Retention(keep_days=keep, minimum_days=minimum)


@cache
def retention_rules() -> Retention:
    return parse_retention(RULES_FILE.read_text(encoding="utf-8"))


def purge_before(now: datetime | None = None, rules: Retention | None = None) -> datetime:
    """Entries older than this go: local midnight ``keep_days`` before today, so a day is kept whole."""
    rules = rules or retention_rules()
    today = timezone.localdate(now or timezone.now())
    return local_midnight(today - timedelta(days=rules.keep_days))


def access_logs_purge(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, object]:
    """Delete the entries past retention (or, with ``dry_run``, only count them)."""
    cutoff = purge_before(now)
    expired = AccessLog.objects.filter(at__lt=cutoff)
    count = expired.count()
    if not dry_run and count:
        expired.delete()
    return {
        "before": cutoff.isoformat(),
        "purged": 0 if dry_run else count,
        "would_purge": count,
        "dry_run": dry_run,
    }


def access_logs_between(start: date, end: date) -> QuerySet:
    """Entries of those days (local time, both included), oldest first, with their users."""
    since, until = local_days(start, end)
    return AccessLog.objects.filter(at__gte=since, at__lt=until).select_related("user").order_by("at", "pk")
