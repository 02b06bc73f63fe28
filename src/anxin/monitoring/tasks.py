"""Background work for monitoring, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def enrolments_sync() -> dict[str, int]:
    """Daily, after people.tasks.residents_refresh_risk (ages move on, discharges and quarantines end): enrol,
    move and end residents by the plan rules. Also enqueue it after a ledger import."""
    from dataclasses import asdict

    from anxin.monitoring.services import enrolment_sync

    return asdict(enrolment_sync())
