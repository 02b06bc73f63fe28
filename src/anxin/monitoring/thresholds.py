"""Readings against rules/thresholds.toml: physical ranges (a value outside is refused) and the thresholds
that make a reading abnormal or critical, by group. Pure: tests call it without a database."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.people.identity import age_on

RULES_FILE = Path(__file__).parent / "rules" / "thresholds.toml"
NORMAL, ABNORMAL, CRITICAL = "", "abnormal", "critical"
LEVELS = (CRITICAL, ABNORMAL)  # most severe first
NUMERIC = ("temperature_c", "spo2", "respiratory_rate")
# Whole numbers on every device and in every protocol; temperature keeps one decimal.
WHOLE = frozenset({"spo2", "respiratory_rate"})
MEASURES = (*NUMERIC, "symptoms", "psych_concern")
# What puts a resident in a group; thresholds name groups in groups_any / groups_none.
GROUPS = (
    "infant_under_2m",
    "infant_under_3m",
    "infant_2_12m",
    "child_1_5",
    "child_under_5",
    "child_5_14",
    "adult",
    "elderly_60",
    "pregnant",
    "copd",
    "chronic",
)


@dataclass(frozen=True)
class Reading:
    temperature_c: float | None = None
    spo2: float | None = None
    respiratory_rate: float | None = None
    symptoms: tuple[str, ...] = field(default_factory=tuple)
    psych_concern: bool = False

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in NUMERIC) and not self.symptoms


@dataclass(frozen=True)
class Threshold:
    code: str
    level: str
    measure: str
    at_least: float | None = None
    at_most: float | None = None
    any_of: frozenset[str] = frozenset()
    groups_any: frozenset[str] = frozenset()
    groups_none: frozenset[str] = frozenset()

    def fires(self, reading: Reading, groups: frozenset[str]) -> bool:
        if self.groups_any and not self.groups_any & groups:
            return False
        if self.groups_none & groups:
            return False
        if self.measure == "symptoms":
            return bool(self.any_of & set(reading.symptoms))
        if self.measure == "psych_concern":
            return reading.psych_concern
        value = getattr(reading, self.measure)
        if value is None:
            return False
        if self.at_least is not None and value < self.at_least:
            return False
        return self.at_most is None or value <= self.at_most


@dataclass(frozen=True)
class ThresholdRules:
    version: str
    ranges: dict[str, tuple[float, float]]
    symptoms: tuple[str, ...]
    red_symptoms: frozenset[str]
    thresholds: tuple[Threshold, ...]


@dataclass(frozen=True)
class Assessment:
    level: str  # NORMAL, ABNORMAL or CRITICAL
    rule_codes: tuple[str, ...]  # the thresholds that fired, the most severe first
    version: str

    @property
    def outside(self) -> bool:
        return self.level != NORMAL


def _check_threshold(spec: dict, symptoms: tuple[str, ...]) -> Threshold:
    code = str(spec["code"])
    if spec.get("level") not in LEVELS:
        raise ValueError(f"threshold {code} has an unknown level {spec.get('level')!r}")
    measure = spec.get("measure")
    if measure not in MEASURES:
        raise ValueError(f"threshold {code} has an unknown measure {measure!r}")
    if measure in NUMERIC and spec.get("at_least") is None and spec.get("at_most") is None:
        raise ValueError(f"threshold {code} needs at_least or at_most")
    any_of = frozenset(spec.get("any_of", ()))
    if measure == "symptoms" and (not any_of or not any_of <= set(symptoms)):
        raise ValueError(f"threshold {code} names unknown symptoms: {sorted(any_of - set(symptoms))}")
    groups_any, groups_none = frozenset(spec.get("groups_any", ())), frozenset(spec.get("groups_none", ()))
    unknown = (groups_any | groups_none) - set(GROUPS)
    if unknown:
        raise ValueError(f"threshold {code} names unknown groups: {sorted(unknown)}")
    return Threshold(
        code=code,
        level=spec["level"],
        measure=measure,
        at_least=spec.get("at_least"),
        at_most=spec.get("at_most"),
        any_of=any_of,
        groups_any=groups_any,
        groups_none=groups_none,
    )


def parse_threshold_rules(text: str) -> ThresholdRules:
    data = tomllib.loads(text)
    ranges = {name: (float(low), float(high)) for name, (low, high) in data["ranges"].items()}
    if set(ranges) != set(NUMERIC):
        raise ValueError(f"ranges must cover exactly {NUMERIC}")
    symptoms = tuple(str(s["code"]) for s in data.get("symptom", []))
    red = frozenset(str(s["code"]) for s in data.get("symptom", []) if s.get("red"))
    thresholds = tuple(_check_threshold(spec, symptoms) for spec in data["threshold"])
    codes = [t.code for t in thresholds]
    if len(set(codes)) != len(codes) or len(set(symptoms)) != len(symptoms):
        raise ValueError("threshold rules repeat a code")
    return ThresholdRules(str(data["version"]), ranges, symptoms, red, thresholds)


@cache
def threshold_rules() -> ThresholdRules:
    return parse_threshold_rules(RULES_FILE.read_text(encoding="utf-8"))


def groups_for(
    *, birth_date: date, today: date, tags: Iterable[str] = (), conditions: Iterable[str] = ()
) -> frozenset[str]:
    """The groups thresholds are set by: age bands (days for infants), pregnancy, COPD, chronic disease."""
    days = (today - birth_date).days
    years = age_on(birth_date, today)
    tags, conditions = set(tags), set(conditions)
    found = {
        "infant_under_2m": days < 61,
        "infant_under_3m": days < 91,
        "infant_2_12m": days >= 61 and years < 1,
        "child_1_5": 1 <= years < 5,
        "child_under_5": years < 5,
        "child_5_14": 5 <= years < 14,
        "adult": years >= 14,
        "elderly_60": years >= 60,
        "pregnant": "pregnant" in tags,
        "copd": "copd" in conditions,
        "chronic": "chronic" in tags,
    }
    return frozenset(name for name, holds in found.items() if holds)


def checked_reading(reading: Reading, rules: ThresholdRules | None = None) -> Reading:
    """The reading with numbers normalised, or InvalidInput naming the first value that cannot be real."""
    rules = rules or threshold_rules()
    values: dict[str, float | None] = {}
    for name in NUMERIC:
        value = getattr(reading, name)
        if value is None:
            values[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(gettext("必须是数字"), field=name)
        low, high = rules.ranges[name]
        if not low <= value <= high:
            raise InvalidInput(
                gettext("超出可能的范围：应在 %(low)s 到 %(high)s 之间")
                % {"low": _show(low), "high": _show(high)},
                field=name,
            )
        if name in WHOLE:
            if value != int(value):
                raise InvalidInput(gettext("应为整数"), field=name)
            values[name] = int(value)
        else:
            values[name] = round(float(value), 1)
    symptoms = tuple(dict.fromkeys(reading.symptoms))
    unknown = [code for code in symptoms if code not in rules.symptoms]
    if unknown:
        raise InvalidInput(
            gettext("未知的症状代码：%(codes)s") % {"codes": ", ".join(unknown)}, field="symptoms"
        )
    return Reading(**values, symptoms=symptoms, psych_concern=bool(reading.psych_concern))


def _show(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def assess(reading: Reading, groups: Iterable[str], rules: ThresholdRules | None = None) -> Assessment:
    """Which thresholds a (checked) reading crosses for a resident in these groups, and the worst level."""
    rules = rules or threshold_rules()
    held = frozenset(groups)
    fired = [t for t in rules.thresholds if t.fires(reading, held)]
    if not fired:
        return Assessment(NORMAL, (), rules.version)
    fired.sort(key=lambda t: LEVELS.index(t.level))  # stable: file order within a level
    return Assessment(fired[0].level, tuple(t.code for t in fired), rules.version)
