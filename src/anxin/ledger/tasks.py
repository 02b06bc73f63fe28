"""Background work for ledger imports, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def ledger_import_job(job_id: int, dry_run: bool) -> None:
    """A large file's dry run or import (jobs.import_job_start enqueues it); the page polls the job."""
    from anxin.ledger.jobs import import_job_run

    import_job_run(job_id=job_id, dry_run=dry_run)
