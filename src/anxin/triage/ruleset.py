"""Load the rule files in ``rules/`` into compiled, checked objects.

``rules/protocols/<code>.toml`` holds one chief-complaint protocol each (how callers describe it, its
discriminators, its key questions); ``groups.toml`` the groups, cues and group thresholds; ``categories.toml``
the request categories. A rule names only known codes and known keys; anything else is a ``RulesetError``
naming the file and rule, so a reviewer's typo fails the tests instead of silently never firing.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from anxin.triage.codes import CATEGORIES, CHANNELS, COMPLAINTS, DISPOSITIONS, GROUPS, RED_FLAGS, URGENCIES
from anxin.triage.gate import GatedPattern, GateIndex
from anxin.triage.normalize import fold_dialect

RULES_DIR = Path(__file__).parent / "rules"
# The order rules are tried in, which breaks ties between equally urgent rules: the specific protocols first,
# the ones named after a sign that many complaints share (breathing, consciousness, bleeding) after them,
# then the catch-all and the mental-health protocol (whose imminent risk stays psych_support).
PROTOCOL_ORDER = (
    "arrest", "choking", "drowning", "electrocution", "poisoning", "inhalation", "allergy", "pregnancy",
    "newborn", "burns", "falls", "trauma", "assault", "animal_bite", "diabetic", "heat_cold", "eye", "stroke",
    "chest_pain", "heart", "convulsions", "headache", "fever", "vomiting_diarrhoea", "abdominal_pain",
    "back_pain", "chronic_disease", "breathing", "unconscious", "haemorrhage", "sick_person", "mental_health",
)  # fmt: skip
assert sorted(PROTOCOL_ORDER) == sorted(COMPLAINTS), "every protocol has its place in the order"
PROTOCOL_FILES = tuple(f"protocols/{code}.toml" for code in PROTOCOL_ORDER)
RULE_FILES = (*PROTOCOL_FILES, "groups.toml", "categories.toml")
_RULE_KEYS = frozenset(
    {
        "id", "flag", "urgency", "disposition", "category", "because", "because_en", "source", "patterns",
        "needs", "groups_any", "groups_none", "temperature_min", "spo2_max", "fever_days_gt", "channels",
        "categories", "preterm_only", "term_only", "complaint", "minor", "age_min", "age_max", "bp_min",
        "heart_rate_min", "heart_rate_max", "resp_rate_min", "glucose_max", "glucose_min", "unless",
        "of_the_past",
    }
)  # fmt: skip
_PROTOCOL_KEYS = frozenset(
    {"code", "label", "label_en", "category", "urgency", "disposition", "minor", "because", "because_en",
     "source", "recognise", "yields_to", "over_when_better", "or_temperature_min"}
)  # fmt: skip
_QUESTION_KEYS = frozenset({"id", "ask", "ask_en", "rule"})


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
    complaint: str | None = None  # the protocol the rule belongs to
    minor: bool = False  # a positive judgement that the problem is minor (policy §3): P4 may stand
    pattern: GatedPattern | None = None
    needs: tuple[str, ...] = ()
    groups_any: tuple[str, ...] = ()
    groups_none: tuple[str, ...] = ()
    temperature_min: float | None = None
    spo2_max: float | None = None
    fever_days_gt: float | None = None
    age_min: float | None = None
    age_max: float | None = None  # below this age (exclusive)
    bp_min: tuple[float, float] | None = None  # systolic or diastolic at or above
    heart_rate_min: float | None = None
    heart_rate_max: float | None = None
    resp_rate_min: float | None = None
    glucose_max: float | None = None  # below this (exclusive), mmol/L
    glucose_min: float | None = None
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # a modifier: applies only when the chosen category is one of these
    preterm_only: bool = False  # not when a pregnancy of 37 weeks or more is known
    term_only: bool = False  # not when a pregnancy under 37 weeks is known
    recognition: bool = False  # a protocol's default: fires when the protocol recognises the message
    # Rules that, when they fire, say this one's words mean something milder ("咳嗽时胸口疼" under 40).
    unless: tuple[str, ...] = ()
    of_the_past: bool = (
        False  # its words are about the past ("去年中过风…后遗症"): history does not set them aside
    )

    @cached_property
    def reading_limits(self) -> tuple[tuple[str, float, bool], ...]:
        """The reading limits this rule sets, as (reading, limit, at_least): most rules set none, and the hot
        path then skips the reading checks altogether."""
        limits = (
            ("temperature", self.temperature_min, True),
            ("spo2", self.spo2_max, False),
            ("heart_rate", self.heart_rate_min, True),
            ("heart_rate", self.heart_rate_max, False),
            ("resp_rate", self.resp_rate_min, True),
            ("glucose", self.glucose_min, True),
            ("glucose", self.glucose_max, False),
        )
        return tuple(limit for limit in limits if limit[1] is not None)

    @cached_property
    def readings_needed(self) -> frozenset[str]:
        """The readings (see ``Facts``) without which this rule cannot fire: a rule with no words but a
        temperature limit is skipped at once for a message with no temperature."""
        names = {name for name, _limit, _at_least in self.reading_limits}
        if self.fever_days_gt is not None:
            names.add("fever_days")
        if self.bp_min is not None:
            names.add("bp")
        return frozenset(names)

    @cached_property
    def sets_readings(self) -> bool:
        return bool(self.reading_limits) or self.fever_days_gt is not None or self.bp_min is not None

    @cached_property
    def sets_subject(self) -> bool:
        return bool(
            self.channels or self.groups_any or self.groups_none or self.preterm_only or self.term_only
        ) or (self.age_min is not None or self.age_max is not None)


@dataclass(frozen=True)
class Question:
    """A key question: a "yes" counts as the words of ``rule`` (its other conditions still apply)."""

    id: str
    ask: str
    ask_en: str
    rule: str
    complaint: str


@dataclass(frozen=True)
class Protocol:
    code: str
    label: str
    label_en: str
    category: str
    source: str
    recognise: GatedPattern | None
    default: Rule
    questions: tuple[Question, ...]
    # Protocols whose recognition makes this one's default moot (a headache in a cold is the cold's).
    yields_to: tuple[str, ...] = ()
    # A caller's "it has gone" (sick_person.better_now, policy §3) settles this protocol's mere recognition;
    # false where the protocol's own lowest level holds even when the person is well now (a shock, a bite).
    over_when_better: bool = False
    # a temperature this high, said or in the field, is recognised as this protocol even without its words
    or_temperature_min: float | None = None


@dataclass(frozen=True)
class Cue:
    pattern: GatedPattern
    or_temperature_min: float | None = None  # a reading this high counts as the cue (a fever is a symptom)
    # a reading outside its normal range counts as the cue: reading name → (lowest normal, highest normal)
    or_reading_outside: tuple[tuple[str, float, float], ...] = ()


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
    protocols: dict[str, Protocol] = field(default_factory=dict)

    @cached_property
    def general_rules(self) -> tuple[Rule, ...]:
        """Rules tried on every message (whose words it may hold)."""
        return tuple(rule for rule in self.rules if not rule.categories and not rule.recognition)

    @cached_property
    def general_rule_index(self) -> GateIndex:
        return GateIndex({position: rule.pattern for position, rule in enumerate(self.general_rules)})

    @cached_property
    def ungated_rules(self) -> tuple[tuple[int, frozenset[str]], ...]:
        """The general rules without words to gate them (thresholds, channels), with the readings each needs."""
        rules = self.general_rules
        return tuple(
            (position, rules[position].readings_needed) for position in sorted(self.general_rule_index.always)
        )

    @cached_property
    def recognition_index(self) -> GateIndex:
        return GateIndex({code: p.recognise for code, p in self.protocols.items() if p.recognise})

    @cached_property
    def temperature_protocols(self) -> tuple[tuple[str, float], ...]:
        return tuple(
            (code, p.or_temperature_min)
            for code, p in self.protocols.items()
            if p.or_temperature_min is not None
        )

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

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for protocol in self.protocols.values() for q in protocol.questions}

    @cached_property
    def questions_by_rule(self) -> dict[str, tuple[Question, ...]]:
        found: dict[str, list[Question]] = {}
        for question in self.questions.values():
            found.setdefault(question.rule, []).append(question)
        return {rule_id: tuple(qs) for rule_id, qs in found.items()}


def compile_patterns(patterns: list[str], where: str) -> GatedPattern | None:
    if not patterns:
        return None
    try:
        alternatives = tuple(f"(?:{fold_dialect(p)})" for p in patterns)
        return GatedPattern(re.compile("|".join(alternatives)), alternatives)
    except re.error as error:
        raise RulesetError(f"{where}: bad pattern: {error}") from error


# The readings a cue may count when outside their normal range (Facts fields, facts.py).
READINGS = ("bp_systolic", "bp_diastolic", "heart_rate", "resp_rate", "glucose", "spo2", "temperature")


def _known(value, allowed, what: str, where: str):
    if value not in allowed:
        raise RulesetError(f"{where}: unknown {what} {value!r}")
    return value


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    return None if value is None else float(value)


def _rule(data: dict, order: int, where: str, protocol: Protocol | None = None) -> Rule:
    """A rule; in a protocol's file it belongs to the protocol and takes its category (a P1: emergency)."""
    where = f"{where} rule {data.get('id', order)}"
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise RulesetError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "urgency", "disposition", "because", "because_en", "source"):
        if not data.get(key):
            raise RulesetError(f"{where}: missing {key}")
    bp_min = data.get("bp_min")
    if bp_min is not None and (not isinstance(bp_min, list) or len(bp_min) != 2):
        raise RulesetError(f"{where}: bp_min is [systolic, diastolic]")
    complaint = data.get("complaint", protocol.code if protocol else None)
    category = data.get("category")
    if category is None and protocol is not None:
        category = "emergency" if data["urgency"] == "P1" else protocol.category
    return Rule(
        id=data["id"],
        urgency=_known(data["urgency"], URGENCIES, "urgency", where),
        disposition=_known(data["disposition"], DISPOSITIONS, "disposition", where),
        because=data["because"],
        because_en=data["because_en"],
        source=data["source"],
        order=order,
        flag=data.get("flag") and _known(data["flag"], RED_FLAGS, "red flag", where),
        category=category and _known(category, CATEGORIES, "category", where),
        complaint=complaint and _known(complaint, COMPLAINTS, "complaint", where),
        minor=bool(data.get("minor", False)),
        pattern=compile_patterns(data.get("patterns", []), where),
        needs=tuple(data.get("needs", ())),
        groups_any=tuple(_known(g, GROUPS, "group", where) for g in data.get("groups_any", ())),
        groups_none=tuple(_known(g, GROUPS, "group", where) for g in data.get("groups_none", ())),
        temperature_min=_number(data, "temperature_min"),
        spo2_max=_number(data, "spo2_max"),
        fever_days_gt=_number(data, "fever_days_gt"),
        age_min=_number(data, "age_min"),
        age_max=_number(data, "age_max"),
        bp_min=tuple(float(v) for v in bp_min) if bp_min else None,
        heart_rate_min=_number(data, "heart_rate_min"),
        heart_rate_max=_number(data, "heart_rate_max"),
        resp_rate_min=_number(data, "resp_rate_min"),
        glucose_max=_number(data, "glucose_max"),
        glucose_min=_number(data, "glucose_min"),
        channels=tuple(_known(c, CHANNELS, "channel", where) for c in data.get("channels", ())),
        categories=tuple(_known(c, CATEGORIES, "category", where) for c in data.get("categories", ())),
        preterm_only=bool(data.get("preterm_only", False)),
        term_only=bool(data.get("term_only", False)),
        unless=tuple(data.get("unless", ())),
        of_the_past=bool(data.get("of_the_past", False)),
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


def _protocol(data: dict, questions: list[dict], order: int, name: str) -> Protocol:
    where = f"{name} protocol"
    unknown = set(data) - _PROTOCOL_KEYS
    if unknown:
        raise RulesetError(f"{where}: unknown keys {sorted(unknown)}")
    code = _known(data.get("code"), COMPLAINTS, "complaint", where)
    if name != f"protocols/{code}.toml":
        raise RulesetError(f"{where}: code {code!r} does not match the file name")
    default = Rule(
        id=f"{code}.recognised",
        urgency=_known(data.get("urgency", "P3"), URGENCIES, "urgency", where),
        disposition=_known(data.get("disposition", "doctor_callback"), DISPOSITIONS, "disposition", where),
        because=data["because"],
        because_en=data["because_en"],
        source=data["source"],
        order=order,
        category=_known(data.get("category", "medical_consult"), CATEGORIES, "category", where),
        complaint=code,
        minor=bool(data.get("minor", False)),
        recognition=True,
    )
    return Protocol(
        code=code,
        label=data["label"],
        label_en=data["label_en"],
        category=default.category or "medical_consult",
        source=data["source"],
        recognise=compile_patterns(data.get("recognise", []), where),
        default=default,
        questions=tuple(_question(q, code, name) for q in questions),
        yields_to=tuple(_known(c, COMPLAINTS, "complaint", where) for c in data.get("yields_to", ())),
        over_when_better=bool(data.get("over_when_better", False)),
        or_temperature_min=data.get("or_temperature_min"),
    )


def _question(data: dict, complaint: str, name: str) -> Question:
    where = f"{name} question {data.get('id')}"
    unknown = set(data) - _QUESTION_KEYS
    if unknown:
        raise RulesetError(f"{where}: unknown keys {sorted(unknown)}")
    for key in _QUESTION_KEYS:
        if not data.get(key):
            raise RulesetError(f"{where}: missing {key}")
    return Question(data["id"], data["ask"], data["ask_en"], data["rule"], complaint)


@dataclass
class _Parsed:
    rules: list[Rule] = field(default_factory=list)
    categories: list[CategoryCues] = field(default_factory=list)
    groups: dict[str, GatedPattern] = field(default_factory=dict)
    implied: list[tuple[GatedPattern, float]] = field(default_factory=list)
    cues: dict[str, Cue] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    protocols: dict[str, Protocol] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)

    def add(self, name: str, data: dict) -> None:
        self.versions.append(data.get("version", "?"))
        protocol = None
        if "protocol" in data:
            protocol = _protocol(data["protocol"], data.get("question", []), len(self.rules), name)
            self.protocols[protocol.code] = protocol
            self.rules.append(protocol.default)
        for entry in data.get("rule", []):
            self.rules.append(_rule(entry, len(self.rules), name, protocol))
        self.categories += [_category(entry, name) for entry in data.get("category", [])]
        for group, entry in data.get("groups", {}).items():
            self.groups[_known(group, GROUPS, "group", name)] = compile_patterns(
                entry["patterns"], f"{name} {group}"
            )
        for entry in data.get("implied_temperature", []):
            pattern = compile_patterns(entry["patterns"], f"{name} implied")
            self.implied.append((pattern, float(entry["value"])))
        for cue, entry in data.get("cues", {}).items():
            pattern = compile_patterns(entry["patterns"], f"{name} cue {cue}")
            outside = tuple(
                (_known(reading, READINGS, "reading", name), float(low), float(high))
                for reading, (low, high) in entry.get("or_reading_outside", {}).items()
            )
            self.cues[cue] = Cue(pattern, entry.get("or_temperature_min"), outside)
        for channel, entry in data.get("channels", {}).items():
            category = _known(entry["category"], CATEGORIES, "category", name)
            self.channels[_known(channel, CHANNELS, "channel", name)] = category


