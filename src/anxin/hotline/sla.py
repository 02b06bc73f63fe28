"""SLA clocks, read from rules/sla.toml. Pure: no Django, so tests call it directly."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from anxin.core.i18n import gettext

RULES_FILE = Path(__file__).parent / "rules" / "sla.toml"
MILESTONES = frozenset({"dispatched", "clinician_callback", "resolved", "closed"})


@dataclass(frozen=True)
class SlaRule:
    urgency: str
    label: str
    minutes: int
    met_by: frozenset[str]

    @property
    def display_label(self) -> str:
        """The label in the active language; its msgid is listed in hotline/sla_labels.py."""
        return gettext(self.label)


@dataclass(frozen=True)
class SlaRules:
    version: str
    clinician_roles: frozenset[str]
    by_urgency: dict[str, SlaRule]

    def rule(self, urgency: str) -> SlaRule:
        return self.by_urgency[urgency]


def parse_sla_rules(text: str) -> SlaRules:
    data = tomllib.loads(text)
    rules = {}
    for urgency, spec in data["urgency"].items():
        met_by = frozenset(spec["met_by"])
        unknown = met_by - MILESTONES
        if unknown:
            raise ValueError(f"SLA rule {urgency} names unknown milestones: {sorted(unknown)}")
        if int(spec["minutes"]) < 0:
            raise ValueError(f"SLA rule {urgency} has negative minutes")
        rules[urgency] = SlaRule(urgency, spec["label"], int(spec["minutes"]), met_by)
    return SlaRules(str(data["version"]), frozenset(data.get("clinician_roles", [])), rules)


@cache
def sla_rules() -> SlaRules:
    return parse_sla_rules(RULES_FILE.read_text(encoding="utf-8"))


def sla_due_at(urgency: str, opened_at: datetime, rules: SlaRules | None = None) -> datetime:
    rule = (rules or sla_rules()).rule(urgency)
    return opened_at + timedelta(minutes=rule.minutes)


def sla_met_by(urgency: str, milestone: str, rules: SlaRules | None = None) -> bool:
    return milestone in (rules or sla_rules()).rule(urgency).met_by


@dataclass(frozen=True)
class SlaState:
    due_at: datetime
    met_at: datetime | None
    overdue: bool
    seconds_left: int  # negative once overdue


def sla_state(*, due_at: datetime, met_at: datetime | None, closed: bool, now: datetime) -> SlaState:
    """Overdue means the clock ran out with its milestone unmet and the case still open."""
    left = int((due_at - now).total_seconds())
    overdue = met_at is None and not closed and left < 0
    return SlaState(due_at=due_at, met_at=met_at, overdue=overdue, seconds_left=left)
