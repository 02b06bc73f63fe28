"""The desk pages (htmx). Thin: parse the request, call one service or selector, render a template.

Partials start with ``_``; every full page includes the same partials, so an htmx swap and a page load show
the same HTML. A DomainError from a service becomes a 4xx that re-renders the form with the reason next to
the field; base.html tells htmx to swap those responses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from anxin.core.text import clean_text
from anxin.core.views import domain_errors
from anxin.facilities.models import FEVER_SERVICES
from anxin.facilities.selectors import facilities_nearest
from anxin.hotline import desk_selectors, forms, lifecycle, selectors, services, triage_display
from anxin.hotline.models import Callback, Case, Category, Channel, Disposition, Urgency
from anxin.hotline.proposal import TriageFields
from anxin.hotline.services import SUMMARY_MAX
from anxin.hotline.sla import sla_state
from anxin.knowledge.selectors import confident_answer, item_excerpt, item_search
from anxin.people.identity import normalise_phone
from anxin.places.models import TEAM_PLACE_KINDS, Place

# Roles whose home page is the community inbox rather than the intake desk.
COMMUNITY_ROLES = frozenset({Role.GRID_WORKER, Role.FAMILY_DOCTOR})
CALLBACK_DEFAULT_DELAY = timedelta(minutes=10)
PHONE_INPUT_MAX = 40

CASE_CHOICES = {
    "channels": Channel.choices,
    "categories": Category.choices,
    "urgencies": Urgency.choices,
    "dispositions": Disposition.choices,
    "satisfactions": Case.Satisfaction.choices,
    "callback_kinds": Callback.Kind.choices,
    # Who may be asked to call back (Callback.assignee_role).
    "roles": [
        (role.value, role.label)
        for role in (Role.AGENT, Role.CLINICIAN, Role.COUNSELLOR, Role.FAMILY_DOCTOR, Role.GRID_WORKER)
    ],
}
INTAKE_FIELDS = frozenset(
    {
        "line",
        "channel",
        "caller_phone",
        "caller_name",
        "caller_resident",
        "subject_resident",
        "subject_note",
        "place",
        "summary",
        "category",
        "urgency",
        "disposition",
        "dispatched",
        "close_now",
        *forms.TRIAGE_NUMBERS,
        "conditions",
        "override_reason",
    }
)
# The override report's periods: ?period=<key> -> (days back, or None for all, label).
REPORT_PERIODS: dict[str, tuple[int | None, str]] = {
    "7": (7, gettext_lazy("7 天")),
    "30": (30, gettext_lazy("30 天")),
    "all": (None, gettext_lazy("全部")),
}
DEFAULT_REPORT_PERIOD = "30"

# step name (the last part of /desk/cases/<id>/<step>/) -> (parser of the posted form, service it calls)
CASE_STEPS: dict[str, tuple[forms.StepParser, Callable[..., Any]]] = {
    "reclassify": (forms.parse_reclassify, services.case_reclassify),
    "transfer": (forms.parse_transfer, services.case_transfer),
    "accept": (forms.parse_nothing, services.case_accept),
    "schedule_callback": (forms.parse_schedule_callback, services.case_schedule_callback),
    "complete_callback": (forms.parse_complete_callback, services.case_complete_callback),
    "dispatch": (forms.parse_dispatch, services.case_dispatch),
    "note": (forms.parse_note, services.case_add_note),
    "resolve": (forms.parse_resolve, services.case_resolve),
    "return_visit": (forms.parse_return_visit, services.case_record_return_visit),
    "close": (forms.parse_note, services.case_close),
    "reopen": (forms.parse_reason, services.case_reopen),
}

# list name (/desk/lists/<name>/) -> (selector, partial)
DESK_LISTS: dict[str, tuple[Callable[[User], list], str]] = {
    "mine": (selectors.case_list_mine, "hotline/_case_list.html"),
    "line_inbox": (selectors.case_list_line_inbox, "hotline/_case_list.html"),
    "overdue": (selectors.case_list_overdue, "hotline/_case_list.html"),
    "community": (selectors.case_list_community_inbox, "hotline/_case_list.html"),
    "callbacks": (selectors.callbacks_due, "hotline/_callback_list.html"),
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _intake_context(user: User, *, form=None, error: DomainError | None = None) -> dict[str, Any]:
    lines = desk_selectors.lines_for_intake(user)
    defaults = {"channel": Channel.PHONE, "line": lines[0].code if lines else ""}
    getlist = getattr(form, "getlist", None)
    return {
        "lines": lines,
        "form": form if form is not None else defaults,
        "form_conditions": getlist("conditions") if getlist is not None else [],
        "form_answers": getlist("answer") if getlist is not None else [],
        "conditions": triage_display.condition_choices(),
        "error": error,
        "error_inline": error is not None and error.field in INTAKE_FIELDS,
        "can_intake": user.can("case.intake"),
        "can_pop": user.can("resident.read"),
        **CASE_CHOICES,
    }


def _places_by_kind(places: list[Place]) -> list[tuple[str, list[Place]]]:
    """[(kind label, places)] in TEAM_PLACE_KINDS order, for the transfer select's option groups."""
    labels = dict(Place.Kind.choices)
    groups = [(labels[kind], [p for p in places if p.kind == kind]) for kind in TEAM_PLACE_KINDS]
    return [(label, group) for label, group in groups if group]


