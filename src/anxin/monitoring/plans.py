"""Monitoring plans (rules/plans.toml): which plan a resident follows and when each check falls due. Pure:
tests call it without a database."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).parent / "rules" / "plans.toml"
MEASURES = ("temperature", "spo2", "respiratory_rate")
METHODS = ("phone", "visit")
DUTIES = ("family_doctor", "grid_worker")  # places.PlaceDuty.Duty
RISK_LEVELS = ("high", "medium", "low")  # people.risk
# Date facts of a resident a schedule may count days from (people.tags.ResidentFacts).
ANCHORS = ("discharged_on",)
DEFAULT_TIME = "09:00"


@dataclass(frozen=True)
class Schedule:
    every_days: int | None = None
    per_day: int | None = None
    after: str | None = None
    days: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        if self.every_days is not None:
            return "every_days"
        if self.per_day is not None:
            return "per_day"
        return "after"


@dataclass(frozen=True)
class Plan:
    code: str
    risk_any: frozenset[str]
    tags_any: frozenset[str]
    tags_none: frozenset[str]
    schedule: Schedule
    times: tuple[int, ...]  # due times of day, minutes after local midnight
    measures: tuple[str, ...]
    methods: tuple[str, ...]
    workers: tuple[str, ...]
    psych_check: bool = False

    def applies(self, risk_level: str, tags: frozenset[str]) -> bool:
        if self.risk_any and risk_level not in self.risk_any:
            return False
        if self.tags_any and not self.tags_any & tags:
            return False
        return not self.tags_none & tags

    def due_minute(self, slot: int) -> int:
        return self.times[min(slot, len(self.times) - 1)]


@dataclass(frozen=True)
class PlanRules:
    version: str
    plans: tuple[Plan, ...]

    def get(self, code: str) -> Plan | None:
        return next((plan for plan in self.plans if plan.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(plan.code for plan in self.plans)


def _minutes(text: str) -> int:
    hours, _, minutes = str(text).partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value < 24 * 60:
        raise ValueError(f"not a time of day: {text}")
    return value


def _subset(values: Iterable[str], known: tuple[str, ...], what: str, code: str) -> tuple[str, ...]:
    values = tuple(values)
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"plan {code} names unknown {what}: {unknown}")
    return values


def _schedule(spec: dict, code: str) -> Schedule:
    kinds = [key for key in ("every_days", "per_day", "after") if key in spec]
    if len(kinds) != 1:
        raise ValueError(f"plan {code} needs exactly one of every_days, per_day, after")
    if "every_days" in spec:
        every = int(spec["every_days"])
        if every < 1:
            raise ValueError(f"plan {code}: every_days must be 1 or more")
        return Schedule(every_days=every)
    if "per_day" in spec:
        per_day = int(spec["per_day"])
        if per_day < 1:
            raise ValueError(f"plan {code}: per_day must be 1 or more")
        return Schedule(per_day=per_day)
    days = tuple(sorted(int(d) for d in spec.get("days", ())))
    if spec["after"] not in ANCHORS or not days or days[0] < 0:
        raise ValueError(f"plan {code}: after names a date fact ({', '.join(ANCHORS)}) and days >= 0")
    return Schedule(after=str(spec["after"]), days=days)


def parse_plan_rules(text: str) -> PlanRules:
    data = tomllib.loads(text)
    plans = []
    for spec in data["plan"]:
        code = str(spec["code"])
        when = spec.get("when", {})
        unknown_keys = set(when) - {"risk_any", "tags_any", "tags_none"}
        if unknown_keys or not when:
            raise ValueError(f"plan {code}: `when` needs risk_any, tags_any or tags_none ({unknown_keys})")
        schedule = _schedule(spec["schedule"], code)
        times = tuple(_minutes(t) for t in spec.get("times", [DEFAULT_TIME]))
        if schedule.per_day and len(times) != schedule.per_day:
            raise ValueError(f"plan {code}: per_day = {schedule.per_day} needs as many times")
        plans.append(
            Plan(
                code=code,
                risk_any=frozenset(_subset(when.get("risk_any", ()), RISK_LEVELS, "risk levels", code)),
                tags_any=frozenset(when.get("tags_any", ())),
                tags_none=frozenset(when.get("tags_none", ())),
                schedule=schedule,
                times=tuple(sorted(times)),
                measures=_subset(spec.get("measures", ()), MEASURES, "measures", code),
                methods=_subset(spec.get("methods", ("phone",)), METHODS, "methods", code),
                workers=_subset(spec.get("workers", DUTIES), DUTIES, "duties", code),
                psych_check=bool(spec.get("psych_check", False)),
            )
        )
    codes = [plan.code for plan in plans]
    if len(set(codes)) != len(codes):
        raise ValueError("plan rules repeat a code")
    return PlanRules(str(data["version"]), tuple(plans))


@cache
def plan_rules() -> PlanRules:
    return parse_plan_rules(RULES_FILE.read_text(encoding="utf-8"))


def plan_for(risk_level: str, tags: Iterable[str], rules: PlanRules | None = None) -> Plan | None:
    """The first plan whose conditions hold, or None (the resident is not monitored)."""
    held = frozenset(tags)
    return next((plan for plan in (rules or plan_rules()).plans if plan.applies(risk_level, held)), None)


# --- when checks fall due ---


def first_due(plan: Plan, *, today: date, anchor: date | None) -> date | None:
    """The first check of a new enrolment: today, or for a schedule counted from a date the first of its days
    not yet past. None: nothing left to do (the plan does not apply)."""
    if plan.schedule.kind != "after":
        return today
    if anchor is None:
        return None
    return next((d for d in (anchor + timedelta(days=n) for n in plan.schedule.days) if d >= today), None)


@dataclass(frozen=True)
class Due:
    on: date | None  # None: the schedule is complete, the enrolment ends
    slot: int  # which of the plan's times of day is next
    done_on: date | None
    done_count: int  # reached checks on ``done_on``


def due_after_check(
    plan: Plan,
    *,
    checked_on: date,
    anchor: date | None,
    done_on: date | None,
    done_count: int,
) -> Due:
    """When the next check falls due after a check that reached the resident on ``checked_on``.

    ``done_on``/``done_count``: the reached checks counted so far on a day (for plans with several a day).
    Checks missed on earlier days are not owed twice: the next one counts from the day of this one.
    """
    count = done_count + 1 if done_on == checked_on else 1
    schedule = plan.schedule
    if schedule.kind == "per_day":
        if count < (schedule.per_day or 1):
            return Due(checked_on, count, checked_on, count)
        return Due(checked_on + timedelta(days=1), 0, checked_on, count)
    if schedule.kind == "every_days":
        return Due(checked_on + timedelta(days=schedule.every_days or 1), 0, checked_on, count)
    following = [anchor + timedelta(days=n) for n in schedule.days] if anchor else []
    return Due(next((d for d in following if d > checked_on), None), 0, checked_on, count)
