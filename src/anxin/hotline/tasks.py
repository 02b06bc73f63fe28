"""Background work for the hotline, run by the django-tasks database worker."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from anxin.hotline.models import Case


@task()
def case_sla_check(case_id: int) -> bool:
    """Runs when a case's SLA clock is due; records a breach if its milestone is still unmet."""
    from anxin.hotline.services import case_mark_sla_breach

    return case_mark_sla_breach(case_id=case_id)


@task()
def sla_sweep() -> int:
    """Catches any case whose scheduled check was lost (e.g. a worker was down): breaches all overdue."""
    from anxin.hotline.services import case_mark_sla_breach

    overdue = Case.objects.filter(
        sla_met_at__isnull=True, sla_breached_at__isnull=True, sla_due_at__lt=timezone.now()
    ).exclude(status=Case.Status.CLOSED)
    return sum(case_mark_sla_breach(case_id=pk) for pk in overdue.values_list("pk", flat=True))
