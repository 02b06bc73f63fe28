"""Work done once a day by the task worker: recomputing risk levels as ages move on and statuses expire,
enrolling residents in monitoring plans by their new risk, sweeping missed SLA checks, and whatever else an app lists in ``DAILY_JOBS``.

The Tasks API has no calendar, so the daily task schedules its own next run (``run_after`` the next
``RUN_AT`` local time). ``daily_ensure_scheduled`` is called whenever a worker starts (``anxin worker``,
``anxin demo``, ``anxin serve --with-worker``): it enqueues one run if none is waiting, so a chain broken by a
lost database or a failed run mends itself at the next start. Each job runs apart: one failing does not stop
the others, and the failure is logged with its traceback.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

RUN_AT = time(0, 30)
# Dotted paths of tasks taking no arguments, run in this order inside the daily task (``Task.call``).
DAILY_JOBS: tuple[str, ...] = (
    "anxin.people.tasks.residents_refresh_risk",
    "anxin.monitoring.tasks.enrolments_sync",
    "anxin.hotline.tasks.sla_sweep",
    "anxin.core.tasks.idempotency_keys_expire",
    "anxin.core.tasks.access_logs_expire",
)


def next_run_after(now: datetime) -> datetime:
    """The next RUN_AT local time strictly after ``now``."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


@task()
def daily_run() -> dict[str, str]:
    outcomes = {}
    for path in DAILY_JOBS:
        try:
            result = import_string(path).call()
        except Exception:  # one job's failure must not stop the others nor the chain
            logger.exception("daily job %s failed", path)
            outcomes[path] = "failed"
        else:
            outcomes[path] = f"ok: {result}"
    daily_run.using(run_after=next_run_after(timezone.now())).enqueue()
    return outcomes


def daily_ensure_scheduled(now: datetime | None = None) -> bool:
    """Enqueue the next daily run unless one is already waiting; True if it enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=f"{__name__}.daily_run", status="READY").exists()
    if waiting:
        return False
    daily_run.using(run_after=next_run_after(now or timezone.now())).enqueue()
    return True
