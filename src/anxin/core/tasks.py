"""Background tasks of the core app."""

from __future__ import annotations

from django_tasks import task

from anxin.core.idempotency import idempotency_keys_purge


@task()
def idempotency_keys_expire() -> int:
    """Run by the daily task (core.daily.DAILY_JOBS): stored Idempotency-Key answers older than 24 hours go."""
    return idempotency_keys_purge()


@task()
def access_logs_expire() -> dict[str, object]:
    """Run by the daily task: access-log entries past retention (core/rules/retention.toml) go."""
    from anxin.core.retention import access_logs_purge

    return access_logs_purge()
