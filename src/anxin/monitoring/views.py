"""Monitoring pages (htmx): the worker's worklist with one-tap recording, an alert, a place's dashboard.

Thin: parse, call one service or selector, render. Partials start with ``_``; the full pages include them.
A DomainError from the check form re-renders the row with the reason beside the field (422, which htmx
swaps: core/base.html).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from anxin.core.errors import DomainError, Forbidden, NotFound
from anxin.core.views import domain_errors
from anxin.monitoring import forms, selectors, services
from anxin.monitoring.labels import SYMPTOM_LABELS, label
from anxin.monitoring.models import Check
from anxin.monitoring.thresholds import threshold_rules
from anxin.places.selectors import place_get_by_code

PAGE_MAX = 10_000


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _form_context() -> dict:
    rules = threshold_rules()
    return {
        "symptom_choices": [
            (code, label(SYMPTOM_LABELS, code), code in rules.red_symptoms) for code in rules.symptoms
        ],
        "methods": Check.Method.choices,
    }


@login_required
@require_GET
@domain_errors
def worklist(request: HttpRequest) -> HttpResponse:
    try:
        page = max(0, min(PAGE_MAX, int(request.GET.get("page", "0"))))
    except ValueError:
        page = 0
    work = selectors.worklist_for(request.user, offset=page * selectors.WORKLIST_PAGE)
    context = {"work": work, "page": page, "can_record": request.user.can("monitoring.record")}
    return render(request, "monitoring/worklist.html", context)


@login_required
@require_GET
@domain_errors
def check_form(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """A worklist row with its recording form open (the row's "记录" button). Loaded on demand, so the list
    itself stays light however long it is."""
    user = request.user
    if not user.can("monitoring.record"):
        raise Forbidden(gettext("当前角色不能记录健康监测"))
    enrolment = selectors.enrolment_get_for_user(user, enrolment_id)
    context = {
        "item": selectors.work_item(user, enrolment),
        "open": True,
        "can_record": True,
        **_form_context(),
    }
    template = "monitoring/_row.html" if _is_htmx(request) else "monitoring/record.html"
    return render(request, template, context)


@login_required
@require_POST
@domain_errors
def check_create(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Record a check from a worklist row; answers with the row showing the result (or the form and the
    reason, nothing written)."""
    user = request.user
    enrolment = selectors.enrolment_get_for_user(user, enrolment_id)
    item = selectors.work_item(user, enrolment)
    context = {"item": item, "can_record": True, **_form_context()}
    try:
        result = services.check_record(
            by=user, resident=enrolment.resident, **forms.parse_check(request.POST)
        )
    except DomainError as exc:
        context.update(
            error=exc, posted=request.POST, posted_symptoms=request.POST.getlist("symptoms"), open=True
        )
        template = "monitoring/_row.html" if _is_htmx(request) else "monitoring/record.html"
        return render(request, template, context, status=exc.status)
    if not _is_htmx(request):
        return redirect("monitoring:worklist")
    enrolment.refresh_from_db()  # the row shows the enrolment as the check left it (streak, last reading)
    context.update(item=selectors.work_item(user, enrolment), result=result)
    return render(request, "monitoring/_row.html", context)


@login_required
@require_GET
@domain_errors
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(request.user, alert_id)
    history = selectors.checks_for_resident(request.user, alert.resident)
    return render(request, "monitoring/alert.html", {"alert": alert, "history": history})


@login_required
@require_GET
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can("monitoring.read"):
        raise Forbidden(gettext("当前角色不能查看健康监测"))
    places = selectors.dashboard_places(user)
    code = request.GET.get("place", "")[:40]
    place = place_get_by_code(code) if code else (places[0] if places else None)
    if place is None:
        raise NotFound(gettext("地点不存在或不在您负责的区域"), field="place")
    board = selectors.dashboard_for(user, place, today=timezone.localdate())
    return render(request, "monitoring/dashboard.html", {"board": board, "places": places})
