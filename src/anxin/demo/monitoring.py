"""Daily monitoring in the demo district: the high-risk residents enrolled by the plan rules, and three days
of readings so the worklists and dashboards are not empty.

Fast on purpose: the ordinary readings are written in bulk (they raise nothing), and only a handful of
abnormal ones go through ``check_record``, so their alerts, cases and links are made exactly as in use.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anxin.demo import names
from anxin.monitoring.models import Check, Enrolment, MonitoringAlert
from anxin.monitoring.services import check_record, enrolment_sync, ruleset_version
from anxin.people.models import Resident

SEED = 20221219
ROOT_PATH = f"/{names.DISTRICT_CODE}/"
HISTORY_DAYS = 3
CHECKED_TODAY = 0.35  # share of today's checks already done when the demo starts
NOT_REACHED = 0.05
ABNORMAL = (  # (days ago, reading) recorded through check_record: real alerts and cases
    (2, {"temperature_c": 38.7}),
    (1, {"spo2": 92, "temperature_c": 37.9}),
    (1, {"respiratory_rate": 27, "symptoms": ["cough", "fatigue"]}),
    (0, {"spo2": 89, "symptoms": ["dyspnea"]}),
)


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def demo_monitoring_load(*, today: date | None = None) -> int:
    """Enrol the demo district's high-risk residents and write their recent checks. Returns the enrolments."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    start = today - timedelta(days=HISTORY_DAYS)
    high = Resident.objects.filter(household__path__startswith=ROOT_PATH, risk_level="high")
    enrolment_sync(residents=high, today=start)
    daily = list(
        Enrolment.objects.filter(place_path__startswith=ROOT_PATH, plan="M-HIGH-DAILY", worker__isnull=False)
        .select_related("resident")
        .order_by("pk")
    )
    ruleset = ruleset_version()
    # The residents whose reading turns abnormal on a day have no bulk history from that day on.
    abnormal = dict(
        zip(rng.sample(range(len(daily)), min(len(daily), len(ABNORMAL))), ABNORMAL, strict=False)
    )
    checks: list[Check] = []
    for index, enrolment in enumerate(daily):
        days = [start + timedelta(days=n) for n in range(HISTORY_DAYS)] + [today]
        if index in abnormal:
            days = [day for day in days if day < today - timedelta(days=abnormal[index][0])]
        elif rng.random() >= CHECKED_TODAY:
            days = days[:-1]
        history = [_check(rng, enrolment, day, ruleset) for day in days]
        checks += history
        _catch_up(enrolment, history, today)
    Check.objects.bulk_create(checks, batch_size=500)
    Enrolment.objects.bulk_update(daily, CAUGHT_UP, batch_size=500)
    for index, (days_ago, reading) in sorted(abnormal.items(), key=lambda item: -item[1][0]):
        enrolment = daily[index]
        moment = _at(today - timedelta(days=days_ago), 9, 30) if days_ago else timezone.now()
        check_record(by=enrolment.worker, resident=enrolment.resident, now=moment, **reading)
    return len(daily)


CAUGHT_UP = [
    "next_due_on",
    "done_on",
    "done_count",
    "last_checked_at",
    "last_reached_on",
    "last_reading",
    "not_reached_streak",
]


def _check(rng: random.Random, enrolment: Enrolment, day: date, ruleset: str) -> Check:
    reached = rng.random() >= NOT_REACHED
    return Check(
        resident=enrolment.resident,
        enrolment=enrolment,
        worker_id=enrolment.worker_id,
        checked_at=_at(day, rng.randint(8, 11), rng.randint(0, 59)),
        checked_on=day,
        place_path=enrolment.place_path,
        method=rng.choice((Check.Method.PHONE, Check.Method.PHONE, Check.Method.VISIT)),
        reached=reached,
        temperature_c=round(rng.uniform(36.1, 37.3), 1) if reached else None,
        spo2=rng.randint(95, 99) if reached else None,
        ruleset=ruleset,
    )


def _catch_up(enrolment: Enrolment, history: list[Check], today: date) -> None:
    """The enrolment as the daily plan leaves it after these checks (a check not reached stays due)."""
    if not history:
        return
    reached = [check for check in history if check.reached]
    enrolment.last_checked_at = history[-1].checked_at
    streak = len(history) - (history.index(reached[-1]) + 1) if reached else len(history)
    enrolment.not_reached_streak = streak
    if reached:
        last = reached[-1]
        enrolment.next_due_on = last.checked_on + timedelta(days=1)
        enrolment.done_on, enrolment.done_count = last.checked_on, 1
        enrolment.last_reached_on = last.checked_on
        enrolment.last_reading = {
            "at": last.checked_at.isoformat(),
            "temperature_c": last.temperature_c,
            "spo2": last.spo2,
        }


def demo_monitoring_delete() -> None:
    """Remove the demo district's monitoring rows (before its cases, residents and users go)."""
    MonitoringAlert.objects.filter(place_path__startswith=ROOT_PATH).delete()
    Check.objects.filter(place_path__startswith=ROOT_PATH).delete()
    Enrolment.objects.filter(place_path__startswith=ROOT_PATH).delete()
