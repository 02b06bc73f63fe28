"""Triage over JSON: a preview for other tools, chat-group messages and one-key alarms that become cases the
same way a call does, and the on-duty clinician's P1 alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from anxin.core.api_auth import require
from anxin.core.api_fields import (
    NO_BINARY,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Code,
    PathId,
    codes_of,
    filled,
    one_of,
)
from anxin.core.errors import InvalidInput
from anxin.hotline import proposal, selectors, services
from anxin.hotline.api import CaseDetailOut, _line, _place, _resident, case_opened_out
from anxin.hotline.api_input import CallerPhone, ShortText, Summary, TriageFieldsIn
from anxin.hotline.models import Channel
from anxin.triage.codes import CHANNELS
from anxin.triage.questions import next_questions

router = Router(tags=["triage"])
MESSAGE_CHANNELS = (Channel.CHAT_GROUP, Channel.ONE_KEY_DEVICE)


class TriageIn(TriageFieldsIn):
    text: Summary = Field(..., description="what the caller said or the message")
    channel: Annotated[Code, one_of(CHANNELS)] | None = Field(None, description=", ".join(CHANNELS))


class QuestionOut(Schema):
    id: str
    ask: str
    urgency: str = Field(description="what a yes would make the proposal at least")


class TriageOut(Schema):
    category: str
    urgency: str
    disposition: str
    red_flags: list[str]
    complaint: str | None = Field(description="the chief-complaint protocol; null when not about health")
    decided_by: str
    ruleset: str
    explanation: list[dict]
    questions: list[QuestionOut] = Field(description="key questions to ask next, whose yes would raise it")


@router.post("/triage", response={200: TriageOut, **WRITE_ERRORS}, summary="Propose triage for a text")
def triage_preview(request: HttpRequest, payload: TriageIn):
    require(request.auth, "case.intake")
    if not payload.text.strip():
        raise InvalidInput(gettext("不能为空"), field="text")
    if payload.channel is not None and payload.channel not in CHANNELS:
        raise InvalidInput(gettext("未知的渠道 %(code)r") % {"code": payload.channel}, field="channel")
    decision = proposal.propose(text=payload.text, fields=payload.fields().checked(), channel=payload.channel)
    return TriageOut(
        category=decision.category,
        urgency=decision.urgency,
        disposition=decision.disposition,
        red_flags=list(decision.red_flags),
        complaint=decision.complaint,
        decided_by=decision.decided_by,
        ruleset=decision.ruleset_version,
        explanation=decision.explanation(),
        questions=[
            QuestionOut(id=item.question.id, ask=item.question.ask, urgency=item.urgency)
            for item in next_questions(decision)
        ],
    )


class MessageIn(TriageFieldsIn):
    """A chat-group message needs its text; a device alarm may come without."""

    model_config = {
        "json_schema_extra": {
            "if": {"properties": {"channel": {"const": Channel.CHAT_GROUP.value}}},
            "then": filled("text"),
        }
    }

    channel: Annotated[Code, one_of(MESSAGE_CHANNELS)] = Field(
        ..., description="chat_group or one_key_device"
    )
    line: Annotated[Code, codes_of("hotline.lines")] = Field(
        ..., description="the line whose desk receives it"
    )
    text: Annotated[str, StringConstraints(max_length=services.SUMMARY_MAX), NO_BINARY] = Field(
        "", description="the message; a device alarm may have none"
    )
    sender_phone: CallerPhone = ""
    sender_name: ShortText = Field("", description="nickname in the group, or the device's label")
    resident_id: BodyId | None = Field(None, description="the registered resident (device owner, sender)")
    place: Code | None = Field(None, description="place code, when no resident is known (404 if none has it)")


@router.post(
    "/messages", response={201: CaseDetailOut, **WRITE_ERRORS}, summary="A chat message or device alarm"
)
def message_receive(request: HttpRequest, payload: MessageIn):
    """Opens a case triaged exactly as a call is; a P1 alerts the on-duty clinician at once."""
    if payload.channel not in MESSAGE_CHANNELS:
        raise InvalidInput(
            gettext("渠道应为 %(choices)s") % {"choices": ", ".join(MESSAGE_CHANNELS)}, field="channel"
        )
    text = payload.text.strip()
    if not text and payload.channel == Channel.ONE_KEY_DEVICE:
        text = gettext("一键呼叫器报警")
    resident = _resident(request.auth, payload.resident_id, "resident_id")
    case = services.case_open(
        by=request.auth,
        line=_line(payload.line),
        summary=text,
        channel=payload.channel,
        caller_phone=payload.sender_phone,
        caller_name=payload.sender_name,
        caller_resident=resident,
        subject_resident=resident,
        place=_place(payload.place, "place"),
        triage_fields=payload.fields(),
    )
    return Status(201, case_opened_out(case))


class AlertOut(Schema):
    id: int
    case_id: int
    case_number: str
    urgency: str
    summary: str
    red_flags: list[str]
    created_at: datetime
    acknowledged_at: datetime | None


def _alert_out(alert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        case_id=alert.case_id,
        case_number=alert.case.number or "",
        urgency=alert.case.urgency,
        summary=alert.case.summary[:200],
        red_flags=alert.case.triage.get("red_flags", []),
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
    )


@router.get("/alerts", response={200: list[AlertOut], **READ_ERRORS}, summary="My open P1 alerts")
def alert_list(request: HttpRequest):
    return [_alert_out(a) for a in selectors.alerts_open_for(request.auth)]


@router.post(
    "/alerts/{alert_id}/ack", response={200: AlertOut, **WRITE_ERRORS}, summary="Acknowledge an alert"
)
def alert_ack(request: HttpRequest, alert_id: PathId):
    alert = selectors.alert_get_for_user(request.auth, alert_id)
    return _alert_out(services.alert_acknowledge(alert=alert, by=request.auth))