def _case_context(
    user: User, case: Case, *, error: DomainError | None = None, failed_step: str = "", posted=None
) -> dict[str, Any]:
    """Everything _case.html needs: the case, its clock and timeline, and the forms its status allows."""
    steps = set(lifecycle.steps_available(case.status)) if user.can("case.act") else set()
    if "accept" in steps and not selectors.user_can_receive(user, case):
        steps.discard("accept")
    callbacks = list(case.callbacks.select_related("assigned_to", "done_by"))
    if all(c.done_at is not None for c in callbacks):
        steps.discard("complete_callback")
    now = timezone.now()
    return {
        "case": case,
        "sla": sla_state(
            due_at=case.sla_due_at, met_at=case.sla_met_at, closed=case.status == Case.Status.CLOSED, now=now
        ),
        "timeline": selectors.case_timeline(case),
        "callbacks": callbacks,
        "steps": steps,
        "transfer_lines": desk_selectors.transfer_lines() if "transfer" in steps else [],
        "transfer_places": _places_by_kind(desk_selectors.transfer_places(case))
        if "transfer" in steps
        else [],
        "default_due": timezone.localtime(now + CALLBACK_DEFAULT_DELAY),
        "error": error,
        "failed_step": failed_step,
        "posted": posted if posted is not None else {},
        **CASE_CHOICES,
    }


@login_required
@require_GET
@domain_errors
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can("case.intake") and user.role in COMMUNITY_ROLES:
        return redirect("hotline:inbox")
    return render(request, "hotline/workbench.html", _intake_context(user))


@login_required
@require_GET
@domain_errors
def community_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/inbox.html")


@login_required
@require_GET
@domain_errors
def desk_list(request: HttpRequest, name: str) -> HttpResponse:
    entry = DESK_LISTS.get(name)
    if entry is None:
        raise NotFound(gettext("没有这个列表"), field="name")
    selector, template = entry
    return render(request, template, {"items": selector(request.user), "list_name": name})


@login_required
@require_GET
@domain_errors
def screen_pop(request: HttpRequest) -> HttpResponse:
    """Residents on the typed number. An incomplete or malformed number is a hint, not an error."""
    raw = request.GET.get("phone", "")[:PHONE_INPUT_MAX]
    digits = sum(ch.isdigit() for ch in raw)
    try:
        phone = normalise_phone(raw)
    except InvalidInput as exc:
        if not raw.strip():
            hint = gettext("输入来电号码，自动弹出居民信息")
        elif digits < 11:
            hint = gettext("请输入完整的 11 位手机号")
        else:
            hint = exc.reason
        return render(request, "hotline/_pop.html", {"hint": hint})
    entries = selectors.screen_pop(request.user, phone)
    context = {"entries": entries, "phone": phone, "can_intake": request.user.can("case.intake")}
    return render(request, "hotline/_pop.html", context)


@login_required
@require_GET
@domain_errors
def fever_facilities(request: HttpRequest) -> HttpResponse:
    """Nearest open fever clinics/rooms for the intake form as it stands; empty unless that is the plan."""
    if request.GET.get("disposition") != Disposition.FEVER_CLINIC:
        return HttpResponse("")
    place = forms.intake_place(request.GET, request.user)
    nearby = facilities_nearest(place=place, services=FEVER_SERVICES)
    return render(request, "hotline/_fever.html", {"nearby": nearby, "place": place})


