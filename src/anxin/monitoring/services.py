"""Every write in monitoring goes through one of these functions; the pages, the API, the demo loader and the
background tasks call them.

``check_record`` writes a check and, for a reading outside its thresholds or repeated "not reached", the
alert and the hotline case it opens, all in one transaction: a refused reading writes nothing. Cases go
through hotline's own services (``case_open``, ``case_transfer``): monitoring never writes a case itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.core.text import checked_choice, clean_text
from anxin.hotline import proposal
from anxin.hotline import services as hotline
from anxin.hotline.models import Case, Channel, Line
from anxin.hotline.proposal import TriageFields
from anxin.monitoring.alerts import AlertRules, Floor, alert_rules
from anxin.monitoring.labels import DEVICE_EVENT_LABELS, METHOD_LABELS, SYMPTOM_LABELS, rule_label
from anxin.monitoring.models import RISK_RANK, Check, Enrolment, MonitoringAlert
from anxin.monitoring.plans import PlanRules, due_after_check, first_due, plan_for, plan_rules
from anxin.monitoring.thresholds import (
    NORMAL,
    Assessment,
    Reading,
    assess,
    checked_reading,
    groups_for,
    threshold_rules,
)
from anxin.people.models import Resident
from anxin.places.models import Place, PlaceDuty
from anxin.places.selectors import place_ancestors

NOTE_MAX = 500
DEVICE_ID_MAX = 64


def ruleset_version() -> str:
    """The versions of the three rule files a check is judged by, as stored on checks and alerts."""
    return f"plans {plan_rules().version}; thresholds {threshold_rules().version}; alerts {alert_rules().version}"


def _require_record(by: User, resident: Resident) -> None:
    if not by.can("monitoring.record"):
        raise Forbidden(gettext("当前角色不能记录健康监测"))
    if not by.covers_path(resident.household.path):
        raise Forbidden(gettext("该居民不在您负责的区域"), field="resident")


# --- enrolment ---


@dataclass
class SyncResult:
    seen: int = 0
    enrolled: int = 0
    changed_plan: int = 0
    updated: int = 0
    ended: int = 0


def _duty_map() -> dict[str, dict[str, int]]:
    """{place path: {duty: user id}} for every PlaceDuty: a few thousand rows for a district."""
    holders: dict[str, dict[str, int]] = {}
    for path, duty, user_id in PlaceDuty.objects.values_list("place__path", "duty", "user_id"):
        holders.setdefault(path, {})[duty] = user_id
    return holders


def _prefixes(path: str) -> list[str]:
    """The path and every ancestor's path, nearest first: "/a/b/" -> ["/a/b/", "/a/"]."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]


def _assign(workers: Iterable[str], path: str, duties: dict[str, dict[str, int]]) -> tuple[int | None, str]:
    """The nearest holder of the first duty (in the plan's order) that someone holds above the household."""
    prefixes = _prefixes(path)
    for duty in workers:
        for prefix in prefixes:
            user_id = duties.get(prefix, {}).get(duty)
            if user_id is not None:
                return user_id, duty
    return None, ""


SYNCED_FIELDS = ("worker_id", "worker_duty", "place_path", "risk_rank", "tags", "anchor_on", "next_due_on")


