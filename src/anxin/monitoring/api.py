"""Monitoring over JSON: a worker's worklist, recording a check, and one-key call device events. Thin: parse,
call one service or selector, shape the answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from anxin.core.api_auth import require
from anxin.core.api_fields import (
    FILLED,
    NO_BINARY,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Code,
    Flag,
    InputSchema,
    Number,
    code_source,
    codes_of,
    one_of,
    within,
)
from anxin.hotline.models import Case
from anxin.monitoring import selectors, services
from anxin.monitoring.alerts import alert_rules
from anxin.monitoring.models import Check, MonitoringAlert
from anxin.monitoring.selectors import WORKLIST_PAGE, WorkItem
from anxin.monitoring.thresholds import WHOLE, threshold_rules

router = Router(tags=["monitoring"])

Note = Annotated[str, StringConstraints(max_length=services.NOTE_MAX), NO_BINARY]
DeviceText = Annotated[str, StringConstraints(max_length=services.DEVICE_ID_MAX), NO_BINARY]
DeviceId = Annotated[str, StringConstraints(max_length=services.DEVICE_ID_MAX), FILLED]


def _reading(name: str) -> object:
    """A reading's physical range from rules/thresholds.toml; SpO2 and breaths are whole numbers."""
    low, high = threshold_rules().ranges[name]
    return within(low, high, **({"multipleOf": 1} if name in WHOLE else {}))


Temperature = Annotated[Number, _reading("temperature_c")]
SpO2 = Annotated[Number, _reading("spo2")]
RespiratoryRate = Annotated[Number, _reading("respiratory_rate")]
# Not reached: nothing was measured or heard.
_NOTHING_READ = {
    "properties": {
        "temperature_c": {"type": "null"},
        "spo2": {"type": "null"},
        "respiratory_rate": {"type": "null"},
        "symptoms": {"maxItems": 0},
        "psych_concern": {"const": False},
    }
}


@code_source("monitoring.symptoms")
def _symptom_codes() -> list[str]:
    return sorted(threshold_rules().symptoms)


@code_source("monitoring.device_events")
def _device_event_codes() -> list[str]:
    return list(alert_rules().device_events)


class ResidentRef(Schema):
    id: int
    name: str
    sex: str
    age: int
    phone_masked: str
    address: str
    risk_level: str


class WorkItemOut(Schema):
    enrolment_id: int
    resident: ResidentRef
    plan: str
    plan_label: str
    measures: list[str]
    psych_check: bool
    due_on: date
    due_time: str
    overdue_days: int
    tags: list[str]
    not_reached_streak: int
    last_reading: dict


class WorklistOut(Schema):
    date: date
    total: int
    overdue: int
    done_today: int
    items: list[WorkItemOut]


class CaseRef(Schema):
    id: int
    number: str
    urgency: str
    disposition: str
    status: str
    assigned_line: str | None
    assigned_place: str | None


class AlertOut(Schema):
    id: int
    kind: str
    level: str
    rule_codes: list[str]
    ruleset: str
    proposed_urgency: str
    case: CaseRef | None


class CheckOut(Schema):
    id: int
    resident_id: int
    checked_at: datetime
    reached: bool
    method: str
    temperature_c: float | None
    spo2: int | None
    respiratory_rate: int | None
    symptoms: list[str]
    psych_concern: bool
    level: str
    rule_codes: list[str]
    ruleset: str


class CheckResultOut(Schema):
    check: CheckOut
    alert: AlertOut | None


class CheckIn(InputSchema):
    """``reached: false`` records that nobody answered: no readings, symptoms or concern then."""

    model_config = {
        "json_schema_extra": {
            "if": {"required": ["reached"], "properties": {"reached": {"const": False}}},
            "then": _NOTHING_READ,
        }
    }

    resident_id: BodyId
    reached: Flag = True
    method: Annotated[Code, one_of(Check.Method.values)] = "phone"
    temperature_c: Temperature | None = Field(None, description="°C (thresholds.toml [ranges])")
    spo2: SpO2 | None = Field(None, description="%, whole number")
    respiratory_rate: RespiratoryRate | None = Field(None, description="breaths a minute, whole number")
    symptoms: list[Annotated[Code, codes_of("monitoring.symptoms")]] = Field(
        default_factory=list, max_length=20
    )
    psych_concern: Flag = False
    note: Note = ""


class DeviceEventIn(InputSchema):
    resident_id: BodyId
    device_id: DeviceId = Field(..., description="the device's serial number")
    event: Annotated[Code, codes_of("monitoring.device_events")] = Field(
        ..., description="sos, fall or inactivity (alerts.toml [[device_event]])"
    )
    event_id: DeviceText = Field(
        "", description="the device's own id for this event; a resend is answered once"
    )
    spo2: SpO2 | None = None
    temperature_c: Temperature | None = None


