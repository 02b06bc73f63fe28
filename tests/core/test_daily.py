from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from anxin.core.daily import daily_ensure_scheduled, daily_run, next_run_after
from anxin.people.models import Resident

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 23, 0, 10, tzinfo=SHANGHAI), datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI)),
        (datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI), datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI)),
        (datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI), datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI)),
    ],
)
def test_it_runs_at_half_past_midnight_local_time(now, expected):
    assert next_run_after(now) == expected


def test_starting_a_worker_schedules_one_daily_run_not_two(db):
    assert daily_ensure_scheduled() is True
    assert daily_ensure_scheduled() is False
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == "anxin.core.daily.daily_run"


@pytest.mark.django_db(transaction=True)
def test_the_daily_run_refreshes_risk_and_schedules_the_next(world):
    Resident.objects.filter(pk=world.li.pk).update(risk_level="high")
    daily_run.using(run_after=datetime.now(tz=SHANGHAI) - timedelta(minutes=1)).enqueue()
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    world.li.refresh_from_db()
    assert world.li.risk_level == "low"
    assert (
        DBTaskResult.objects.filter(task_path="anxin.core.daily.daily_run", status="SUCCESSFUL").count() == 1
    )
    assert DBTaskResult.objects.filter(task_path="anxin.core.daily.daily_run", status="READY").count() == 1