def _sync_batch(
    residents: list[Resident], rules: PlanRules, duties: dict[str, dict[str, int]], today: date
) -> SyncResult:
    result = SyncResult(seen=len(residents))
    active = {
        e.resident_id: e
        for e in Enrolment.objects.filter(resident__in=[r.pk for r in residents], ended_on__isnull=True)
    }
    creates: list[Enrolment] = []
    updates: list[Enrolment] = []
    ends: list[Enrolment] = []

    def end(enrolment: Enrolment, reason: str) -> None:
        enrolment.ended_on, enrolment.end_reason, enrolment.next_due_on = today, reason, None
        ends.append(enrolment)

    for resident in residents:
        tags = resident.tags(today)
        plan = plan_for(resident.risk_level, tags, rules)
        current = active.get(resident.pk)
        anchor = getattr(resident, plan.schedule.after) if plan and plan.schedule.after else None
        first = first_due(plan, today=today, anchor=anchor) if plan else None
        if plan is None:
            if current is not None:
                end(current, Enrolment.EndReason.NO_PLAN)
            continue
        worker_id, duty = _assign(plan.workers, resident.household.path, duties)
        fresh = {
            "worker_id": worker_id,
            "worker_duty": duty,
            "place_path": resident.household.path,
            "risk_rank": RISK_RANK.get(resident.risk_level, RISK_RANK["low"]),
            "tags": tags,
            "anchor_on": anchor,
        }
        if current is not None and current.plan == plan.code:
            if plan.schedule.after and current.anchor_on != anchor:
                fresh["next_due_on"] = first  # discharged again: the follow-ups start over
            if any(getattr(current, name) != value for name, value in fresh.items()):
                for name, value in fresh.items():
                    setattr(current, name, value)
                updates.append(current)
            continue
        if current is not None:
            end(current, Enrolment.EndReason.PLAN_CHANGED)
            result.changed_plan += 1
        if first is None:
            continue
        creates.append(
            Enrolment(
                resident=resident,
                plan=plan.code,
                rule_codes=[plan.code, *(resident.risk_rules or [])],
                ruleset=rules.version,
                started_on=today,
                next_due_on=first,
                due_minute=plan.due_minute(0),
                **fresh,
            )
        )
    with transaction.atomic():
        # Ends first: a resident's new enrolment may only exist once the old one has ended.
        Enrolment.objects.bulk_update(ends, ["ended_on", "end_reason", "next_due_on", "updated_at"])
        Enrolment.objects.bulk_create(creates)
        Enrolment.objects.bulk_update(updates, [*SYNCED_FIELDS, "updated_at"])
    result.enrolled = len(creates) - result.changed_plan
    result.updated = len(updates)
    result.ended = len(ends) - result.changed_plan
    return result


def enrolment_sync(
    *, residents: QuerySet[Resident] | None = None, today: date | None = None, batch_size: int = 2000
) -> SyncResult:
    """Enrol residents in the plan their risk level and tags call for (rules/plans.toml), move them when that
    changes, end enrolments nobody needs any more, and keep the assigned worker, place and risk current.

    ``residents``: only these (e.g. the rows a ledger import touched); by default every resident at medium
    or high risk (every plan needs one, a test checks it) and every resident still enrolled. Runs in
    batches of ``batch_size``, each in its own transaction, so millions of residents take bounded memory.
    Idempotent: a second run on the same day changes nothing.
    """
    today = today or timezone.localdate()
    rules = plan_rules()
    duties = _duty_map()
    total = SyncResult()
    if residents is None:
        levels = sorted({level for plan in rules.plans for level in plan.risk_any} | {"high", "medium"})
        # Enrolled residents whose risk fell below every plan: ended without loading them one by one.
        stale = Enrolment.objects.filter(ended_on__isnull=True).exclude(resident__risk_level__in=levels)
        total.ended += stale.update(
            ended_on=today,
            end_reason=Enrolment.EndReason.NO_PLAN,
            next_due_on=None,
            updated_at=timezone.now(),
        )
        residents = Resident.objects.filter(risk_level__in=levels)
    queryset = residents.select_related("household").order_by("pk")
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return total
        last_pk = batch[-1].pk
        part = _sync_batch(batch, rules, duties, today)
        for name in ("seen", "enrolled", "changed_plan", "updated", "ended"):
            setattr(total, name, getattr(total, name) + getattr(part, name))


# --- checks ---


@dataclass
class CheckResult:
    check: Check
    alert: MonitoringAlert | None = None
    case: Case | None = None


def _active_enrolment(resident: Resident) -> Enrolment | None:
    return (
        Enrolment.objects.select_for_update()
        .filter(resident=resident, ended_on__isnull=True)
        .order_by()
        .first()
    )


