"""Writes on import jobs, the page's way through an import: upload → mapping → dry run → import → result.

A job's dry run and import both run ``services.ledger_import``; a small file runs in the request, a large one
as a background task (``tasks.ledger_import_job``) so that closing the page does not stop it. The counters are
updated (committed) as batches are read, which is what the page polls. Starting a run claims the job with a
conditional UPDATE, so a double click does not run it twice.
"""

from __future__ import annotations

import re
from io import BytesIO
from itertools import islice

from django.db import transaction
from django.utils import timezone

from anxin.accounts.models import User
from anxin.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from anxin.core.i18n import gettext
from anxin.core.masking import mask_id_number, mask_phone
from anxin.ledger.columns import check_mapping, missing_reason, propose_mapping
from anxin.ledger.importer import Progress
from anxin.ledger.locator import IMPORT_PLACE_KINDS
from anxin.ledger.models import ImportJob
from anxin.ledger.readers import FileUnreadable, open_table
from anxin.ledger.services import LedgerFileError, LedgerReport, ledger_import
from anxin.ledger.workbooks import write_error_report
from anxin.places.models import Place

# Files up to this size (about 4,000 rows) are imported in the request; larger ones by the task worker.
INLINE_MAX_BYTES = 256 * 1024
PAGE_ERRORS = 200
SAMPLE_ROWS = 3
FILE_NAME_MAX = 200
_LOOKS_LIKE_ID = re.compile(r"^\d{14,17}[\dXx]$")
_LOOKS_LIKE_PHONE = re.compile(r"^(\+?86)?1\d{10}$")
Status = ImportJob.Status


def _require(by: User, place: Place) -> None:
    if not by.can("ledger.import"):
        raise Forbidden(gettext("当前角色不能导入台账"))
    if not by.covers_path(place.path):
        raise Forbidden(gettext("您不负责这个区域，不能导入"))
    if place.kind not in IMPORT_PLACE_KINDS:
        raise InvalidInput(gettext("只能导入到小区、网格或社区"), field="place")


def _masked_sample(cell: object) -> str:
    """A cell shown on the mapping page: anything that looks like an ID number or a phone is masked,
    whichever column it is in (the user has not said yet which column is which)."""
    text = "" if cell is None else str(cell).strip()[:40]
    if _LOOKS_LIKE_ID.match(text):
        return mask_id_number(text)
    if _LOOKS_LIKE_PHONE.match(text):
        return mask_phone(text)
    return text


def import_job_create(*, by: User, place: Place, file_name: str, content: bytes) -> ImportJob:
    """Read the file's header (and a few rows to show beside it); the job waits for the mapping."""
    _require(by, place)
    try:
        with open_table(file_name, content) as table:
            first_rows = list(islice(table.rows, SAMPLE_ROWS))
            headers, header_row, estimate = table.headers, table.header_row, table.rows_estimate
    except FileUnreadable as exc:
        raise LedgerFileError(str(exc)) from exc
    if not first_rows:
        raise LedgerFileError(gettext("只有表头，没有数据行"))
    samples = [
        [_masked_sample(cells[i]) if i < len(cells) else "" for _, cells in first_rows]
        for i in range(len(headers))
    ]
    return ImportJob.objects.create(
        user=by,
        place=place,
        file_name=file_name[:FILE_NAME_MAX],
        source=content,
        source_size=len(content),
        headers=headers,
        header_row=header_row,
        rows_total=estimate,
        mapping=propose_mapping(headers),
        preview={"columns": samples},
    )


def import_job_set_mapping(*, job: ImportJob, by: User, mapping: list[str | None]) -> ImportJob:
    """Save the columns as the user confirmed them; a dry run already done no longer counts."""
    _require(by, job.place)
    if job.status not in (Status.UPLOADED, Status.CHECKED, Status.REJECTED):
        raise Conflict(gettext("这次导入已经开始或已结束，不能再改列"), field="mapping")
    check = check_mapping(job.headers, mapping, needs_compound=job.place.kind != Place.Kind.COMPOUND)
    if check.missing:
        raise InvalidInput(missing_reason(check.missing), field="mapping")
    job.mapping = list(mapping)
    job.status = Status.UPLOADED
    job.save(update_fields=["mapping", "status"])
    return job


def import_job_start(*, job: ImportJob, by: User, dry_run: bool, partial: bool = False) -> ImportJob:
    """Run the dry run (from a confirmed mapping) or the import (after a dry run)."""
    _require(by, job.place)
    allowed = (Status.UPLOADED, Status.CHECKED) if dry_run else (Status.CHECKED, Status.REJECTED)
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
        status=Status.CHECKING if dry_run else Status.IMPORTING,
        partial=partial,
        rows_read=0,
        accepted=0,
        rejected=0,
        started_at=timezone.now(),
        finished_at=None,
        message="",
    )
    if not claimed:
        raise Conflict(gettext("这次导入正在进行或已经结束"), field="job")
    if job.source_size <= INLINE_MAX_BYTES:
        import_job_run(job_id=job.pk, dry_run=dry_run)
    else:
        from anxin.ledger.tasks import ledger_import_job

        transaction.on_commit(lambda: ledger_import_job.enqueue(job.pk, dry_run))
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, dry_run: bool) -> None:
    """The body of a run (in the request or in the task worker). Not atomic: progress must be seen."""
    job = ImportJob.objects.select_related("place", "user").get(pk=job_id)
    if job.status != (Status.CHECKING if dry_run else Status.IMPORTING):
        return  # a task enqueued twice, or a job someone else finished

    def progress(step: Progress) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows_read=step.rows_read, accepted=step.accepted, rejected=step.rejected
        )

    def writing() -> None:
        ImportJob.objects.filter(pk=job.pk).update(status=Status.WRITING)

    try:
        report = ledger_import(
            name=job.file_name,
            content=bytes(job.source),
            place=job.place,
            by=job.user,
            mapping=job.mapping,
            dry_run=dry_run,
            partial=job.partial,
            progress=progress,
            on_write=writing,
        )
    except DomainError as exc:
        _fail(job, exc.reason)
        return
    except Exception:
        _fail(job, gettext("导入出错，未写入任何数据：请稍后重试或联系管理员"))
        raise
    _finish(job, report)


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, message=message[:300], source=b"", finished_at=timezone.now()
    )


def _status_after(report: LedgerReport, partial: bool) -> str:
    if report.dry_run:
        return Status.CHECKED
    if report.rejected and not report.written and not partial:
        return Status.REJECTED
    return Status.DONE


def _finish(job: ImportJob, report: LedgerReport) -> None:
    status = _status_after(report, job.partial)
    out = BytesIO()
    if report.errors:
        write_error_report(
            errors=report.errors,
            rejected_rows=report.rejected_rows,
            headers=report.headers,
            mapping=report.mapping,
            out=out,
        )
    preview = {
        **job.preview,
        **report.samples,
        "ignored": list(report.ignored),
        "computed": list(report.computed),
        "written": report.written,
    }
    fields = {
        "status": status,
        "rows_read": report.rows_read,
        "accepted": report.added + report.updated + report.unchanged,
        "rejected": report.rejected,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "places_added": report.places_added,
        "preview": preview,
        "errors": [e.as_dict() for e in report.errors[:PAGE_ERRORS]],
        "error_count": len(report.errors),
        "error_report": out.getvalue() if report.errors else None,
        "finished_at": timezone.now(),
    }
    if status == Status.DONE:
        fields["source"] = b""  # it holds ID numbers and phones; the import is done with it
    ImportJob.objects.filter(pk=job.pk).update(**fields)
