"""Load the rule files in ``rules/`` into compiled, checked objects.

A rule names only known codes and known keys; anything else is a ``RulesetError`` naming the file and rule, so
a reviewer's typo fails the tests instead of silently never firing.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from anxin.triage.codes import CATEGORIES, CHANNELS, DISPOSITIONS, GROUPS, RED_FLAGS, URGENCIES
from anxin.triage.gate import GatedPattern, GateIndex

RULES_DIR = Path(__file__).parent / "rules"
RULE_FILES = ("red_flags.toml", "groups.toml", "categories.toml")
_RULE_KEYS = frozenset(
    {
        "id", "flag", "urgency", "disposition", "category", "because", "because_en", "source", "patterns",
        "needs", "groups_any", "temperature_min", "spo2_max", "fever_days_gt", "channels", "categories",
        "preterm_only",
    }
)  # fmt: skip


class RulesetError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    urgency: str
    disposition: str
    because: str
    because_en: str
    source: str
    order: int
    flag: str | None = None
    category: str | None = None
    pattern: GatedPattern | None = None
    needs: tuple[str, ...] = ()
    groups_any: tuple[str, ...] = ()
    temperature_min: float | None = None
    spo2_max: float | None = None
    fever_days_gt: float | None = None
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # a modifier: applies only when the chosen category is one of these
    preterm_only: bool = False  # not when a pregnancy of 37 weeks or more is known


@dataclass(frozen=True)
class Cue:
    pattern: GatedPattern
    or_temperature_min: float | None = None  # a reading this high counts as the cue (a fever is a symptom)


@dataclass(frozen=True)
class CategoryCues:
    code: str
    urgency: str
    disposition: str
    because: str
    because_en: str
    strong: GatedPattern | None
    cues: GatedPattern | None
    strong_weight: int


@dataclass(frozen=True, eq=False)
class Ruleset:
    version: str
    rules: tuple[Rule, ...]
    categories: tuple[CategoryCues, ...]
    group_patterns: dict[str, GatedPattern]
    implied_temperatures: tuple[tuple[GatedPattern, float], ...]
    cues: dict[str, Cue]
    channel_categories: dict[str, str] = field(default_factory=dict)

    @cached_property
    def general_rules(self) -> tuple[Rule, ...]:
        """Rules tried on every message (whose words it may hold)."""
        return tuple(rule for rule in self.rules if not rule.categories)

    @cached_property
    def general_rule_index(self) -> GateIndex:
        return GateIndex({position: rule.pattern for position, rule in enumerate(self.general_rules)})

    @cached_property
    def group_index(self) -> GateIndex:
        return GateIndex(dict(self.group_patterns))

    @cached_property
    def category_index(self) -> GateIndex:
        return GateIndex(
            {(position, kind): getattr(category, kind) for position, category in enumerate(self.categories)
             for kind in ("strong", "cues") if getattr(category, kind) is not None}
        )  # fmt: skip

    @cached_property
    def modifiers(self) -> tuple[Rule, ...]:
        """Rules tried only once the category is known (they name the categories they apply to)."""
        return tuple(rule for rule in self.rules if rule.categories)


def compile_patterns(patterns: list[str], where: str) -> GatedPattern | None:
    if not patterns:
        return None
    try:
        return GatedPattern(re.compile("|".join(f"(?:{p})" for p in patterns)))
    except re.error as error:
        raise RulesetError(f"{where}: bad pattern: {error}") from error


def _known(value, allowed, what: str, where: str):
    if value not in allowed:
        raise RulesetError(f"{where}: unknown {what} {value!r}")
    return value


def _rule(data: dict, order: int, where: str) -> Rule:
    where = f"{where} rule {data.get('id', order)}"
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise RulesetError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "urgency", "disposition", "because", "because_en", "source"):
        if not data.get(key):
            raise RulesetError(f"{where}: missing {key}")
    return Rule(
        id=data["id"],
        urgency=_known(data["urgency"], URGENCIES, "urgency", where),
        disposition=_known(data["disposition"], DISPOSITIONS, "disposition", where),
        because=data["because"],
        because_en=data["because_en"],
        source=data["source"],
        order=order,
        flag=data.get("flag") and _known(data["flag"], RED_FLAGS, "red flag", where),
        category=data.get("category") and _known(data["category"], CATEGORIES, "category", where),
        pattern=compile_patterns(data.get("patterns", []), where),
        needs=tuple(data.get("needs", ())),
        groups_any=tuple(_known(g, GROUPS, "group", where) for g in data.get("groups_any", ())),
        temperature_min=data.get("temperature_min"),
        spo2_max=data.get("spo2_max"),
        fever_days_gt=data.get("fever_days_gt"),
        channels=tuple(_known(c, CHANNELS, "channel", where) for c in data.get("channels", ())),
        categories=tuple(_known(c, CATEGORIES, "category", where) for c in data.get("categories", ())),
        preterm_only=bool(data.get("preterm_only", False)),
    )


def _category(data: dict, where: str) -> CategoryCues:
    where = f"{where} category {data.get('code')}"
    return CategoryCues(
        code=_known(data["code"], CATEGORIES, "category", where),
        urgency=_known(data["urgency"], URGENCIES, "urgency", where),
        disposition=_known(data["disposition"], DISPOSITIONS, "disposition", where),
        because=data["because"],
        because_en=data["because_en"],
        strong=compile_patterns(data.get("strong", []), where),
        cues=compile_patterns(data.get("cues", []), where),
        strong_weight=int(data.get("strong_weight", 3)),
    )


def parse_ruleset(documents: dict[str, str]) -> Ruleset:
    """``documents`` maps file name → TOML text, in the order rules are tried."""
    rules: list[Rule] = []
    categories: list[CategoryCues] = []
    groups: dict[str, GatedPattern] = {}
    implied: list[tuple[GatedPattern, float]] = []
    cues: dict[str, Cue] = {}
    channels: dict[str, str] = {}
    versions = []
    for name, text in documents.items():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise RulesetError(f"{name}: {error}") from error
        versions.append(data.get("version", "?"))
        for entry in data.get("rule", []):
            rules.append(_rule(entry, len(rules), name))
        categories += [_category(entry, name) for entry in data.get("category", [])]
        for group, entry in data.get("groups", {}).items():
            groups[_known(group, GROUPS, "group", name)] = compile_patterns(
                entry["patterns"], f"{name} {group}"
            )
        for entry in data.get("implied_temperature", []):
            implied.append((compile_patterns(entry["patterns"], f"{name} implied"), float(entry["value"])))
        for cue, entry in data.get("cues", {}).items():
            cues[cue] = Cue(
                compile_patterns(entry["patterns"], f"{name} cue {cue}"), entry.get("or_temperature_min")
            )
        for channel, entry in data.get("channels", {}).items():
            channels[_known(channel, CHANNELS, "channel", name)] = _known(
                entry["category"], CATEGORIES, "category", name
            )
    _check_references(rules, cues)
    digest = hashlib.sha256("".join(documents.values()).encode()).hexdigest()[:8]
    return Ruleset(
        version=f"{max(versions)}+{digest}",
        rules=tuple(rules),
        categories=tuple(categories),
        group_patterns=groups,
        implied_temperatures=tuple(implied),
        cues=cues,
        channel_categories=channels,
    )


def _check_references(rules: list[Rule], cues: dict[str, Cue]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesetError(f"rule {rule.id}: id used twice")
        seen.add(rule.id)
        for cue in rule.needs:
            if cue not in cues:
                raise RulesetError(f"rule {rule.id}: needs unknown cue {cue!r}")


@cache
def default_ruleset() -> Ruleset:
    return parse_ruleset({name: (RULES_DIR / name).read_text(encoding="utf-8") for name in RULE_FILES})