def parse_ruleset(documents: dict[str, str]) -> Ruleset:
    """``documents`` maps file name → TOML text, in the order rules are tried."""
    parsed = _Parsed()
    for name, text in documents.items():
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise RulesetError(f"{name}: {error}") from error
        parsed.add(name, data)
    _check_references(parsed)
    digest = hashlib.sha256("".join(documents.values()).encode()).hexdigest()[:8]
    return Ruleset(
        version=f"{max(parsed.versions)}+{digest}",
        rules=tuple(parsed.rules),
        categories=tuple(parsed.categories),
        group_patterns=parsed.groups,
        implied_temperatures=tuple(parsed.implied),
        cues=parsed.cues,
        channel_categories=parsed.channels,
        protocols=parsed.protocols,
    )


def _check_references(parsed: _Parsed) -> None:
    seen: set[str] = set()
    for rule in parsed.rules:
        if rule.id in seen:
            raise RulesetError(f"rule {rule.id}: id used twice")
        seen.add(rule.id)
        for cue in rule.needs:
            if cue not in parsed.cues:
                raise RulesetError(f"rule {rule.id}: needs unknown cue {cue!r}")
    for rule in parsed.rules:
        for other in rule.unless:
            if other not in seen:
                raise RulesetError(f"rule {rule.id}: unless names unknown rule {other!r}")
    asked: set[str] = set()
    for protocol in parsed.protocols.values():
        for question in protocol.questions:
            if question.id in asked:
                raise RulesetError(f"question {question.id}: id used twice")
            asked.add(question.id)
            if question.rule not in seen:
                raise RulesetError(f"question {question.id}: unknown rule {question.rule!r}")


def read_documents() -> dict[str, str]:
    return {name: (RULES_DIR / name).read_text(encoding="utf-8") for name in RULE_FILES}


@cache
def default_ruleset() -> Ruleset:
    return parse_ruleset(read_documents())
