"""Key-population tags: derived from a resident's facts by the rules in rules/tags.toml, plus tags set by
hand. Pure: tests call it without a database."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from anxin.core.i18n import gettext_noop
from anxin.people.identity import age_on

RULES_FILE = Path(__file__).parent / "rules" / "tags.toml"

# Labels are msgids; Resident.tag_labels translates them where they are shown. Derived tags first, in the
# order of the rule file, then the tags set by hand.
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
    "mental_health": gettext_noop("心理关注"),
    "low_income": gettext_noop("低保/困难"),
    "left_behind": gettext_noop("留守"),
    "needs_medicine": gettext_noop("需代购药品"),
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
    manual_tags: tuple[str, ...] = field(default_factory=tuple)


Test = Callable[[ResidentFacts, date], bool]


@dataclass(frozen=True)
class TagRules:
    version: str
    derived: tuple[tuple[str, Test], ...]
    manual: tuple[str, ...]


def _test(spec: dict) -> Test:
    """One tag test from its table in the rule file."""
    if "age_at_least" in spec:
        years = int(spec["age_at_least"])
        return lambda f, today: age_on(f.birth_date, today) >= years
    if "age_below" in spec:
        years = int(spec["age_below"])
        return lambda f, today: age_on(f.birth_date, today) < years
    if "flag" in spec:
        name = _fact_name(spec["flag"])
        return lambda f, today: bool(getattr(f, name))
    if "not_empty" in spec:
        name = _fact_name(spec["not_empty"])
        return lambda f, today: bool(getattr(f, name))
    if "date_not_past" in spec:
        name = _fact_name(spec["date_not_past"])
        return lambda f, today: getattr(f, name) is not None and getattr(f, name) >= today
    if "days_since" in spec:
        name, days = _fact_name(spec["days_since"]), int(spec["at_most"])
        return lambda f, today: getattr(f, name) is not None and 0 <= (today - getattr(f, name)).days <= days
    if "status" in spec:
        status = str(spec["status"])
        return lambda f, today: (
            f.quarantine_status == status and (f.quarantine_until is None or f.quarantine_until >= today)
        )
    raise ValueError(f"unknown tag test: {sorted(spec)}")


def _fact_name(name: str) -> str:
    if name not in ResidentFacts.__dataclass_fields__:
        raise ValueError(f"tag rule names an unknown fact: {name}")
    return name


def parse_tag_rules(text: str) -> TagRules:
    data = tomllib.loads(text)
    derived = tuple((str(r["code"]), _test(r["when"])) for r in data.get("derived", []))
    manual = tuple(str(r["code"]) for r in data.get("manual", []))
    codes = [code for code, _ in derived] + list(manual)
    if len(set(codes)) != len(codes):
        raise ValueError("tag rules repeat a code")
    return TagRules(str(data["version"]), derived, manual)


@cache
def tag_rules() -> TagRules:
    return parse_tag_rules(RULES_FILE.read_text(encoding="utf-8"))


def manual_tag_codes() -> tuple[str, ...]:
    return tag_rules().manual


def derive_tags(facts: ResidentFacts, today: date, rules: TagRules | None = None) -> list[str]:
    """Tag codes: the derived ones that hold today in rule order, then the hand-set ones in rule order."""
    rules = rules or tag_rules()
    found = [code for code, test in rules.derived if test(facts, today)]
    return found + [code for code in rules.manual if code in facts.manual_tags]


def unknown_manual_tags(codes: Iterable[str]) -> list[str]:
    allowed = set(manual_tag_codes())
    return [code for code in codes if code not in allowed]