class DeviceEventOut(Schema):
    created: bool
    alert: AlertOut


def _case_ref(case: Case | None) -> CaseRef | None:
    if case is None:
        return None
    return CaseRef(
        id=case.pk,
        number=case.number or "",
        urgency=case.urgency,
        disposition=case.disposition,
        status=case.status,
        assigned_line=case.assigned_line.code if case.assigned_line_id else None,
        assigned_place=case.assigned_place.code if case.assigned_place_id else None,
    )


def _alert_out(alert: MonitoringAlert | None) -> AlertOut | None:
    if alert is None:
        return None
    return AlertOut(
        id=alert.pk,
        kind=alert.kind,
        level=alert.level,
        rule_codes=alert.rule_codes,
        ruleset=alert.ruleset,
        proposed_urgency=alert.proposed_urgency,
        case=_case_ref(alert.case),
    )


def _check_out(check: Check) -> CheckOut:
    return CheckOut(
        id=check.pk,
        resident_id=check.resident_id,
        checked_at=check.checked_at,
        reached=check.reached,
        method=check.method,
        temperature_c=check.temperature_c,
        spo2=check.spo2,
        respiratory_rate=check.respiratory_rate,
        symptoms=check.symptoms,
        psych_concern=check.psych_concern,
        level=check.level,
        rule_codes=check.rule_codes,
        ruleset=check.ruleset,
    )


def _item_out(item: WorkItem) -> WorkItemOut:
    e, r = item.enrolment, item.resident
    return WorkItemOut(
        enrolment_id=e.pk,
        resident=ResidentRef(
            id=r.pk,
            name=r.name,
            sex=r.sex,
            age=r.age(),
            phone_masked=r.masked_phone,
            address=item.address,
            risk_level=r.risk_level,
        ),
        plan=e.plan,
        plan_label=e.plan_label,
        measures=list(item.plan.measures) if item.plan else [],
        psych_check=bool(item.plan and item.plan.psych_check),
        due_on=e.next_due_on,
        due_time=item.due_time,
        overdue_days=item.overdue_days,
        tags=e.tags,
        not_reached_streak=e.not_reached_streak,
        last_reading=e.last_reading,
    )


@router.get("/worklist", response={200: WorklistOut, **READ_ERRORS}, summary="The caller's checks due today")
def worklist(
    request: HttpRequest,
    limit: Annotated[int, Query(ge=1, le=500)] = WORKLIST_PAGE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    """Due and overdue checks of the residents assigned to the token's user, high risk first, then the
    longest overdue, then the earliest due time."""
    work = selectors.worklist_for(request.auth, offset=offset, limit=limit)
    return WorklistOut(
        date=work.today,
        total=work.total,
        overdue=work.overdue_total,
        done_today=work.done_today,
        items=[_item_out(item) for item in work.items],
    )


@router.post("/checks", response={201: CheckResultOut, **WRITE_ERRORS}, summary="Record a check")
def check_create(request: HttpRequest, payload: CheckIn):
    """A reading (or ``reached: false``). Out of physical range: 422 naming the field, nothing written.
    Outside the thresholds: the answer carries the alert and the hotline case it opened."""
    require(request.auth, "monitoring.record")
    resident = selectors.resident_get_for_monitoring(request.auth, payload.resident_id)
    result = services.check_record(
        by=request.auth,
        resident=resident,
        reached=payload.reached,
        method=payload.method,
        temperature_c=payload.temperature_c,
        spo2=payload.spo2,
        respiratory_rate=payload.respiratory_rate,
        symptoms=payload.symptoms,
        psych_concern=payload.psych_concern,
        note=payload.note,
    )
    return Status(201, CheckResultOut(check=_check_out(result.check), alert=_alert_out(result.alert)))


@router.post(
    "/device-events",
    response={200: DeviceEventOut, 201: DeviceEventOut, **WRITE_ERRORS},
    summary="A one-key call device event",
)
def device_event(request: HttpRequest, payload: DeviceEventIn):
    """Opens a P1/P2 case for the resident, routed to the on-duty clinician. 201 when new; 200 with the
    first answer when the device resends an ``event_id`` it sent before."""
    require(request.auth, "monitoring.record")
    resident = selectors.resident_get_for_monitoring(request.auth, payload.resident_id)
    result = services.device_event_record(
        by=request.auth,
        resident=resident,
        device_id=payload.device_id,
        event=payload.event,
        event_id=payload.event_id,
        spo2=payload.spo2,
        temperature_c=payload.temperature_c,
    )
    body = DeviceEventOut(created=result.created, alert=_alert_out(result.alert))
    return Status(201 if result.created else 200, body)
