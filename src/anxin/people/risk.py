"""A resident's risk level (high, medium, low) from its tags, by the rules in rules/risk.toml. Pure."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).parent / "rules" / "risk.toml"
HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class RiskRule:
    code: str
    level: str
    any_tags: frozenset[str]
    all_tags: frozenset[str]

    def fires(self, tags: frozenset[str]) -> bool:
        if self.any_tags and not self.any_tags & tags:
            return False
        return self.all_tags <= tags


@dataclass(frozen=True)
class RiskRules:
    version: str
    levels: tuple[str, ...]  # most severe first
    rules: tuple[RiskRule, ...]


@dataclass(frozen=True)
class Risk:
    level: str
    rule_codes: tuple[str, ...]  # the rules that fired, the deciding ones first
    version: str


def parse_risk_rules(text: str) -> RiskRules:
    data = tomllib.loads(text)
    levels = tuple(data["levels"])
    if set(levels) != {HIGH, MEDIUM, LOW}:
        raise ValueError(f"risk levels must be high, medium and low: {levels}")
    rules = []
    for spec in data["rule"]:
        if spec["level"] not in levels:
            raise ValueError(f"risk rule {spec['code']} has an unknown level {spec['level']}")
        any_tags, all_tags = frozenset(spec.get("any_tags", ())), frozenset(spec.get("all_tags", ()))
        if not (any_tags or all_tags):
            raise ValueError(f"risk rule {spec['code']} names no tags")
        rules.append(RiskRule(str(spec["code"]), spec["level"], any_tags, all_tags))
    return RiskRules(str(data["version"]), levels, tuple(rules))


@cache
def risk_rules() -> RiskRules:
    return parse_risk_rules(RULES_FILE.read_text(encoding="utf-8"))


def assess_risk(tags: Iterable[str], rules: RiskRules | None = None) -> Risk:
    rules = rules or risk_rules()
    held = frozenset(tags)
    fired = [rule for rule in rules.rules if rule.fires(held)]
    if not fired:
        return Risk(LOW, (), rules.version)
    order = {level: rank for rank, level in enumerate(rules.levels)}
    fired.sort(key=lambda rule: order[rule.level])  # stable: rule-file order within a level
    return Risk(fired[0].level, tuple(rule.code for rule in fired), rules.version)
