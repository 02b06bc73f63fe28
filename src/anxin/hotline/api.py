"""Cases and their transitions over JSON. Thin: parse, call one service, shape the answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Status

from anxin.accounts.models import User
from anxin.core.api_fields import (
    READ_ERRORS,
    WRITE_ERRORS,
    Code,
    PathId,
    PlainSchema,
    one_of,
)
from anxin.core.errors import InvalidInput, NotFound
from anxin.core.masking import mask_phone
from anxin.hotline import services
from anxin.hotline.api_input import (
    CallbackDoneIn,
    CallbackIn,
    CaseIn,
    CloseIn,
    DispatchIn,
    NoteIn,
    ReclassifyIn,
    ReopenIn,
    ResolveIn,
    ReturnVisitIn,
    TransferIn,
    VersionIn,
)
from anxin.hotline.models import Callback, Case, CaseEvent, Disposition, Line, Urgency
from anxin.hotline.selectors import case_get_for_user, case_qs_for_user, case_timeline
from anxin.hotline.sla import sla_state
from anxin.people.models import Resident
from anxin.people.selectors import resident_get_for_user
from anxin.places.models import Place
from anxin.places.selectors import place_get_by_code

router = Router(tags=["cases"])


class Ref(PlainSchema):
    code: str
    name: str


class SlaOut(PlainSchema):
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None
    overdue: bool
    seconds_left: int


class CaseOut(PlainSchema):
    id: int
    number: str
    status: str
    line: Ref
    channel: str
    category: str
    urgency: str
    disposition: str
    complaint: str | None = Field(
        description="the chief-complaint protocol the triage engine read; null if none"
    )
    summary: str
    caller_phone_masked: str
    caller_name: str
    caller_resident_id: int | None
    subject_resident_id: int | None
    subject_note: str
    place: Ref
    owner: str
    handler: str | None
    assigned_line: Ref | None
    assigned_place: Ref | None
    created_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    satisfaction: str
    sla: SlaOut
    triage: dict = Field(description="the triage engine's proposal at intake, with the rules that fired")
    version: int


class EventOut(PlainSchema):
    kind: str
    label: str
    actor: str | None
    at: datetime
    note: str
    data: dict


class CallbackOut(PlainSchema):
    id: int
    kind: str
    due_at: datetime
    note: str
    assignee_role: str
    done_at: datetime | None
    outcome: str


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    callbacks: list[CallbackOut]


# The answers are built as plain dicts and validated once, by pydantic itself (PlainSchema).
# Kind → label (lazy, translated when read): what get_kind_display() gives, without rebuilding the dict of
# choices on every call.
_EVENT_LABELS = dict(CaseEvent.Kind.choices)


def _ref(obj) -> dict | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def _case_fields(case: Case) -> dict:
    state = sla_state(
        due_at=case.sla_due_at,
        met_at=case.sla_met_at,
        closed=case.status == Case.Status.CLOSED,
        now=timezone.now(),
    )
    return {
        "id": case.pk,
        "number": case.number or "",
        "status": case.status,
        "line": _ref(case.line),
        "channel": case.channel,
        "category": case.category,
        "urgency": case.urgency,
        "disposition": case.disposition,
        "complaint": case.complaint or None,
        "summary": case.summary,
        "caller_phone_masked": mask_phone(case.caller_phone),
        "caller_name": case.caller_name,
        "caller_resident_id": case.caller_resident_id,
        "subject_resident_id": case.subject_resident_id,
        "subject_note": case.subject_note,
        "place": _ref(case.place),
        "owner": case.owner.username,
        "handler": case.handler.username if case.handler else None,
        "assigned_line": _ref(case.assigned_line),
        "assigned_place": _ref(case.assigned_place),
        "created_at": case.created_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "satisfaction": case.satisfaction,
        "sla": {
            "due_at": state.due_at,
            "met_at": state.met_at,
            "breached_at": case.sla_breached_at,
            "overdue": state.overdue,
            "seconds_left": state.seconds_left,
        },
        "triage": case.triage,
        "version": case.version,
    }


def case_out(case: Case) -> CaseOut:
    return CaseOut.model_validate(_case_fields(case))


def case_detail_out(
    case: Case, *, events: Iterable[CaseEvent] | None = None, callbacks: Iterable[Callback] | None = None
) -> CaseDetailOut:
    """The case with its timeline and callbacks; ``events`` and ``callbacks`` when they are at hand (a case
    just opened), else read."""
    fields = _case_fields(case)
    # Events at hand are put in the timeline's order.
    events = case_timeline(case) if events is None else sorted(events, key=lambda e: (e.at, e.pk))
    fields["events"] = [
        {
            "kind": e.kind,
            "label": str(_EVENT_LABELS.get(e.kind, e.kind)),
            "actor": e.actor.username if e.actor else None,
            "at": e.at,
            "note": e.note,
            "data": e.data,
        }
        for e in events
    ]
    fields["callbacks"] = [
        {
            "id": c.pk,
            "kind": c.kind,
            "due_at": c.due_at,
            "note": c.note,
            "assignee_role": c.assignee_role,
            "done_at": c.done_at,
            "outcome": c.outcome,
        }
        for c in (case.callbacks.all() if callbacks is None else callbacks)
    ]
    return CaseDetailOut.model_validate(fields)


def case_opened_out(case: Case) -> CaseDetailOut:
    """The answer to an intake, from what ``services.case_open`` wrote: no read back. A case just opened has
    no callbacks."""
    return case_detail_out(case, events=case.events_written, callbacks=())


def _line(code: str, field: str = "line") -> Line:
    try:
        return Line.objects.get(code=code)  # codes are unique; get() compiles no ORDER BY
    except Line.DoesNotExist:
        raise InvalidInput(gettext("未知的热线代码 %(code)r") % {"code": code}, field=field) from None


def _place(code: str | None, field: str) -> Place | None:
    """The place a body names; 404 if none has the code (thousands of codes: too many to list in the schema)."""
    if not code:
        return None
    place = place_get_by_code(code)
    if place is None:
        raise NotFound(gettext("未知的地点代码 %(code)r") % {"code": code}, field=field)
    return place


def _resident(user: User, resident_id: int | None, field: str) -> Resident | None:
    if resident_id is None:
        return None
    try:
        return resident_get_for_user(user, resident_id)
    except NotFound as exc:
        # Name the body field, not the selector's argument; still 404 so existence does not leak.
        raise NotFound(exc.reason, field=field) from exc


def _case(request: HttpRequest, case_id: int) -> Case:
    return case_get_for_user(request.auth, case_id)


@router.get("", response={200: list[CaseOut], **READ_ERRORS}, summary="Cases in the caller's scope")
def case_list(
    request: HttpRequest,
    status: Annotated[Code, one_of(Case.Status.values, blank=True)] | None = None,
    urgency: Annotated[Code, one_of(Urgency.values, blank=True)] | None = None,
    overdue: bool = False,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    if status and status not in Case.Status.values:
        raise InvalidInput(gettext("未知的状态 %(code)r") % {"code": status}, field="status")
    if urgency and urgency not in Urgency.values:
        raise InvalidInput(gettext("未知的紧急程度 %(code)r") % {"code": urgency}, field="urgency")
    user: User = request.auth
    qs = case_qs_for_user(user).select_related(
        "line", "place", "owner", "handler", "assigned_line", "assigned_place"
    )
    if status:
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if mine:
        qs = qs.filter(owner=user)
    if overdue:
        qs = qs.filter(sla_met_at__isnull=True, sla_due_at__lt=timezone.now()).exclude(
            status=Case.Status.CLOSED
        )
    return [case_out(c) for c in qs.order_by("-created_at")[offset : offset + limit]]


@router.post("", response={201: CaseDetailOut, **WRITE_ERRORS}, summary="Intake: open a case")
def case_create(request: HttpRequest, payload: CaseIn):
    user: User = request.auth
    if payload.close_now and (payload.urgency, payload.disposition) != (
        Urgency.P4,
        Disposition.ANSWER_CLOSED,
    ):
        # The desk may let the proposal decide; over the API the caller says it (and the schema can say so).
        raise InvalidInput(
            gettext("当场关闭须明确给出 urgency=P4 和 disposition=answer_closed"), field="close_now"
        )
    caller = _resident(user, payload.caller_resident_id, "caller_resident_id")
    if payload.subject_resident_id == payload.caller_resident_id:  # usually: someone calling for themself
        subject = caller
    else:
        subject = _resident(user, payload.subject_resident_id, "subject_resident_id")
    place = _place(payload.place, "place")
    case = services.case_open(
        by=user,
        line=_line(payload.line),
        summary=payload.summary,
        category=payload.category,
        urgency=payload.urgency,
        disposition=payload.disposition,
        channel=payload.channel,
        caller_phone=payload.caller_phone,
        caller_name=payload.caller_name,
        caller_resident=caller,
        subject_resident=subject,
        subject_note=payload.subject_note,
        place=place,
        dispatched=payload.dispatched,
        close_now=payload.close_now,
        triage_fields=payload.fields(),
        override_reason=payload.override_reason,
    )
    return Status(201, case_opened_out(case))


@router.get("/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def case_detail(request: HttpRequest, case_id: PathId):
    return case_detail_out(_case(request, case_id))


@router.post("/{case_id}/transfer", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_transfer(request: HttpRequest, case_id: PathId, payload: TransferIn):
    to_line = _line(payload.to_line, "to_line") if payload.to_line else None
    to_place = _place(payload.to_place, "to_place")
    case = services.case_transfer(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        note=payload.note,
        to_line=to_line,
        to_place=to_place,
    )
    return case_detail_out(case)


@router.post("/{case_id}/accept", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_accept(request: HttpRequest, case_id: PathId, payload: VersionIn):
    case = services.case_accept(case=_case(request, case_id), version=payload.version, by=request.auth)
    return case_detail_out(case)


@router.post("/{case_id}/callbacks", response={201: CaseDetailOut, **WRITE_ERRORS})
def case_callback(request: HttpRequest, case_id: PathId, payload: CallbackIn):
    callback = services.case_schedule_callback(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        due_at=payload.due_at,
        note=payload.note,
        kind=payload.kind,
        assignee_role=payload.assignee_role,
    )
    return Status(201, case_detail_out(callback.case))


@router.post("/{case_id}/callbacks/{callback_id}/complete", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_callback_done(request: HttpRequest, case_id: PathId, callback_id: PathId, payload: CallbackDoneIn):
    case = services.case_complete_callback(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        callback_id=callback_id,
        outcome=payload.outcome,
    )
    return case_detail_out(case)


@router.post("/{case_id}/dispatch", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_dispatch(request: HttpRequest, case_id: PathId, payload: DispatchIn):
    case = services.case_dispatch(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        target=payload.target,
        note=payload.note,
    )
    return case_detail_out(case)


@router.post("/{case_id}/notes", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_note(request: HttpRequest, case_id: PathId, payload: NoteIn):
    case = services.case_add_note(
        case=_case(request, case_id), version=payload.version, by=request.auth, note=payload.note
    )
    return case_detail_out(case)


@router.post("/{case_id}/reclassify", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_reclassify(request: HttpRequest, case_id: PathId, payload: ReclassifyIn):
    case = services.case_reclassify(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        category=payload.category,
        urgency=payload.urgency,
        disposition=payload.disposition,
        reason=payload.reason,
    )
    return case_detail_out(case)


@router.post("/{case_id}/resolve", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_resolve(request: HttpRequest, case_id: PathId, payload: ResolveIn):
    case = services.case_resolve(
        case=_case(request, case_id), version=payload.version, by=request.auth, resolution=payload.resolution
    )
    return case_detail_out(case)


@router.post("/{case_id}/return-visit", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_return_visit(request: HttpRequest, case_id: PathId, payload: ReturnVisitIn):
    case = services.case_record_return_visit(
        case=_case(request, case_id),
        version=payload.version,
        by=request.auth,
        satisfaction=payload.satisfaction,
        note=payload.note,
    )
    return case_detail_out(case)


@router.post("/{case_id}/close", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_close(request: HttpRequest, case_id: PathId, payload: CloseIn):
    case = services.case_close(
        case=_case(request, case_id), version=payload.version, by=request.auth, note=payload.note
    )
    return case_detail_out(case)


@router.post("/{case_id}/reopen", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_reopen(request: HttpRequest, case_id: PathId, payload: ReopenIn):
    case = services.case_reopen(
        case=_case(request, case_id), version=payload.version, by=request.auth, reason=payload.reason
    )
    return case_detail_out(case)
