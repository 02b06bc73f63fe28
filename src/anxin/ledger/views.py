"""The ledger pages (/ledger/). Thin: parse the request, call one service or selector, render.

A place's ledger (filters, masked list, export); its import: upload → confirm the columns → dry run → import
with live progress (htmx polls ``job_progress``, which renders the same ``_job.html`` the job page includes,
and stops polling once the job has finished) → result with the error report.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxin.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from anxin.core.text import clean_text
from anxin.core.views import domain_errors, uploaded_file
from anxin.ledger import jobs, selectors
from anxin.ledger.columns import FIELD_LABELS, check_mapping, column_rules
from anxin.ledger.locator import IMPORT_PLACE_KINDS
from anxin.ledger.models import ImportJob
from anxin.ledger.readers import MAX_FILE_BYTES, SUFFIXES
from anxin.ledger.services import ledger_export_log
from anxin.ledger.workbooks import write_ledger
from anxin.people.models import Resident
from anxin.people.tags import TAG_LABELS
from anxin.places.models import Place

PAGE_SIZE = 50
PURPOSE_MAX = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can_import(user, place: Place) -> bool:
    return user.can("ledger.import") and place.kind in IMPORT_PLACE_KINDS


# --- the ledger of a place ---


@login_required
@require_GET
@domain_errors
def ledger_home(request: HttpRequest) -> HttpResponse:
    if not request.user.can("resident.read"):
        raise Forbidden(gettext("当前角色无权查看居民信息"))
    places = selectors.ledger_home_places(request.user)
    if len(places) == 1:
        return redirect("ledger:place", code=places[0].code)
    return render(request, "ledger/home.html", {"places": places})


@login_required
@require_GET
@domain_errors
def ledger_place(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    place = selectors.ledger_place_for_user(user, code)
    filters = selectors.LedgerFilters.from_query(request.GET)
    today = timezone.localdate()
    residents = selectors.ledger_residents(user=user, place=place, filters=filters, today=today)
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    buildings = selectors.building_choices(place)
    context: dict[str, Any] = {
        "place": place,
        "trail": selectors.place_trail(place),
        "children": selectors.place_children(place),
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
        "page": page,
        "today": today,
        "tags": [(code, gettext(label)) for code, label in TAG_LABELS.items()],
        "risks": Resident.RiskLevel.choices,
        "buildings": buildings if len(buildings) <= selectors.BUILDING_CHOICES_MAX else [],
        "can_import": _can_import(user, place),
        "can_reveal": user.can("resident.reveal"),
    }
    return render(request, "ledger/place.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def ledger_export(request: HttpRequest, code: str) -> HttpResponse:
    """The filtered list as .xlsx: masked (GET), or full for a role that may reveal (POST, with a purpose).
    Either way the export is written to the access log."""
    user = request.user
    place = selectors.ledger_place_for_user(user, code)
    params = request.POST if request.method == "POST" else request.GET
    filters = selectors.LedgerFilters.from_query(params)
    unmasked = request.method == "POST" and params.get("full") == "1"
    purpose = clean_text(params.get("purpose", ""), field="purpose", max_length=PURPOSE_MAX)
    today = timezone.localdate()
    residents = selectors.ledger_residents(user=user, place=place, filters=filters, today=today)
    note = " ".join(part for part in (filters.describe(), purpose) if part)
    ledger_export_log(
        by=user,
        place=place,
        unmasked=unmasked,
        count=residents.count(),
        purpose=note,
        ip=request.META.get("REMOTE_ADDR"),
    )
    out = BytesIO()
    write_ledger(residents.iterator(chunk_size=2000), out, unmasked=unmasked, today=today)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    kind = "full" if unmasked else "masked"
    response["Content-Disposition"] = f'attachment; filename="ledger-{place.code}-{today:%Y%m%d}-{kind}.xlsx"'
    return response


# --- import ---


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    place = selectors.ledger_place_for_user(user, code)
    if not _can_import(user, place):
        raise Forbidden(gettext("当前角色不能导入台账，或这里不是小区、网格或社区"))
    context: dict[str, Any] = {
        "place": place,
        "trail": selectors.place_trail(place),
        "suffixes": ",".join(SUFFIXES),
        "max_mb": MAX_FILE_BYTES // 1024 // 1024,
        "jobs": selectors.import_jobs_recent(user, place),
        "needs_compound": place.kind != Place.Kind.COMPOUND,
    }
    if request.method == "GET":
        return render(request, "ledger/import.html", context)
    try:
        upload = uploaded_file(request, max_bytes=MAX_FILE_BYTES)
        job = jobs.import_job_create(by=user, place=place, file_name=upload.name or "", content=upload.read())
    except DomainError as exc:
        context["error"] = exc
        return render(request, "ledger/import.html", context, status=exc.status)
    return redirect("ledger:job", job_id=job.pk)


def _job_context(job: ImportJob, *, error: DomainError | None = None, mapping=None) -> dict[str, Any]:
    """What ``_job.html`` shows: the columns with their fields (as saved, or as just posted), the progress,
    the errors and the sample rows with their labels."""
    mapping = list(mapping if mapping is not None else job.mapping)
    needs_compound = job.place.kind != Place.Kind.COMPOUND
    return {
        "job": job,
        "Status": ImportJob.Status,
        "columns": _mapping_rows(job, mapping),
        "fields": _field_choices(needs_compound),
        "missing": _missing(job, mapping, needs_compound),
        "error": error,
        "percent": _percent(job),
        "errors": [{**e, "label": _field_label(e.get("field"))} for e in job.errors],
        "updated_samples": [
            {**s, "labels": [_field_label(f) for f in s.get("fields", [])]}
            for s in job.preview.get("updated", [])
        ],
    }


def _mapping_rows(job: ImportJob, mapping: list[str | None]) -> list[dict[str, Any]]:
    samples = job.preview.get("columns", [])
    return [
        {
            "index": i,
            "header": header,
            "field": mapping[i] if i < len(mapping) else None,
            "samples": samples[i] if i < len(samples) else [],
        }
        for i, header in enumerate(job.headers)
    ]


def _field_choices(needs_compound: bool) -> list[tuple[str, str, bool]]:
    """(code, label, required) for every field a column can be."""
    rules = column_rules()
    required = set(rules.required) | ({"compound"} if needs_compound else set())
    return [(code, gettext(FIELD_LABELS[code]), code in required) for code in rules.fields]


def _missing(job: ImportJob, mapping: list[str | None], needs_compound: bool) -> list[str]:
    try:
        check = check_mapping(job.headers, mapping, needs_compound=needs_compound)
    except InvalidInput:
        return []  # the posted mapping names a field twice: the error box says so
    return [gettext(FIELD_LABELS[code]) for code in check.missing]


def _field_label(code: str | None) -> str:
    if code == "household":
        return gettext("住址")
    return gettext(FIELD_LABELS[code]) if code in FIELD_LABELS else (code or "")


def _percent(job: ImportJob) -> int | None:
    if not job.rows_total:
        return None
    return min(100, round(100 * job.rows_read / job.rows_total))


def _job_page(request: HttpRequest, job: ImportJob, **extra) -> HttpResponse:
    status = extra["error"].status if extra.get("error") is not None else 200
    context = _job_context(job, **extra)
    context["trail"] = selectors.place_trail(job.place)
    return render(request, "ledger/job.html", context, status=status)


@login_required
@require_GET
@domain_errors
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_page(request, selectors.import_job_get_for_user(request.user, job_id))


@login_required
@require_GET
@domain_errors
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, job_id)
    return render(request, "ledger/_job.html", _job_context(job))


def _posted_mapping(request: HttpRequest, job: ImportJob) -> list[str | None]:
    return [request.POST.get(f"col_{index}") or None for index in range(len(job.headers))]


@login_required
@require_POST
@domain_errors
def job_check(request: HttpRequest, job_id: int) -> HttpResponse:
    """Confirm the columns and run the dry run."""
    job = selectors.import_job_get_for_user(request.user, job_id)
    mapping = _posted_mapping(request, job)
    try:
        jobs.import_job_set_mapping(job=job, by=request.user, mapping=mapping)
        jobs.import_job_start(job=job, by=request.user, dry_run=True)
    except DomainError as exc:
        job.refresh_from_db()
        return _job_page(request, job, error=exc, mapping=mapping)
    return redirect("ledger:job", job_id=job.pk)


@login_required
@require_POST
@domain_errors
def job_import(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, job_id)
    try:
        jobs.import_job_start(
            job=job, by=request.user, dry_run=False, partial=request.POST.get("partial") == "1"
        )
    except DomainError as exc:
        job.refresh_from_db()
        return _job_page(request, job, error=exc)
    return redirect("ledger:job", job_id=job.pk)


@login_required
@require_GET
@domain_errors
def job_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, job_id)
    report = selectors.import_job_error_report(job)
    if report is None:
        raise NotFound(gettext("这次导入没有错误报告"), field="job")
    response = HttpResponse(report, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-errors-{job.pk}.xlsx"'
    return response
