"""/kb/gaps/: what callers asked that the base did not answer, grouped by meaning, for the command centre;
and the same as an Excel file (/kb/gaps.xlsx)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anxin.core.errors import DomainError, InvalidInput
from anxin.core.views import domain_errors
from anxin.knowledge.gap_export import write_gap_report_xlsx
from anxin.knowledge.gaps import gap_report, gap_window
from anxin.knowledge.records import parse_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Up to this many days the page shows a column per day; a longer window lists each group's busy days.
DAY_COLUMNS_MAX = 14


def _window(request: HttpRequest) -> tuple[date, date]:
    start = parse_date(request.GET.get("start") or None, field="start", required=False)
    end = parse_date(request.GET.get("end") or None, field="end", required=False)
    return gap_window(start, end)


@login_required
@require_GET
@domain_errors
def gap_index(request: HttpRequest) -> HttpResponse:
    try:
        start, end = _window(request)
    except InvalidInput as exc:
        start, end = gap_window()
        return _render(request, start, end, error=exc)
    return _render(request, start, end)


def _render(request: HttpRequest, start: date, end: date, error: DomainError | None = None) -> HttpResponse:
    report = gap_report(user=request.user, start=start, end=end)
    context = {
        "report": report,
        "error": error,
        "day_columns": len(report.days) <= DAY_COLUMNS_MAX,
        "query": request.GET.urlencode(),
    }
    return render(request, "knowledge/gaps.html", context, status=error.status if error else 200)


@login_required
@require_GET
@domain_errors
def gap_export(request: HttpRequest) -> HttpResponse:
    start, end = _window(request)
    out = BytesIO()
    write_gap_report_xlsx(gap_report(user=request.user, start=start, end=end), out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    filename = f"anxin-knowledge-gaps-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
