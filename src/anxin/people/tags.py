"""Key-population tags derived from a resident's facts. Pure: tests call it without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from anxin.core.i18n import gettext_noop
from anxin.people.identity import age_on

# Labels are msgids; Resident.tag_labels translates them where they are shown.
TAG_LABELS: dict[str, str] = {
    "age_60": gettext_noop("60岁以上"),
    "age_80": gettext_noop("80岁以上"),
    "child_under_3": gettext_noop("3岁以下儿童"),
    "lives_alone": gettext_noop("独居"),
    "pregnant": gettext_noop("孕产妇"),
    "chronic": gettext_noop("慢性病"),
    "dialysis": gettext_noop("血液透析"),
    "chemo": gettext_noop("放化疗"),
    "disabled": gettext_noop("失能/行动不便"),
    "discharged": gettext_noop("出院患者"),
    "quarantine_home": gettext_noop("居家隔离"),
    "quarantine_central": gettext_noop("集中隔离"),
    "confirmed": gettext_noop("确诊"),
}

CONDITION_LABELS: dict[str, str] = {
    "hypertension": gettext_noop("高血压"),
    "diabetes": gettext_noop("糖尿病"),
    "copd": gettext_noop("慢阻肺"),
    "heart_disease": gettext_noop("心脏病"),
    "ckd": gettext_noop("慢性肾病"),
    "cancer": gettext_noop("肿瘤"),
    "immunosuppressed": gettext_noop("免疫抑制"),
    "stroke": gettext_noop("脑卒中"),
    "mental_illness": gettext_noop("严重精神障碍"),
}

DISCHARGE_FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class ResidentFacts:
    birth_date: date
    lives_alone: bool = False
    pregnant_due_date: date | None = None
    chronic_conditions: tuple[str, ...] = field(default_factory=tuple)
    on_dialysis: bool = False
    on_chemo: bool = False
    disabled: bool = False
    discharged_on: date | None = None
    quarantine_status: str = ""
    quarantine_until: date | None = None


def derive_tags(facts: ResidentFacts, today: date) -> list[str]:
    """Tag codes in the order of TAG_LABELS."""
    age = age_on(facts.birth_date, today)
    found = {
        "age_60": age >= 60,
        "age_80": age >= 80,
        "child_under_3": age < 3,
        "lives_alone": facts.lives_alone,
        "pregnant": facts.pregnant_due_date is not None and facts.pregnant_due_date >= today,
        "chronic": bool(facts.chronic_conditions),
        "dialysis": facts.on_dialysis,
        "chemo": facts.on_chemo,
        "disabled": facts.disabled,
        "discharged": facts.discharged_on is not None
        and 0 <= (today - facts.discharged_on).days <= DISCHARGE_FOLLOW_UP_DAYS,
    }
    quarantine_active = facts.quarantine_until is None or facts.quarantine_until >= today
    for status in ("quarantine_home", "quarantine_central", "confirmed"):
        found[status] = facts.quarantine_status == status and quarantine_active
    return [code for code in TAG_LABELS if found.get(code)]
