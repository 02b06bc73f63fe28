"""triage(): what the caller said (and what the agent filled in) → category, urgency, disposition, red flags,
and the rules that decided it, each with the words or the field that triggered it.

Order of work: normalise the text; read facts (numbers, groups) from text and fields; fire every rule whose
conditions hold; score categories from their cues; the most urgent fired rule (or the category's default)
decides urgency and disposition. Ties go to the rule listed first in the rule files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from anxin.triage.codes import RED_FLAGS, urgency_rank
from anxin.triage.context import Polarity, polarity
from anxin.triage.facts import READERS, Evidence, Facts, Reading
from anxin.triage.gate import GatedPattern
from anxin.triage.normalize import normalise
from anxin.triage.ruleset import CategoryCues, Rule, Ruleset, default_ruleset

_CHRONIC = (
    "hypertension",
    "diabetes",
    "copd",
    "heart_disease",
    "ckd_dialysis",
    "cancer_chemo",
    "immunosuppressed",
)
_HIGH_RISK = ("elderly_60", "chronic", "pregnant", "child_under_3")
# A group implies the wider ones (in this order, so the chain carries through).
_WIDER_GROUPS = (
    ("infant_under_3m", "child_under_3"),
    ("infant_3_6m", "child_under_3"),
    ("child_under_3", "child_under_5"),
    ("child_under_5", "child"),
    ("elderly_80", "elderly_60"),
)
_TERM_WEEKS = 37
_CHANNEL_BONUS = 2  # a psychological hotline's ambiguous call is a psychological one
_MAX_QUOTES = 5


@dataclass(frozen=True)
class TriageInput:
    text: str
    age: float | None = None
    sex: str | None = None
    temperature_c: float | None = None
    spo2: float | None = None
    pregnancy_weeks: float | None = None
    conditions: tuple[str, ...] = ()
    channel: str | None = None


class Hit(NamedTuple):
    rule: Rule
    evidence: tuple[Evidence, ...]


class Ignored(NamedTuple):
    rule_id: str
    reason: Polarity
    evidence: Evidence


@dataclass(frozen=True)
class Decision:
    category: str
    urgency: str
    disposition: str
    red_flags: tuple[str, ...]
    decided_by: str  # the rule id, or "category.<code>" when no rule was more urgent than the default
    hits: tuple[Hit, ...]
    cue_category: str  # the category its cue words point to (the decisive rule may name another)
    category_evidence: tuple[Evidence, ...]
    ignored: tuple[Ignored, ...]
    ruleset_version: str

    def explanation(self, *, english: bool = False) -> list[dict]:
        """Each rule that fired (most urgent first) with its trigger, the category's cues, then what was read
        but set aside (negated, past, hypothetical)."""
        items = [
            {
                "rule": hit.rule.id,
                "urgency": hit.rule.urgency,
                "disposition": hit.rule.disposition,
                **({"red_flag": hit.rule.flag} if hit.rule.flag else {}),
                "because": hit.rule.because_en if english else hit.rule.because,
                "decisive": hit.rule.id == self.decided_by,
                "evidence": [e.as_dict() for e in hit.evidence],
            }
            for hit in self.hits
        ]
        items.append(
            {
                "rule": f"category.{self.cue_category}",
                "category": self.cue_category,
                "decisive": self.decided_by == f"category.{self.cue_category}",
                "evidence": [e.as_dict() for e in self.category_evidence],
            }
        )
        items += [
            {"rule": item.rule_id, "ignored": str(item.reason), "evidence": [item.evidence.as_dict()]}
            for item in self.ignored
        ]
        return items

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "urgency": self.urgency,
            "disposition": self.disposition,
            "red_flags": list(self.red_flags),
            "explanation": self.explanation(),
        }


@dataclass
class _Reading:
    """Per-message scratch state: facts plus cached cue lookups."""

    facts: Facts
    ruleset: Ruleset
    cue_hits: dict[str, Evidence | None] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)

    def present_matches(
        self, pattern: GatedPattern, rule_id: str | None = None, limit: int = 1
    ) -> list[Evidence]:
        text = self.facts.text
        # The common case, a pattern that cannot match, is decided in C: by the characters it needs, then a search.
        required = pattern.required
        if required is not None and required.isdisjoint(self.facts.chars):
            return []
        if pattern.regex.search(text) is None:
            return []
        found: list[Evidence] = []
        for match in pattern.regex.finditer(text):
            where = polarity(text, match.start(), match.end())
            evidence = self.facts.text_evidence(match.start(), match.end())
            if where is Polarity.PRESENT:
                found.append(evidence)
                if len(found) >= limit:
                    break
            elif rule_id:
                self.ignored.append(Ignored(rule_id, where, evidence))
        return found

    def cue(self, name: str) -> Evidence | None:
        if name not in self.cue_hits:
            cue = self.ruleset.cues[name]
            found = self.present_matches(cue.pattern)
            if not found and cue.or_temperature_min is not None:
                found = [r.evidence for r in self.facts.temperature if r.value >= cue.or_temperature_min]
            self.cue_hits[name] = found[0] if found else None
        return self.cue_hits[name]


def gather_facts(inp: TriageInput, ruleset: Ruleset) -> _Reading:
    facts = Facts(text=normalise(inp.text), original=inp.text, channel=inp.channel)
    for read in READERS:
        read(facts)
    reading = _Reading(facts, ruleset)
    for pattern, value in ruleset.implied_temperatures:
        for evidence in reading.present_matches(pattern):
            facts.temperature.append(Reading(value, evidence))
    _add_fields(facts, inp)
    candidates = ruleset.group_index.candidates(facts.chars)
    for group, pattern in ruleset.group_patterns.items():
        if group not in candidates:
            continue
        found = reading.present_matches(pattern)
        if found:
            facts.add_group(group, found[0])
    _derive_groups(facts)
    return reading


def _field(name: str, value) -> Evidence:
    return Evidence("field", quote=value, field=name)


def _add_fields(facts: Facts, inp: TriageInput) -> None:
    readings_for = {
        "temperature_c": facts.temperature,
        "spo2": facts.spo2,
        "age": facts.age,
        "pregnancy_weeks": facts.pregnancy_weeks,
    }
    for name, readings in readings_for.items():
        value = getattr(inp, name)
        if value is not None:
            readings.append(Reading(float(value), _field(name, value)))
    for condition in inp.conditions:
        facts.add_group(condition, _field("conditions", condition))


def _derive_groups(facts: Facts) -> None:
    for reading in facts.age:
        for group in _age_groups(reading.value):
            facts.add_group(group, reading.evidence)
    for reading in facts.pregnancy_weeks:
        if reading.value > 0:
            facts.add_group("pregnant", reading.evidence)
    for narrow, wide in _WIDER_GROUPS:
        if narrow in facts.groups:
            facts.add_group(wide, facts.groups[narrow])
    for condition in _CHRONIC:
        if condition in facts.groups:
            facts.add_group("chronic", facts.groups[condition])
    for group in _HIGH_RISK:
        if group in facts.groups:
            facts.add_group("high_risk", facts.groups[group])


def _age_groups(age: float) -> list[str]:
    groups = []
    if age < 0.25:
        groups.append("infant_under_3m")
    elif age < 0.5:
        groups.append("infant_3_6m")
    if age < 3:
        groups.append("child_under_3")
    if age < 5:
        groups.append("child_under_5")
    if age < 14:
        groups.append("child")
    if age >= 60:
        groups.append("elderly_60")
    if age >= 80:
        groups.append("elderly_80")
    return groups


def _fire(rule: Rule, reading: _Reading) -> Hit | None:
    pattern = rule.pattern
    required = pattern.required if pattern is not None else None
    if required is not None and required.isdisjoint(reading.facts.chars):
        return None  # the text lacks every character its words need: the cheapest way out, tried first
    facts = reading.facts
    evidence: list[Evidence] = []
    if rule.channels:
        if facts.channel not in rule.channels:
            return None
        evidence.append(_field("channel", facts.channel))
    if rule.groups_any:
        group = next((g for g in rule.groups_any if g in facts.groups), None)
        if group is None:
            return None
        evidence.append(facts.groups[group])
    if rule.temperature_min is not None:
        hottest = facts.extreme("temperature")
        if hottest is None or hottest.value < rule.temperature_min:
            return None
        evidence.append(hottest.evidence)
    if rule.spo2_max is not None:
        lowest = facts.extreme("spo2")
        if lowest is None or lowest.value > rule.spo2_max:
            return None
        evidence.append(lowest.evidence)
    if rule.fever_days_gt is not None:
        longest = facts.extreme("fever_days")
        if longest is None or longest.value <= rule.fever_days_gt:
            return None
        evidence.append(longest.evidence)
    if rule.preterm_only and any(r.value >= _TERM_WEEKS for r in facts.pregnancy_weeks):
        return None
    for cue in rule.needs:
        found = reading.cue(cue)
        if found is None:
            return None
        evidence.append(found)
    if pattern is not None:
        found = reading.present_matches(pattern, rule.id)
        if not found:
            return None
        evidence += found
    return Hit(rule, tuple(dict.fromkeys(evidence)))


def _score_categories(reading: _Reading) -> tuple[CategoryCues | None, tuple[Evidence, ...]]:
    """The category whose cue words score highest. Topic words count whatever their polarity: "没有呼吸困难"
    is still a medical question."""
    text, chars = reading.facts.text, reading.facts.chars
    scores: dict[int, int] = {}
    for position, kind in reading.ruleset.category_index.candidates(chars):
        category = reading.ruleset.categories[position]
        found = len(getattr(category, kind).regex.findall(text))
        if found:
            weight = category.strong_weight if kind == "strong" else 1
            scores[position] = scores.get(position, 0) + weight * found
    channel_category = reading.ruleset.channel_categories.get(reading.facts.channel or "")
    best, best_score = None, 0
    for position, category in enumerate(reading.ruleset.categories):  # in file order: ties go to the first
        score = scores.get(position, 0)
        if score and category.code == channel_category:
            score += _CHANNEL_BONUS
        if score > best_score:
            best, best_score = category, score
    if best is None:
        return None, ()
    matches = [m for p in (best.strong, best.cues) if p is not None for m in p.regex.finditer(text)]
    return best, tuple(reading.facts.text_evidence(*m.span()) for m in matches[:_MAX_QUOTES])


def _category_by_code(ruleset: Ruleset, code: str) -> CategoryCues:
    return next(c for c in ruleset.categories if c.code == code)


def triage(inp: TriageInput, ruleset: Ruleset | None = None) -> Decision:
    ruleset = ruleset or default_ruleset()
    reading = gather_facts(inp, ruleset)
    general = ruleset.general_rules
    candidates = sorted(ruleset.general_rule_index.candidates(reading.facts.chars))
    hits = [hit for position in candidates if (hit := _fire(general[position], reading))]
    cue_category, category_evidence = _score_categories(reading)
    if cue_category is None:
        fallback = ruleset.channel_categories.get(inp.channel or "", "other")
        cue_category = _category_by_code(ruleset, fallback)
    hits += [
        hit
        for rule in ruleset.modifiers
        if cue_category.code in rule.categories and (hit := _fire(rule, reading))
    ]
    hits.sort(key=lambda hit: (urgency_rank(hit.rule.urgency), hit.rule.order))
    winner = (
        hits[0].rule
        if hits and urgency_rank(hits[0].rule.urgency) <= urgency_rank(cue_category.urgency)
        else None
    )
    flags = {hit.rule.flag for hit in hits if hit.rule.flag}
    return Decision(
        category=(winner.category if winner and winner.category else cue_category.code),
        urgency=winner.urgency if winner else cue_category.urgency,
        disposition=winner.disposition if winner else cue_category.disposition,
        red_flags=tuple(flag for flag in RED_FLAGS if flag in flags),
        decided_by=winner.id if winner else f"category.{cue_category.code}",
        hits=tuple(hits),
        cue_category=cue_category.code,
        category_evidence=category_evidence,
        ignored=tuple(reading.ignored),
        ruleset_version=ruleset.version,
    )
