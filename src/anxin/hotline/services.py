"""Every write to a hotline case goes through one of these functions.

The desk pages, the JSON API, the demo loader and background tasks all call them; none re-implements a
step. Each step checks the caller's permission and scope, claims the case by its version (so two agents
acting on one case cannot both win), checks the lifecycle table, writes, and appends a timeline event.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_tasks_db.backend import DatabaseBackend

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.core.text import checked_choice, clean_text, to_halfwidth
from anxin.hotline import lifecycle, proposal
from anxin.hotline.models import (
    Callback,
    Case,
    CaseEvent,
    Category,
    Channel,
    ClinicianAlert,
    Disposition,
    Line,
    TriageOverride,
    Urgency,
)
from anxin.hotline.proposal import TriageFields
from anxin.hotline.selectors import case_visible_to, lines_on_duty, user_can_receive
from anxin.hotline.sla import sla_due_at, sla_met_by, sla_rules
from anxin.knowledge.models import Item as KnowledgeItem
from anxin.knowledge.services import gap_check_later, item_record_use
from anxin.people.identity import DIGIT_PATTERN, PHONE_BODY, SPACE_PATTERN, normalise_phone
from anxin.people.models import Resident
from anxin.places.models import TEAM_PLACE_KINDS, Place

SUMMARY_MAX = 4000
NOTE_MAX = 2000
DISPATCH_TARGET_MAX = 60  # "120", a department's name
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
# What normalise_caller_number accepts, for the OpenAPI document: nothing, a landline or a mobile.
_GAP = rf"(?:{SPACE_PATTERN}|[()\uff08\uff09])*"
_LANDLINE_BODY = rf"{_GAP}[0\uff10](?:{_GAP}{DIGIT_PATTERN}){{2,3}}{_GAP}(?:[-\uff0d]{_GAP})?(?:{DIGIT_PATTERN}{_GAP}){{7,8}}"
CALLER_PHONE_PATTERN = f"^(?:{_GAP}|{_LANDLINE_BODY}|{PHONE_BODY})$"
Kind = CaseEvent.Kind
_CASE_COLUMNS = tuple(f for f in Case._meta.concrete_fields if not f.primary_key)
# Stored as written (a timeline note is data); the desk's event_note filter translates it for display.
FIRST_CONTACT_NOTE = gettext_noop("当场答复")


def normalise_caller_number(raw: str) -> str:
    """A mobile (validated) or a landline with area code; callers ring from both."""
    number = re.sub(r"[\s()]", "", to_halfwidth(raw or ""))
    if not number:
        return ""
    if _LANDLINE.match(number):
        return number
    return normalise_phone(number, field="caller_phone")


def case_number(pk: int, created_at: datetime) -> str:
    """The number a person reads out: AX, the local date it was opened, the id (AX20261123001127)."""
    return f"AX{timezone.localtime(created_at):%Y%m%d}{pk:06d}"


def _event(case: Case, kind: str, by: User | None, *, note: str = "", at: datetime | None = None, **data):
    event = CaseEvent(case=case, kind=kind, actor=by, note=note, at=at or timezone.now(), data=data)
    unsaved = getattr(case, "_events_unsaved", None)
    if unsaved is None:
        event.save(force_insert=True)
    else:
        unsaved.append(event)  # case_open inserts its events together, in this order
    written = getattr(case, "events_written", None)
    if written is not None:
        written.append(event)
    return event


def _note_milestone(case: Case, milestone: str, at: datetime) -> None:
    if case.sla_met_at is None and sla_met_by(case.urgency, milestone):
        case.sla_met_at = at


def _schedule_sla_check(case: Case) -> None:
    if case.sla_met_at is not None:
        return
    from anxin.hotline.tasks import case_sla_check

    check = case_sla_check.using(run_after=case.sla_due_at)
    case_id = case.pk
    if isinstance(check.get_backend(), DatabaseBackend):
        # The queue is a table of this database: the row commits or rolls back with the case, in the same
        # write transaction (on SQLite, one lock taken per intake instead of two).
        check.enqueue(case_id)
    else:
        transaction.on_commit(lambda: check.enqueue(case_id))


def case_open(
    *,
    by: User,
    line: Line,
    summary: str,
    category: str | None = None,
    urgency: str | None = None,
    disposition: str | None = None,
    channel: str = Channel.PHONE,
    caller_phone: str = "",
    caller_name: str = "",
    caller_resident: Resident | None = None,
    subject_resident: Resident | None = None,
    subject_note: str = "",
    place: Place | None = None,
    dispatched: bool = False,
    close_now: bool = False,
    triage_fields: TriageFields | None = None,
    override_reason: str | None = None,
    require_override_reason: bool = False,
    knowledge_item: KnowledgeItem | None = None,
    automatic: bool = False,
    now: datetime | None = None,
) -> Case:
    """Record a new request; the agent who takes it becomes its owner (首问负责制).

    The triage engine reads the summary (with the agent's fields and the subject's registry facts) and its
    proposal is kept on the case. Codes left out are the proposal's. When the caller of this function takes
    part in triage review (``override_reason`` is not None: the desk, the API) and its codes differ from the
    proposal, the override is recorded with who and why; the desk also requires the why.

    ``knowledge_item``: the agent answered the caller with this knowledge base item (one click at the desk). The
    case is then answered and closed at first contact (P4 unless the agent chose otherwise), its resolution
    names the item and version, and the item's use is counted. The triage review still applies: answering
    what the engine reads as urgent is an override that needs its reason.

    ``automatic``: nobody called; a reading outside its thresholds, repeated "not reached" or a device alarm
    raised the case (anxin.monitoring, channel ``monitoring`` or ``one_key_device``). ``by`` is the worker who
    recorded the check or the device platform's account: it needs ``monitoring.record`` rather than the
    desk's ``case.intake``. The desk and the API never set it.

    The case returned carries ``events_written``: the events written through this instance, in order. Right
    after ``case_open`` that is the new case's whole timeline, so a caller can answer without reading it back.
    """
    if automatic and channel not in (Channel.MONITORING, Channel.ONE_KEY_DEVICE):
        raise InvalidInput(gettext("自动生成的工单只能来自健康监测或一键呼叫设备"), field="channel")
    if not by.can("monitoring.record" if automatic else "case.intake"):
        raise Forbidden(gettext("当前角色不能受理工单"))
    now = now or timezone.now()
    summary = clean_text(summary, field="summary", max_length=SUMMARY_MAX, required=True)
    decision, fields, _ = proposal.propose_for_intake(
        summary=summary,
        line_kind=line.kind,
        channel=channel,
        fields=triage_fields or TriageFields(),
        subject=subject_resident,
        today=timezone.localdate(now),
    )
    if knowledge_item is not None:
        urgency, disposition, close_now = urgency or Urgency.P4, Disposition.ANSWER_CLOSED, True
    category = category or decision.category
    urgency = urgency or decision.urgency
    disposition = disposition or decision.disposition
    checked_choice(category, Category, "category")
    checked_choice(urgency, Urgency, "urgency")
    checked_choice(disposition, Disposition, "disposition")
    checked_choice(channel, Channel, "channel")
    if close_now and (urgency != Urgency.P4 or disposition != Disposition.ANSWER_CLOSED):
        raise InvalidInput(gettext("只有 P4 且处置为“当场答复办结”的工单可以当场关闭"), field="close_now")
    case_place = _case_place(by, line, place, caller_resident, subject_resident)
    case = Case(
        line=line,
        channel=channel,
        caller_phone=normalise_caller_number(caller_phone),
        caller_name=clean_text(caller_name, field="caller_name", max_length=50),
        caller_resident=caller_resident,
        subject_resident=subject_resident,
        subject_note=clean_text(subject_note, field="subject_note", max_length=200),
        place=case_place,
        summary=summary,
        category=category,
        urgency=urgency,
        disposition=disposition,
        complaint=decision.complaint or "",
        owner=by,
        handler=by,
        created_at=now,
        sla_due_at=sla_due_at(urgency, now),
        triage=proposal.proposal_record(decision, fields),
    )
    # Everything above only reads; the writes below hold SQLite's write lock (BEGIN IMMEDIATE), so they
    # start only once the case is checked and triaged.
    with transaction.atomic():
        case.save(force_insert=True)
        inserted = _column_values(case)
        case.events_written, case._events_unsaved = [], []
        case.number = case_number(case.pk, now)
        _event(
            case,
            Kind.OPENED,
            by,
            at=now,
            category=category,
            urgency=urgency,
            disposition=disposition,
            channel=channel,
            sla_rules=sla_rules().version,
        )
        if override_reason is not None:
            _record_override(case, by, override_reason, required=require_override_reason, at=now)
        if dispatched:
            case.dispatched_at = now
            _note_milestone(case, "dispatched", now)
            _event(
                case, Kind.DISPATCHED, by, at=now, target="120" if disposition == Disposition.CALL_120 else ""
            )
        if close_now:
            _close_at_first_contact(case, by, summary=summary, knowledge_item=knowledge_item, now=now)
        CaseEvent.objects.bulk_create(case._events_unsaved)  # one statement; their ids come back in order
        del case._events_unsaved
        # Write back only what changed since the insert (the number, and the milestones of a dispatch or a
        # first-contact close), not all thirty columns.
        current = _column_values(case)
        case.save(update_fields=[name for name, value in current.items() if value != inserted[name]])
        _schedule_sla_check(case)
        if urgency == Urgency.P1:
            alert_on_duty_clinicians(case=case, now=now)
        if not automatic and knowledge_item is None and urgency != Urgency.P1:
            _check_for_knowledge_gap(case, by)
    return case


def _check_for_knowledge_gap(case: Case, by: User) -> None:
    """A request not answered from the knowledge base may be a question the base lacks (knowledge.gaps). An
    emergency is not such a question: P1 goes to 120, not to the base."""
    residents = (case.caller_resident, case.subject_resident)
    names = [case.caller_name, *(resident.name for resident in residents if resident is not None)]
    gap_check_later(
        text=case.summary,
        case_id=case.pk,
        place_id=case.place_id,
        public_only=not by.can("knowledge.internal"),
        names=names,
        at=case.created_at,
    )


def _column_values(case: Case) -> dict[str, object]:
    return {field.name: getattr(case, field.attname) for field in _CASE_COLUMNS}


def _close_at_first_contact(
    case: Case, by: User, *, summary: str, knowledge_item: KnowledgeItem | None, now: datetime
) -> None:
    case.status = Case.Status.CLOSED
    case.resolved_at = case.closed_at = now
    case.closed_at_first_contact = True
    answered_with = {}
    if knowledge_item is None:
        case.resolution = summary[:200]
    else:
        case.resolution = gettext("按知识库条目答复：%(title)s（%(code)s 第 %(version)s 版）") % {
            "title": knowledge_item.title,
            "code": knowledge_item.code,
            "version": knowledge_item.version,
        }
        answered_with = {"knowledge_item": knowledge_item.code, "knowledge_version": knowledge_item.version}
        item_record_use(item=knowledge_item, by=by, case=case)
    _note_milestone(case, "resolved", now)
    _note_milestone(case, "closed", now)
    _event(case, Kind.RESOLVED, by, at=now, note=FIRST_CONTACT_NOTE, **answered_with)
    _event(case, Kind.CLOSED, by, at=now, first_contact=True)


def _record_override(case: Case, by: User, reason: str, *, required: bool, at: datetime) -> None:
    record = case.triage
    if not proposal.differs(
        record, category=case.category, urgency=case.urgency, disposition=case.disposition
    ):
        return
    reason = clean_text(reason, field="override_reason", max_length=NOTE_MAX, required=required)
    TriageOverride.objects.create(
        case=case,
        by=by,
        at=at,
        decisive_rule=record["decided_by"],
        complaint=record.get("complaint") or "",
        rules=record["rules"],
        ruleset=record["ruleset"],
        proposed_category=record["category"],
        proposed_urgency=record["urgency"],
        proposed_disposition=record["disposition"],
        chosen_category=case.category,
        chosen_urgency=case.urgency,
        chosen_disposition=case.disposition,
        reason=reason,
    )
    _event(
        case,
        Kind.TRIAGE_OVERRIDDEN,
        by,
        at=at,
        note=reason,
        proposed={k: record[k] for k in ("category", "urgency", "disposition")},
        decided_by=record["decided_by"],
    )


def _clinicians_to_alert(case: Case, now: datetime) -> list[User]:
    """On duty on the case's line; else on duty on any medical line; else the line's clinicians, so a P1
    is never left without someone to see it."""
    on_duty = lines_on_duty(now)
    clinicians = [u for u in on_duty.get(case.line_id, []) if u.role == Role.CLINICIAN]
    if not clinicians:
        medical = Line.objects.filter(kind=Line.Kind.MEDICAL).values_list("pk", flat=True)
        clinicians = [u for pk in medical for u in on_duty.get(pk, []) if u.role == Role.CLINICIAN]
    if not clinicians:
        clinicians = list(case.line.members.filter(role=Role.CLINICIAN, is_active=True))
    return list({u.pk: u for u in clinicians if u.is_active}.values())


@transaction.atomic
def alert_on_duty_clinicians(*, case: Case, now: datetime | None = None) -> list[ClinicianAlert]:
    """Put a P1 case in front of the on-duty clinicians at once (their desks poll for open alerts)."""
    now = now or timezone.now()
    recipients = _clinicians_to_alert(case, now)
    alerts = [
        ClinicianAlert.objects.get_or_create(case=case, recipient=user, defaults={"created_at": now})[0]
        for user in recipients
    ]
    _event(case, Kind.ALERTED, None, at=now, recipients=[u.username for u in recipients])
    return alerts


@transaction.atomic
def alert_acknowledge(*, alert: ClinicianAlert, by: User, now: datetime | None = None) -> ClinicianAlert:
    if alert.recipient_id != by.pk:
        raise Forbidden(gettext("这条提醒不是发给您的"))
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now or timezone.now()
        alert.save(update_fields=["acknowledged_at"])
    return alert


def _case_place(
    by: User, line: Line, place: Place | None, caller: Resident | None, subject: Resident | None
) -> Place:
    for resident, field in ((subject, "subject_resident"), (caller, "caller_resident")):
        if resident is not None and not by.covers_path(resident.household.path):
            raise Forbidden(gettext("该居民不在您负责的区域"), field=field)
    chosen = (
        (subject.household if subject else None)
        or (caller.household if caller else None)
        or place
        or line.place
    )
    if not by.covers_path(chosen.path):
        raise Forbidden(gettext("该地点不在您负责的区域"), field="place")
    return chosen


def _claim(*, case: Case, version: int, by: User, step: str) -> Case:
    """Lock the case for this step: scope, permission, version and lifecycle, in that order."""
    if not by.can("case.act") or not case_visible_to(by, case):
        raise Forbidden(gettext("您无权处理该工单"))
    claimed = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise Conflict(gettext("工单已被他人更新，请刷新后再操作"), field="version")
    case.refresh_from_db()
    if not lifecycle.step_allowed(step, case.status):
        label = gettext(lifecycle.STATUS_LABELS.get(case.status, case.status))
        raise Conflict(
            gettext("工单当前状态为“%(status)s”，不能执行此操作") % {"status": label}, field="status"
        )
    return case


@transaction.atomic
def case_reclassify(
    *, case: Case, version: int, by: User, category: str, urgency: str, disposition: str, reason: str
) -> Case:
    checked_choice(category, Category, "category")
    checked_choice(urgency, Urgency, "urgency")
    checked_choice(disposition, Disposition, "disposition")
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="reclassify")
    before = {"category": case.category, "urgency": case.urgency, "disposition": case.disposition}
    case.category, case.urgency, case.disposition = category, urgency, disposition
    case.sla_due_at = sla_due_at(urgency, case.created_at)
    case.sla_met_at = _first_milestone_met(case)
    case.save()
    _event(
        case,
        Kind.RECLASSIFIED,
        by,
        note=reason,
        before=before,
        after={"category": category, "urgency": urgency, "disposition": disposition},
    )
    _schedule_sla_check(case)
    return case


def _first_milestone_met(case: Case) -> datetime | None:
    milestones = {
        Kind.DISPATCHED: "dispatched",
        Kind.RESOLVED: "resolved",
        Kind.CLOSED: "closed",
    }
    for event in case.events.order_by("at", "id"):
        milestone = milestones.get(event.kind)
        if event.kind == Kind.CALLBACK_COMPLETED and event.data.get("clinician"):
            milestone = "clinician_callback"
        if milestone and sla_met_by(case.urgency, milestone):
            return event.at
    return None


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    version: int,
    by: User,
    note: str,
    to_line: Line | None = None,
    to_place: Place | None = None,
) -> Case:
    """Hand a case to another line or to a community/grid team; the owner stays the first taker."""
    if (to_line is None) == (to_place is None):
        raise InvalidInput(gettext("请选择转办目标：一条热线或一个社区/网格"), field="to")
    if to_place is not None and to_place.kind not in TEAM_PLACE_KINDS:
        raise InvalidInput(gettext("只能转办到街道、社区或网格"), field="to_place")
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="transfer")
    case.status = Case.Status.TRANSFERRED
    case.assigned_line, case.assigned_place, case.handler = to_line, to_place, None
    case.save()
    target = (
        {"to_line": to_line.code, "to_line_name": to_line.name}
        if to_line
        else {"to_place": to_place.code, "to_place_name": to_place.name}
    )
    _event(case, Kind.TRANSFERRED, by, note=note, **target)
    return case


@transaction.atomic
def case_accept(*, case: Case, version: int, by: User) -> Case:
    """The receiving team takes a transferred case; it now handles it, the owner still answers for it."""
    if not user_can_receive(by, case):
        raise Forbidden(gettext("该工单未转给您所在的热线或社区"), field="case")
    case = _claim(case=case, version=version, by=by, step="accept")
    case.status, case.handler = Case.Status.OPEN, by
    case.save()
    _event(case, Kind.ACCEPTED, by)
    return case


@transaction.atomic
def case_schedule_callback(
    *,
    case: Case,
    version: int,
    by: User,
    due_at: datetime,
    note: str = "",
    kind: str = Callback.Kind.CALLBACK,
    assignee_role: str = "",
    assigned_to: User | None = None,
    now: datetime | None = None,
) -> Callback:
    """Promise to call back by ``due_at``; kind CONSULT is "consult, then call back" (会商后回复)."""
    now = now or timezone.now()
    checked_choice(kind, Callback.Kind, "kind")
    if assignee_role:
        checked_choice(assignee_role, Role, "assignee_role")
    if timezone.is_naive(due_at):
        raise InvalidInput(gettext("回电时间须带时区"), field="due_at")
    if due_at < now - timedelta(minutes=1):
        raise InvalidInput(gettext("回电时间不能早于现在"), field="due_at")
    if due_at > now + timedelta(days=30):
        raise InvalidInput(gettext("回电时间不能超过 30 天"), field="due_at")
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=kind == Callback.Kind.CONSULT)
    case = _claim(case=case, version=version, by=by, step="schedule_callback")
    callback = Callback.objects.create(
        case=case,
        kind=kind,
        due_at=due_at,
        note=note,
        assignee_role=assignee_role,
        assigned_to=assigned_to,
        created_by=by,
        created_at=now,
    )
    case.status = Case.Status.AWAITING_CALLBACK
    case.save()
    event_kind = Kind.CONSULT_REQUESTED if kind == Callback.Kind.CONSULT else Kind.CALLBACK_SCHEDULED
    _event(
        case,
        event_kind,
        by,
        note=note,
        at=now,
        callback=callback.pk,
        due_at=due_at.isoformat(),
        assignee_role=assignee_role,
    )
    return callback


@transaction.atomic
def case_complete_callback(*, case: Case, version: int, by: User, callback_id: int, outcome: str) -> Case:
    outcome = clean_text(outcome, field="outcome", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="complete_callback")
    callback = case.callbacks.filter(pk=callback_id).first()
    if callback is None:
        raise NotFound(gettext("该工单没有这个回电任务"), field="callback_id")  # the path names it
    if callback.done_at is not None:
        raise Conflict(gettext("该回电已完成"), field="callback_id")
    now = timezone.now()
    callback.done_at, callback.done_by, callback.outcome = now, by, outcome
    callback.save(update_fields=["done_at", "done_by", "outcome"])
    clinician = by.role in sla_rules().clinician_roles
    if clinician:
        _note_milestone(case, "clinician_callback", now)
    if not case.callbacks.filter(done_at__isnull=True).exists():
        case.status = Case.Status.OPEN
    case.save()
    _event(case, Kind.CALLBACK_COMPLETED, by, note=outcome, at=now, callback=callback.pk, clinician=clinician)
    return case


@transaction.atomic
def case_dispatch(*, case: Case, version: int, by: User, target: str, note: str = "") -> Case:
    """Record that help was sent: 120 called, or the case dispatched to a department."""
    target = clean_text(target, field="target", max_length=DISPATCH_TARGET_MAX, required=True)
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    case = _claim(case=case, version=version, by=by, step="dispatch")
    now = timezone.now()
    case.dispatched_at = case.dispatched_at or now
    _note_milestone(case, "dispatched", now)
    case.save()
    _event(case, Kind.DISPATCHED, by, note=note, at=now, target=target)
    return case


@transaction.atomic
def case_add_note(*, case: Case, version: int, by: User, note: str) -> Case:
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="note")
    case.save()
    _event(case, Kind.NOTED, by, note=note)
    return case


@transaction.atomic
def case_resolve(*, case: Case, version: int, by: User, resolution: str) -> Case:
    resolution = clean_text(resolution, field="resolution", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="resolve")
    now = timezone.now()
    case.status, case.resolution, case.resolved_at = Case.Status.RESOLVED, resolution, now
    _note_milestone(case, "resolved", now)
    case.save()
    _event(case, Kind.RESOLVED, by, note=resolution, at=now)
    return case


@transaction.atomic
def case_record_return_visit(
    *, case: Case, version: int, by: User, satisfaction: str, note: str = ""
) -> Case:
    checked_choice(satisfaction, Case.Satisfaction, "satisfaction")
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    case = _claim(case=case, version=version, by=by, step="return_visit")
    case.return_visit_at, case.satisfaction = timezone.now(), satisfaction
    case.save()
    _event(case, Kind.RETURN_VISIT, by, note=note, satisfaction=satisfaction)
    return case


@transaction.atomic
def case_close(*, case: Case, version: int, by: User, note: str = "") -> Case:
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    case = _claim(case=case, version=version, by=by, step="close")
    if case.return_visit_at is None:
        raise Conflict(gettext("关闭前须完成回访并记录满意度"), field="return_visit")
    now = timezone.now()
    case.status, case.closed_at = Case.Status.CLOSED, now
    _note_milestone(case, "closed", now)
    case.save()
    _event(case, Kind.CLOSED, by, note=note, at=now)
    return case


@transaction.atomic
def case_reopen(*, case: Case, version: int, by: User, reason: str) -> Case:
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX, required=True)
    case = _claim(case=case, version=version, by=by, step="reopen")
    case.status, case.handler = Case.Status.OPEN, by
    case.resolved_at = case.closed_at = case.return_visit_at = None
    case.satisfaction = ""
    case.closed_at_first_contact = False
    case.save()
    _event(case, Kind.REOPENED, by, note=reason)
    return case


@transaction.atomic
def case_mark_sla_breach(*, case_id: int, now: datetime | None = None) -> bool:
    """Called by the SLA task when a clock may have run out; records the breach once."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or case.sla_met_at or case.sla_breached_at or case.status == Case.Status.CLOSED:
        return False
    if case.sla_due_at > now:
        return False
    Case.objects.filter(pk=case.pk).update(sla_breached_at=now, version=F("version") + 1)
    _event(case, Kind.SLA_BREACHED, None, at=now, urgency=case.urgency, due_at=case.sla_due_at.isoformat())
    return True