def _last_reading(check: Check) -> dict:
    values = {
        "at": check.checked_at.isoformat(),
        "temperature_c": check.temperature_c,
        "spo2": check.spo2,
        "respiratory_rate": check.respiratory_rate,
        "level": check.level,
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


@transaction.atomic
def check_record(
    *,
    by: User,
    resident: Resident,
    reached: bool = True,
    method: str = Check.Method.PHONE,
    temperature_c: float | None = None,
    spo2: float | None = None,
    respiratory_rate: float | None = None,
    symptoms: Iterable[str] = (),
    psych_concern: bool = False,
    note: str = "",
    now: datetime | None = None,
) -> CheckResult:
    """Record one check of a resident: the reading, or that the worker could not reach them.

    A value outside its physical range (SpO2 above 100, 60 °C) is refused with the field named, and nothing
    is written. A reading that crosses a threshold raises an alert and opens a hotline case with the urgency
    the triage rules give (never below the level's floor in rules/alerts.toml), routed by its disposition:
    the medical line, whose on-duty clinicians also get a P1 at once, or the household's grid team. The
    ``escalate_after``-th consecutive "not reached" opens a case for the grid team the same way. The
    resident's active enrolment, if any, moves to its next due check (a "not reached" check stays due).
    """
    _require_record(by, resident)
    checked_choice(method, Check.Method, "method")
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    now = now or timezone.now()
    today = timezone.localdate(now)
    reading = Reading(
        temperature_c=temperature_c,
        spo2=spo2,
        respiratory_rate=respiratory_rate,
        symptoms=tuple(symptoms),
        psych_concern=psych_concern,
    )
    if reached:
        reading = checked_reading(reading)
    elif not reading.empty or psych_concern:
        raise InvalidInput(gettext("未联系上时不能填写读数或症状"), field="reached")
    tags = resident.tags(today)
    groups = groups_for(
        birth_date=resident.birth_date, today=today, tags=tags, conditions=resident.chronic_conditions or ()
    )
    assessment = assess(reading, groups) if reached else Assessment(NORMAL, (), threshold_rules().version)
    enrolment = _active_enrolment(resident)
    check = Check.objects.create(
        resident=resident,
        enrolment=enrolment,
        worker=by,
        checked_at=now,
        checked_on=today,
        place_path=resident.household.path,
        method=method,
        reached=reached,
        temperature_c=reading.temperature_c,
        spo2=reading.spo2,
        respiratory_rate=reading.respiratory_rate,
        symptoms=list(reading.symptoms),
        psych_concern=reading.psych_concern,
        note=note,
        level=assessment.level,
        rule_codes=list(assessment.rule_codes),
        ruleset=ruleset_version(),
    )
    result = CheckResult(check)
    rules = alert_rules()
    streak = (enrolment.not_reached_streak if enrolment else _streak_without_plan(resident, check)) + 1
    if reached and assessment.outside:
        result.alert, result.case = _reading_alert(by, resident, check, reading, assessment, rules, now)
    elif not reached and streak == rules.escalate_after:
        result.alert, result.case = _not_reached_alert(by, resident, check, streak, rules, now)
    if enrolment is not None:
        _advance(enrolment, check, streak=0 if reached else streak, today=today)
    return result


def _streak_without_plan(resident: Resident, check: Check) -> int:
    """Consecutive "not reached" checks before this one, for a resident with no active enrolment."""
    streak = 0
    for reached in (
        Check.objects.filter(resident=resident).exclude(pk=check.pk).order_by("-checked_at", "-id")
    ).values_list("reached", flat=True)[:10]:
        if reached:
            break
        streak += 1
    return streak


def _advance(enrolment: Enrolment, check: Check, *, streak: int, today: date) -> None:
    enrolment.last_checked_at = check.checked_at
    enrolment.not_reached_streak = streak
    fields = ["last_checked_at", "not_reached_streak", "updated_at"]
    if check.reached:
        plan = plan_rules().get(enrolment.plan)
        enrolment.last_reached_on = today
        enrolment.last_reading = _last_reading(check)
        fields += ["last_reached_on", "last_reading"]
        if plan is not None:
            due = due_after_check(
                plan,
                checked_on=today,
                anchor=enrolment.anchor_on,
                done_on=enrolment.done_on,
                done_count=enrolment.done_count,
            )
            enrolment.next_due_on, enrolment.done_on, enrolment.done_count = (
                due.on,
                due.done_on,
                due.done_count,
            )
            enrolment.due_minute = plan.due_minute(due.slot)
            fields += ["next_due_on", "done_on", "done_count", "due_minute"]
            if due.on is None:
                enrolment.ended_on, enrolment.end_reason = today, Enrolment.EndReason.SCHEDULE_DONE
                fields += ["ended_on", "end_reason"]
    enrolment.save(update_fields=fields)


# --- alerts and the cases they open ---


def _in_chinese():
    """Case summaries and notes are the case's words, which the triage engine reads: always in Chinese."""
    return translation.override(settings.LANGUAGE_CODE)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _reading_words(reading: Reading) -> list[str]:
    words = []
    if reading.spo2 is not None:
        words.append(gettext("血氧 %(value)s%%") % {"value": _number(reading.spo2)})
    if reading.temperature_c is not None:
        words.append(gettext("体温 %(value)s℃") % {"value": _number(reading.temperature_c)})
    if reading.respiratory_rate is not None:
        words.append(gettext("呼吸 %(value)s 次/分") % {"value": _number(reading.respiratory_rate)})
    if reading.symptoms:
        names = gettext("、").join(gettext(SYMPTOM_LABELS[code]) for code in reading.symptoms)
        words.append(gettext("症状：%(names)s") % {"names": names})
    if reading.psych_concern:
        words.append(gettext("心理状态需关注"))
    return words


def _line_covering(kind: str, path: str) -> Line | None:
    """A line of this kind whose place contains the household (the nearest one), else None."""
    lines = [
        line
        for line in Line.objects.filter(kind=kind).select_related("place")
        if path.startswith(line.place.path)
    ]
    return max(lines, key=lambda line: (len(line.place.path), -line.pk), default=None)


def _team_place(resident: Resident, kind: str) -> Place | None:
    return next((p for p in place_ancestors(resident.household) if p.kind == kind), None)


def _open_case(
    *,
    by: User,
    resident: Resident,
    summary: str,
    channel: str,
    fields: TriageFields,
    floor: Floor,
    rule_codes: Iterable[str],
    handover: str,
    raised_by: str,
    rules: AlertRules,
    now: datetime,
) -> tuple[Case | None, str]:
    """Open the case an alert calls for and hand it to whoever its disposition names. Returns the case (None
    when no line covers the household) and the urgency the triage engine proposed."""
    path = resident.household.path
    line = _line_covering(rules.open_on, path)
    if line is None:
        return None, ""
    decision, _, _ = proposal.propose_for_intake(
        summary=summary,
        line_kind=line.kind,
        channel=channel,
        fields=fields,
        subject=resident,
        today=timezone.localdate(now),
    )
    urgency = disposition = override = None
    if floor.raises(decision.urgency):
        urgency, disposition = floor.min_urgency, floor.disposition
        with _in_chinese():
            override = gettext("健康监测规则 %(rules)s：至少 %(urgency)s") % {
                "rules": ", ".join(rule_codes),
                "urgency": floor.min_urgency,
            }
    case = hotline.case_open(
        by=by,
        line=line,
        summary=summary,
        channel=channel,
        urgency=urgency,
        disposition=disposition,
        caller_name=raised_by[:50],
        subject_resident=resident,
        triage_fields=fields,
        override_reason=override,
        automatic=True,
        now=now,
    )
    route = rules.route_for(case.disposition)
    to_place = _team_place(resident, route.team) if route.team else None
    to_line = None
    if to_place is None:
        to_line = (_line_covering(route.line, path) if route.line else None) or line
    case = hotline.case_transfer(
        case=case, version=case.version, by=by, note=handover, to_line=to_line, to_place=to_place
    )
    return case, decision.urgency


def _raise_alert(
    *,
    by: User,
    resident: Resident,
    summary: str,
    channel: str,
    fields: TriageFields,
    floor: Floor,
    rule_codes: Iterable[str],
    handover: str,
    raised_by: str,
    rules: AlertRules,
    now: datetime,
    **alert_fields: object,
) -> tuple[MonitoringAlert, Case | None]:
    """Open the alert's case (``_open_case``) and record the alert linked to it; ``alert_fields`` are what
    differs by kind (the kind, the level, the reading, the device's ids)."""
    rule_codes = list(rule_codes)
    case, proposed = _open_case(
        by=by,
        resident=resident,
        summary=summary,
        channel=channel,
        fields=fields,
        floor=floor,
        rule_codes=rule_codes,
        handover=handover,
        raised_by=raised_by,
        rules=rules,
        now=now,
    )
    alert = MonitoringAlert.objects.create(
        resident=resident,
        case=case,
        raised_by=by,
        created_at=now,
        place_path=resident.household.path,
        rule_codes=rule_codes,
        ruleset=ruleset_version(),
        proposed_urgency=proposed,
        **alert_fields,
    )
    return alert, case


def _reading_alert(
    by: User,
    resident: Resident,
    check: Check,
    reading: Reading,
    assessment: Assessment,
    rules: AlertRules,
    now: datetime,
) -> tuple[MonitoringAlert, Case | None]:
    with _in_chinese():
        method = gettext(METHOD_LABELS[check.method])
        summary = gettext("健康监测异常（%(method)s）：%(values)s") % {
            "method": method,
            "values": gettext("；").join(_reading_words(reading)),
        }
        if check.note:
            summary += gettext("。备注：%(note)s") % {"note": check.note}
        handover = gettext("健康监测告警：%(rules)s。请值班医生尽快处理。") % {
            "rules": gettext("、").join(rule_label(code) for code in assessment.rule_codes)
        }
    return _raise_alert(
        by=by,
        resident=resident,
        summary=summary,
        channel=Channel.MONITORING,
        fields=TriageFields(temperature_c=reading.temperature_c, spo2=reading.spo2),
        floor=rules.levels[assessment.level],
        rule_codes=assessment.rule_codes,
        handover=handover,
        raised_by=str(by),
        rules=rules,
        now=now,
        kind=MonitoringAlert.Kind.READING,
        level=assessment.level,
        reading=check,
    )


def _not_reached_alert(
    by: User, resident: Resident, check: Check, streak: int, rules: AlertRules, now: datetime
) -> tuple[MonitoringAlert, Case | None]:
    with _in_chinese():
        summary = gettext("健康监测：连续 %(count)s 次联系不上%(name)s，需上门查看。") % {
            "count": streak,
            "name": resident.name,
        }
        handover = gettext("连续 %(count)s 次联系不上，请网格上门查看。") % {"count": streak}
    return _raise_alert(
        by=by,
        resident=resident,
        summary=summary,
        channel=Channel.MONITORING,
        fields=TriageFields(),
        floor=rules.not_reached,
        rule_codes=[rules.not_reached_code],
        handover=handover,
        raised_by=str(by),
        rules=rules,
        now=now,
        kind=MonitoringAlert.Kind.NOT_REACHED,
        reading=check,
    )


# --- one-key call devices ---


@dataclass
class DeviceResult:
    alert: MonitoringAlert
    case: Case | None
    created: bool  # False: the device sent this event before; the first answer is returned


@transaction.atomic
def device_event_record(
    *,
    by: User,
    resident: Resident,
    device_id: str,
    event: str,
    event_id: str = "",
    spo2: float | None = None,
    temperature_c: float | None = None,
    now: datetime | None = None,
) -> DeviceResult:
    """A one-key call device (一键呼叫器) raised an event for a resident: open a case the way an abnormal
    reading does, through the device channel, which the triage rules rate P2 at least (P1 when the words or
    readings say so). ``by`` is the device platform's account (``monitoring.record``, covering the resident).

    ``event_id`` (the device's own id for the event) makes a resend idempotent: the same device and id
    return the alert and case of the first one and write nothing.
    """
    _require_record(by, resident)
    rules = alert_rules()
    device_id = clean_text(device_id, field="device_id", max_length=DEVICE_ID_MAX, required=True)
    event_id = clean_text(event_id, field="event_id", max_length=DEVICE_ID_MAX)
    if event not in rules.device_events:
        raise InvalidInput(
            gettext("未知的设备事件 %(value)r，可选：%(choices)s")
            % {"value": event, "choices": ", ".join(rules.device_events)},
            field="event",
        )
    if event_id:
        earlier = _device_alert(device_id, event_id)
        if earlier is not None:
            if earlier.resident_id != resident.pk:
                # The device and its id name an event already recorded for someone else: a state, not a typo.
                raise Conflict(gettext("该设备事件编号已用于另一位居民"), field="event_id")
            return DeviceResult(earlier, earlier.case, created=False)
    reading = checked_reading(Reading(spo2=spo2, temperature_c=temperature_c))
    now = now or timezone.now()
    with _in_chinese():
        summary = gettext(DEVICE_EVENT_LABELS[event])
        words = _reading_words(reading)
        if words:
            summary += gettext("。") + gettext("；").join(words)
        handover = gettext("一键呼叫器报警，请值班医生立即回电。")
        device = gettext("一键呼叫器 %(id)s") % {"id": device_id}
    try:
        with transaction.atomic():
            alert, case = _raise_alert(
                by=by,
                resident=resident,
                summary=summary,
                channel=Channel.ONE_KEY_DEVICE,
                fields=TriageFields(temperature_c=reading.temperature_c, spo2=reading.spo2),
                floor=rules.device,
                rule_codes=[event],
                handover=handover,
                raised_by=device,
                rules=rules,
                now=now,
                kind=MonitoringAlert.Kind.DEVICE,
                device_id=device_id,
                device_event=event,
                device_event_id=event_id,
            )
    except IntegrityError as exc:
        # The same event arrived twice at once and the other request won: this one writes nothing (its case
        # goes with the savepoint) and the device's retry finds the first.
        raise Conflict(gettext("该设备事件正在处理，请稍后重试"), field="event_id") from exc
    return DeviceResult(alert, case, created=True)


def _device_alert(device_id: str, event_id: str) -> MonitoringAlert | None:
    return (
        MonitoringAlert.objects.select_related("case")
        .filter(device_id=device_id, device_event_id=event_id)
        .order_by()
        .first()
    )
