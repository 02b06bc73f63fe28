"""Background work for residents, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def residents_refresh_risk() -> int:
    """Daily: ages move on and quarantine or discharge periods end, so stored risk levels are recomputed."""
    from anxin.people.services import residents_refresh_risk as refresh

    return refresh()
