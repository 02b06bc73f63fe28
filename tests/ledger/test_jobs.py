"""Import jobs, the pages' way through an import: upload, mapping, dry run, import; small files in the
request, large ones as a background task whose counters move as it reads."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.ledger import importer, jobs
from anxin.ledger.models import ImportJob
from anxin.ledger.services import LedgerFileError
from anxin.people.models import Resident
from tests.ledger.files import HEADERS, person, read_xlsx, xlsx

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


def upload(world, compound, rows, headers=HEADERS, user=None) -> ImportJob:
    return jobs.import_job_create(
        by=user or world.grid_worker_a, place=compound, file_name="台账.xlsx", content=xlsx(rows, headers)
    )


def rows(count: int) -> list[list]:
    return [
        person(f"居民{i}", (1950 + i % 50, 1 + i % 12, 1 + i % 28), room=f"{1 + i % 9}0{1 + i % 4}")
        for i in range(count)
    ]


def test_an_upload_proposes_the_mapping_and_masks_the_samples(world, compound_a):
    job = upload(world, compound_a, rows(5), headers=[*HEADERS, "备注"])
    assert job.status == Status.UPLOADED
    assert job.headers == [*HEADERS, "备注"] and job.header_row == 1 and job.rows_total == 5
    assert job.mapping == [
        "name",
        "id_number",
        "phone",
        "building",
        "room",
        "groups",
        "chronic_conditions",
        "pregnant_due_date",
        None,
    ]
    id_samples = job.preview["columns"][1]
    assert len(id_samples) == 3 and all(s.count("*") == 10 for s in id_samples)


def test_an_upload_that_is_not_a_ledger_makes_no_job(world, compound_a):
    with pytest.raises(LedgerFileError):
        jobs.import_job_create(
            by=world.grid_worker_a, place=compound_a, file_name="a.csv", content=b"\x00\x01"
        )
    with pytest.raises(LedgerFileError, match="没有数据行"):
        jobs.import_job_create(by=world.grid_worker_a, place=compound_a, file_name="a.xlsx", content=xlsx([]))
    assert not ImportJob.objects.exists()


def test_only_a_user_covering_the_place_may_upload(world, compound_a):
    with pytest.raises(Forbidden):
        upload(world, compound_a, rows(1), user=world.grid_worker_b)
    with pytest.raises(Forbidden):
        upload(world, compound_a, rows(1), user=world.agent)  # no ledger.import


def test_a_mapping_without_a_required_field_is_refused(world, compound_a):
    job = upload(world, compound_a, rows(2))
    mapping = list(job.mapping)
    mapping[1] = None
    with pytest.raises(InvalidInput, match="身份证号"):
        jobs.import_job_set_mapping(job=job, by=world.grid_worker_a, mapping=mapping)


def test_a_small_file_runs_in_the_request_dry_run_then_import(world, compound_a):
    job = upload(world, compound_a, rows(4))
    job = jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=True)
    assert job.status == Status.CHECKED
    assert (job.rows_read, job.accepted, job.added, job.rejected) == (4, 4, 4, 0)
    assert len(job.preview["added"]) == 4
    assert not Resident.objects.filter(name__startswith="居民").exists()

    job = jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=False)
    assert job.status == Status.DONE and job.added == 4
    assert Resident.objects.filter(name__startswith="居民").count() == 4
    assert bytes(ImportJob.objects.get(pk=job.pk).source) == b""  # the file held ID numbers: gone
    with pytest.raises(Conflict):
        jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=False)


def test_bad_rows_keep_the_report_and_partial_imports_the_rest(world, compound_a):
    bad = person("坏行", (1980, 1, 1), 联系电话="12")
    job = upload(world, compound_a, [*rows(2), bad])
    job = jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=True)
    assert (job.status, job.rejected, job.error_count) == (Status.CHECKED, 1, 1)
    assert job.errors == [{"row": 4, "field": "phone", "reason": "手机号应为 1 开头的 11 位数字"}]
    report = read_xlsx(bytes(ImportJob.objects.get(pk=job.pk).error_report))
    assert report[1][:3] == [4, "联系电话", "手机号应为 1 开头的 11 位数字"]

    all_or_nothing = jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=False)
    assert all_or_nothing.status == Status.REJECTED
    assert not Resident.objects.filter(name__startswith="居民").exists()

    partial = jobs.import_job_start(job=all_or_nothing, by=world.grid_worker_a, dry_run=False, partial=True)
    assert partial.status == Status.DONE and partial.added == 2
    assert Resident.objects.filter(name__startswith="居民").count() == 2


def progress_updates(queries) -> list[int]:
    found = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith('UPDATE "ledger_importjob"') and '"rows_read" = ' in sql and '"status"' not in sql:
            found.append(int(re.search(r'"rows_read" = (\d+)', sql)[1]))
    return found


def test_a_large_file_runs_as_a_task_and_its_counters_move(
    world, compound_a, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(jobs, "INLINE_MAX_BYTES", 0)
    monkeypatch.setattr(importer, "BATCH", 5)
    job = upload(world, compound_a, rows(12))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=True)
    job.refresh_from_db()
    assert (job.status, job.added) == (Status.CHECKED, 12)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=False)
    assert len(callbacks) == 1  # enqueued, not run in the request
    assert progress_updates(queries.captured_queries) == [5, 10, 12]
    job.refresh_from_db()
    assert (job.status, job.rows_read, job.accepted, job.added) == (Status.DONE, 12, 12, 12)


def test_the_import_is_queued_in_the_database_for_the_worker(
    world, compound_a, monkeypatch, django_capture_on_commit_callbacks
):
    """The request returns with the job queued (closing the page stops nothing); the worker runs it."""
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(jobs, "INLINE_MAX_BYTES", 0)
    job = upload(world, compound_a, rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=True)
    assert job.status == Status.CHECKING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "anxin.ledger.tasks.ledger_import_job"
    task = queued.task_result
    task.task.call(*task.args, **task.kwargs)  # what `anxin worker` does with it
    job.refresh_from_db()
    assert (job.status, job.added) == (Status.CHECKED, 3)


def test_a_run_that_breaks_marks_the_job_failed(world, compound_a, monkeypatch):
    job = upload(world, compound_a, rows(2))

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "ledger_import", broken)
    with pytest.raises(RuntimeError):
        jobs.import_job_start(job=job, by=world.grid_worker_a, dry_run=True)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "未写入" in job.message
