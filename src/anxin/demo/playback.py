"""Plays planned demo cases through anxin.hotline.services, the one write path, then dates them back.

Services stamp each step with the real time. After a case's steps have run, the timestamps stamped during
each step are moved to that step's planned time with queryset updates: acceptable for demo history, and
the only place the demo does it. Cases whose SLA clock ran out get their breach recorded by the service the
SLA task uses, at the moment it ran out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from anxin.demo.cases import Plan, Step
from anxin.hotline import services
from anxin.hotline.models import Callback, Case, CaseEvent, ClinicianAlert, Disposition, Line

CASE_TIMES = ("dispatched_at", "resolved_at", "closed_at", "return_visit_at", "sla_met_at")
# Where a scenario's codes differ from the engine's proposal, the demo agent overrode it; the override
# report then has rows to show. Alerts for P1 cases older than this were acknowledged by the clinician.
OVERRIDE_REASON = "结合来电人补充的情况改判（演示数据）"
ALERT_ACKNOWLEDGED_AFTER = timedelta(minutes=3)
OPEN_ALERT_WINDOW = timedelta(hours=1)


def write_cases(plans: list[Plan], lines: dict[str, Line]) -> list[Case]:
    player = Player(lines)
    cases = [player.play(plan) for plan in plans]
    CaseEvent.objects.bulk_update(player.moved_events, ["at"], batch_size=500)
    for case in cases:
        player.record_breach(case)
    _acknowledge_past_alerts(cases)
    return cases


def _acknowledge_past_alerts(cases: list[Case]) -> None:
    cutoff = timezone.now() - OPEN_ALERT_WINDOW
    ClinicianAlert.objects.filter(case__in=cases, acknowledged_at__isnull=True, created_at__lt=cutoff).update(
        acknowledged_at=F("created_at") + ALERT_ACKNOWLEDGED_AFTER
    )


class Player:
    def __init__(self, lines: dict[str, Line]) -> None:
        self.lines = lines
        self.started = timezone.now()
        self.moved_events: list[CaseEvent] = []

    def play(self, plan: Plan) -> Case:
        sc, caller = plan.scenario, plan.caller
        case = services.case_open(
            by=plan.owner,
            line=self.lines[plan.line_code],
            summary=plan.summary,
            category=sc.category,
            urgency=sc.urgency,
            disposition=sc.disposition,
            channel=plan.channel,
            caller_phone=caller.phone,
            caller_name=caller.name,
            caller_resident=caller.resident,
            subject_resident=caller.subject,
            subject_note=caller.subject_note,
            place=caller.place,
            dispatched=sc.disposition == Disposition.CALL_120,
            close_now=sc.disposition == Disposition.ANSWER_CLOSED,
            override_reason=OVERRIDE_REASON,
            now=plan.opened_at,
        )
        intervals: list[tuple[datetime, datetime, datetime]] = []
        callback_id = None
        for step in plan.steps:
            before = timezone.now()
            callback_id = self._step(case, step, callback_id)
            intervals.append((before, timezone.now(), step.at))
        self._backdate(case, intervals)
        return case

    def _step(self, case: Case, step: Step, callback_id: int | None) -> int | None:
        d, by = step.data, step.actor
        common = {"case": case, "version": case.version, "by": by}
        if step.kind == "note":
            services.case_add_note(**common, note=d["note"])
        elif step.kind == "callback":
            callback = services.case_schedule_callback(
                **common,
                due_at=step.at + timedelta(minutes=d["due"]),
                note=d["note"],
                kind=d["kind"],
                assignee_role=d["role"],
                assigned_to=d["assigned_to"],
                now=step.at,
            )
            return callback.pk
        elif step.kind == "complete":
            services.case_complete_callback(**common, callback_id=callback_id, outcome=d["outcome"])
        elif step.kind == "transfer":
            services.case_transfer(
                **common, note=d["note"], to_line=d.get("to_line"), to_place=d.get("to_place")
            )
        elif step.kind == "accept":
            services.case_accept(**common)
        elif step.kind == "dispatch":
            services.case_dispatch(**common, target=d["target"], note=d["note"])
        elif step.kind == "resolve":
            services.case_resolve(**common, resolution=d["resolution"])
        elif step.kind == "return_visit":
            services.case_record_return_visit(**common, satisfaction=d["satisfaction"], note=d["note"])
        elif step.kind == "close":
            services.case_close(**common, note="")
        elif step.kind == "reopen":
            services.case_reopen(**common, reason=d["reason"])
        return callback_id

    def _backdate(self, case: Case, intervals: list[tuple[datetime, datetime, datetime]]) -> None:
        """Move the timestamps the services stamped during each step to that step's planned time."""
        if not intervals:
            return

        def moved(moment: datetime | None) -> datetime | None:
            if moment is None or moment < self.started:
                return moment
            for low, high, planned in intervals:
                if low <= moment <= high:
                    return planned
            return moment

        Case.objects.filter(pk=case.pk).update(**{f: moved(getattr(case, f)) for f in CASE_TIMES})
        for event in CaseEvent.objects.filter(case=case, at__gte=self.started):
            event.at = moved(event.at)
            self.moved_events.append(event)
        for callback in Callback.objects.filter(case=case):
            Callback.objects.filter(pk=callback.pk).update(
                created_at=moved(callback.created_at), done_at=moved(callback.done_at)
            )

    def record_breach(self, case: Case) -> None:
        """An active case whose clock ran out in the past gets its breach at that moment, as the worker would."""
        case.refresh_from_db(fields=["status", "sla_met_at", "sla_breached_at", "sla_due_at"])
        if case.sla_met_at or case.sla_breached_at or case.status == Case.Status.CLOSED:
            return
        breach_at = case.sla_due_at + timedelta(minutes=1)
        if breach_at < timezone.now():
            services.case_mark_sla_breach(case_id=case.pk, now=breach_at)