@login_required
@require_POST
@domain_errors
def case_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        # The desk reviews the triage proposal: codes that differ from it need a reason.
        case = services.case_open(
            by=user, require_override_reason=True, **forms.parse_intake(request.POST, user)
        )
    except DomainError as exc:
        template = "hotline/_intake.html" if _is_htmx(request) else "hotline/workbench.html"
        context = _intake_context(user, form=request.POST, error=exc)
        return render(request, template, context, status=exc.status)
    url = reverse("hotline:case", args=[case.pk])
    if _is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def triage_preview(request: HttpRequest) -> HttpResponse:
    """The engine's proposal for the intake form as it stands, refreshed as the agent types (htmx posts the
    form: a long summary does not fit in a URL). A field it cannot read is shown in the panel."""
    user = request.user
    if not user.can("case.intake"):
        raise Forbidden(gettext("当前角色不能受理工单"))
    data = request.POST if request.method == "POST" else request.GET
    try:
        form = forms.parse_triage_preview(data, user)
        if not form["summary"] and form["fields"] == TriageFields():
            return render(request, "hotline/_triage.html", {"waiting": True})
        preview = triage_display.intake_preview(
            line=form["line"],
            channel=form["channel"],
            summary=form["summary"],
            fields=form["fields"],
            subject=form["subject"],
            today=timezone.localdate(),
        )
    except DomainError as exc:
        return render(request, "hotline/_triage.html", {"error": exc}, status=exc.status)
    context = triage_display.preview_context(preview, summary=form["summary"], chosen=form["chosen"])
    return render(request, "hotline/_triage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def knowledge_suggestions(request: HttpRequest) -> HttpResponse:
    """The knowledge items that best answer the caller's words so far, beside the intake form (htmx)."""
    user = request.user
    if not user.can("knowledge.read"):
        raise Forbidden(gettext("当前角色不能查阅知识库"))
    data = request.POST if request.method == "POST" else request.GET
    try:
        summary = clean_text(forms.posted_text(data, "summary"), field="summary", max_length=SUMMARY_MAX)
        hits = item_search(summary, top=3, public_only=not user.can("knowledge.internal")) if summary else []
    except DomainError as exc:
        return render(request, "hotline/_knowledge.html", {"error": exc}, status=exc.status)
    suggestions = [{"hit": hit, "excerpt": item_excerpt(hit.item)} for hit in hits]
    context = {
        "suggestions": suggestions,
        "confident": confident_answer(hits),
        "waiting": not summary,
        "can_answer": user.can("case.intake"),
    }
    return render(request, "hotline/_knowledge.html", context)


@login_required
@require_GET
@domain_errors
def alert_banner(request: HttpRequest) -> HttpResponse:
    """The user's open P1 alerts (the desk polls this); empty when there are none."""
    return render(request, "hotline/_alerts.html", {"alerts": selectors.alerts_open_for(request.user)})


@login_required
@require_POST
@domain_errors
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(request.user, alert_id)
    services.alert_acknowledge(alert=alert, by=request.user)
    if not _is_htmx(request):
        return redirect("hotline:workbench")
    return render(request, "hotline/_alerts.html", {"alerts": selectors.alerts_open_for(request.user)})


@login_required
@require_GET
@domain_errors
def override_report(request: HttpRequest) -> HttpResponse:
    """Triage overrides grouped by the rule that decided the proposal or by the protocol, for reviewing them."""
    user = request.user
    if not user.can("triage.review"):
        raise Forbidden(gettext("当前角色不能查看分诊改判报告"))
    period = request.GET.get("period", DEFAULT_REPORT_PERIOD)
    if period not in REPORT_PERIODS:
        period = DEFAULT_REPORT_PERIOD
    days = REPORT_PERIODS[period][0]
    since = timezone.now() - timedelta(days=days) if days is not None else None
    group = request.GET.get("group", "rule")
    if group not in selectors.OVERRIDE_GROUPS:
        group = "rule"
    context = {
        "rows": selectors.override_report(user, since=since, group=group),
        "period": period,
        "periods": [(key, label) for key, (_, label) in REPORT_PERIODS.items()],
        "group": group,
        "groups": [("rule", gettext("按决定规则")), ("complaint", gettext("按主诉"))],
    }
    template = "hotline/_overrides.html" if _is_htmx(request) else "hotline/overrides.html"
    return render(request, template, context)


@login_required
@require_GET
@domain_errors
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id)
    return render(request, "hotline/case.html", _case_context(request.user, case))


@login_required
@require_POST
@domain_errors
def case_step(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    """One lifecycle step: parse its form, call its one service, re-render the case panel."""
    entry = CASE_STEPS.get(step)
    if entry is None:
        raise NotFound(gettext("没有这个操作"), field="step")
    parse, service = entry
    user = request.user
    case = selectors.case_get_for_user(user, case_id)
    template = "hotline/_case.html" if _is_htmx(request) else "hotline/case.html"
    try:
        service(
            case=case, version=forms.parse_version(request.POST), by=user, **parse(request.POST, user, case)
        )
    except DomainError as exc:
        # Nothing was written; show the case as it now stands (a stale form gets the fresh version).
        case = selectors.case_get_for_user(user, case_id)
        context = _case_context(user, case, error=exc, failed_step=step, posted=request.POST)
        return render(request, template, context, status=exc.status)
    if not _is_htmx(request):
        return redirect("hotline:case", case_id=case_id)
    try:
        case = selectors.case_get_for_user(user, case_id)
    except NotFound:
        # The step handed the case out of this user's reach; back to the desk.
        return HttpResponse(headers={"HX-Redirect": reverse("hotline:workbench")})
    return render(request, template, _case_context(user, case))
