"""triage(): what the caller said (and what the agent filled in) → category, urgency, disposition, red flags,
the chief complaint, and every reason, each with the words, the field or the answer that triggered it.

Order of work: normalise the text; read facts (numbers, groups, answers) from text and fields; fire every rule
whose conditions hold (protocol discriminators, group thresholds) and recognise the protocols the words
describe; score categories from their cues; the most urgent hit (or the category's default) decides, ties
going to the rule listed first; then the safe default (policy §1.4) and the learned safety net may raise the
proposal, never lower it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anxin.triage.codes import urgency_rank
from anxin.triage.context import Polarity, polarity, someone_elses_care
from anxin.triage.decision import Decision, Hit, Ignored
from anxin.triage.evidence import Evidence, Reading
from anxin.triage.facts import READERS, Facts
from anxin.triage.gate import GatedPattern
from anxin.triage.normalize import normalise
from anxin.triage.outcome import settle
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
_CHRONIC_AND_DISABLED = frozenset((*_CHRONIC, "disabled"))
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
_CATCH_ALL = "sick_person"  # the protocol of a health problem no other protocol fits
# Requests a minor symptom leaves in place when asked for in so many words (a strong cue: "帮忙买点菜", not "切菜");
# medicines, tests and vaccines for a mild illness are part of the answer to it (policy §3), not another request.
_OTHER_REQUESTS = frozenset({"supplies", "policy", "report_clue", "complaint"})


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
    answers: tuple[tuple[str, bool], ...] = ()  # key questions answered: (question id, yes)


@dataclass
class _Reading:
    """Per-message scratch state: facts plus cached cue lookups."""

    facts: Facts
    ruleset: Ruleset
    cue_hits: dict[str, Evidence | None] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)
    answered: dict[str, Evidence] = field(
        default_factory=dict
    )  # rule id → the "yes" that stands for its words
    # The best-scoring request that is not about health (supplies, a test, a policy question), if any: what a
    # minor symptom said beside it leaves in place (policy §1.6).
    other_request: CategoryCues | None = None

    def present_matches(
        self, pattern: GatedPattern, rule_id: str | None = None, limit: int = 1, *, past_counts: bool = False
    ) -> list[Evidence]:
        text = self.facts.text
        # The common case, a pattern that cannot match, is decided in C: by the characters it needs, then a search.
        regex = pattern.narrow(self.facts.chars)
        if regex is None or regex.search(text) is None:
            return []
        found: list[Evidence] = []
        for match in regex.finditer(text):
            where = polarity(text, match.start(), match.end())
            evidence = self.facts.text_evidence(match.start(), match.end())
            if where is Polarity.PRESENT or (past_counts and where is Polarity.HISTORY):
                found.append(evidence)
                if len(found) >= limit:
                    break
            elif rule_id:
                self.ignored.append(Ignored(rule_id, where, evidence))
        return found

    def temperatures_from(self, limit: float) -> list[Evidence]:
        """The temperature readings (said or in the field) at or above ``limit``."""
        return [r.evidence for r in self.facts.temperature if r.value >= limit]

    def cue(self, name: str) -> Evidence | None:
        if name not in self.cue_hits:
            cue = self.ruleset.cues[name]
            found = self.present_matches(cue.pattern)
            if not found and cue.or_temperature_min is not None:
                found = self.temperatures_from(cue.or_temperature_min)
            if not found:
                found = [
                    r.evidence
                    for name, low, high in cue.or_reading_outside
                    for r in getattr(self.facts, name)
                    if not low <= r.value <= high
                ]
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
    _add_answers(reading, inp)
    candidates = ruleset.group_index.candidates(facts.chars)
    for group, pattern in ruleset.group_patterns.items():
        if group not in candidates:
            continue
        # A chronic condition is told in the past ("去年心梗放过支架"): it still makes the person high-risk.
        found = reading.present_matches(pattern, past_counts=group in _CHRONIC_AND_DISABLED)
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


def _add_answers(reading: _Reading, inp: TriageInput) -> None:
    questions = reading.ruleset.questions
    for question_id, yes in inp.answers:
        question = questions.get(question_id)
        if yes and question is not None:
            reading.answered.setdefault(question.rule, Evidence("answer", question.ask, field=question_id))


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


def _threshold(facts: Facts, name: str, limit: float | None, *, at_least: bool) -> Evidence | None | bool:
    """The evidence for a reading at or above (or, ``at_least=False``, at or below) ``limit``; True when the
    rule sets no such limit; None when it sets one that no reading meets."""
    if limit is None:
        return True
    reading = facts.extreme(name, lowest=not at_least)
    if reading is None or (reading.value < limit if at_least else reading.value > limit):
        return None
    return reading.evidence


def _readings_hold(rule: Rule, facts: Facts, evidence: list[Evidence]) -> bool:
    if not rule.sets_readings:
        return True
    for name, limit, at_least in rule.reading_limits:
        found = _threshold(facts, name, limit, at_least=at_least)
        if found is None:
            return False
        if found is not True:
            evidence.append(found)
    if rule.fever_days_gt is not None:
        longest = facts.extreme("fever_days")
        if longest is None or longest.value <= rule.fever_days_gt:
            return False
        evidence.append(longest.evidence)
    if rule.bp_min is not None:
        systolic = _threshold(facts, "bp_systolic", rule.bp_min[0], at_least=True)
        diastolic = _threshold(facts, "bp_diastolic", rule.bp_min[1], at_least=True)
        found = systolic or diastolic
        if found is None:
            return False
        evidence.append(found)
    return True


def _subject_holds(rule: Rule, facts: Facts, evidence: list[Evidence]) -> bool:
    if not rule.sets_subject:
        return True
    if rule.channels:
        if facts.channel not in rule.channels:
            return False
        evidence.append(_field("channel", facts.channel))
    if rule.groups_any:
        group = next((g for g in rule.groups_any if g in facts.groups), None)
        if group is None:
            return False
        evidence.append(facts.groups[group])
    if any(g in facts.groups for g in rule.groups_none):
        return False
    if rule.age_min is not None or rule.age_max is not None:
        ages = [r for r in facts.age if _in_age(r.value, rule)]
        if not ages:
            return False
        evidence.append(ages[0].evidence)
    weeks = facts.pregnancy_weeks
    if rule.preterm_only and any(r.value >= _TERM_WEEKS for r in weeks):
        return False
    return not (rule.term_only and any(r.value < _TERM_WEEKS for r in weeks))


def _in_age(age: float, rule: Rule) -> bool:
    return (rule.age_min is None or age >= rule.age_min) and (rule.age_max is None or age < rule.age_max)


def _fire(rule: Rule, reading: _Reading) -> Hit | None:
    pattern = rule.pattern
    answer = reading.answered.get(rule.id)
    facts = reading.facts
    if pattern is not None and answer is None:
        # Cheapest ways out first: the text lacks a character the words need, or (in C) the words themselves.
        regex = pattern.narrow(facts.chars)
        if regex is None or regex.search(facts.text) is None:
            return None
    evidence: list[Evidence] = []
    if not _subject_holds(rule, facts, evidence) or not _readings_hold(rule, facts, evidence):
        return None
    for cue in rule.needs:
        found = reading.cue(cue)
        if found is None:
            return None
        evidence.append(found)
    if pattern is not None:
        found = reading.present_matches(pattern, rule.id, past_counts=rule.of_the_past)
        if not found and answer is None:
            return None
        evidence += found or [answer]
    return Hit(rule, tuple(dict.fromkeys(evidence)))


def _recognise(reading: _Reading) -> list[Hit]:
    """A protocol's default for each protocol whose lay descriptions the message holds (of now)."""
    ruleset = reading.ruleset
    hits = {}
    for code in ruleset.recognition_index.candidates(reading.facts.chars):
        protocol = ruleset.protocols[code]
        found = reading.present_matches(protocol.recognise)
        if found:
            hits[code] = Hit(protocol.default, tuple(found))
    for code, limit in ruleset.temperature_protocols:
        if code not in hits and (found := reading.temperatures_from(limit)):
            hits[code] = Hit(ruleset.protocols[code].default, tuple(found))
    return [
        hit for code, hit in hits.items() if not any(c in hits for c in ruleset.protocols[code].yields_to)
    ]


def _without_someone_elses_care(text: str) -> str:
    for start, end in someone_elses_care(text):
        text = text[:start] + "|" * (end - start) + text[end:]
    return text


def score_categories(reading: _Reading) -> tuple[CategoryCues | None, tuple[Evidence, ...], bool]:
    """The category whose cue words score highest, its evidence, and whether a strong cue counted. Topic words
    count whatever their polarity: "没有呼吸困难" is still a medical question."""
    text, chars = _without_someone_elses_care(reading.facts.text), reading.facts.chars
    scores: dict[int, int] = {}
    strong: set[int] = set()
    for position, kind in reading.ruleset.category_index.candidates(chars):
        category = reading.ruleset.categories[position]
        regex = getattr(category, kind).narrow(chars)
        found = len(regex.findall(text)) if regex is not None else 0
        if found:
            weight = category.strong_weight if kind == "strong" else 1
            scores[position] = scores.get(position, 0) + weight * found
            if kind == "strong":
                strong.add(position)
    channel_category = reading.ruleset.channel_categories.get(reading.facts.channel or "")
    best, best_position, best_score, other_score = None, -1, 0, 0
    for position, category in enumerate(reading.ruleset.categories):  # in file order: ties go to the first
        score = scores.get(position, 0)
        if score and category.code == channel_category:
            score += _CHANNEL_BONUS
        if score > best_score:
            best, best_position, best_score = category, position, score
        if category.code in _OTHER_REQUESTS and position in strong and score > other_score:
            reading.other_request, other_score = category, score
    if best is None:
        return None, (), False
    regexes = [p.narrow(chars) for p in (best.strong, best.cues) if p is not None]
    matches = [m for regex in regexes if regex is not None for m in regex.finditer(text)]
    evidence = tuple(reading.facts.text_evidence(*m.span()) for m in matches[:_MAX_QUOTES])
    return best, evidence, best_position in strong


def category_by_code(ruleset: Ruleset, code: str) -> CategoryCues:
    return next(c for c in ruleset.categories if c.code == code)


def fire_rules(reading: _Reading) -> tuple[list[Hit], CategoryCues, tuple[Evidence, ...], bool]:
    ruleset = reading.ruleset
    general = ruleset.general_rules
    facts = reading.facts
    candidates = ruleset.general_rule_index.candidates(facts.chars, always=False)
    readings = facts.readings_present()
    candidates.update(position for position, needed in ruleset.ungated_rules if needed <= readings)
    candidates = sorted(candidates)
    if reading.answered:
        answered = {pos for pos, rule in enumerate(general) if rule.id in reading.answered}
        candidates = sorted(set(candidates) | answered)
    hits = [hit for position in candidates if (hit := _fire(general[position], reading))]
    hits += _recognise(reading)
    cue_category, category_evidence, strong = score_categories(reading)
    if cue_category is None:
        fallback = ruleset.channel_categories.get(reading.facts.channel or "", "other")
        cue_category = category_by_code(ruleset, fallback)
    hits += [
        hit
        for rule in ruleset.modifiers
        if cue_category.code in rule.categories and (hit := _fire(rule, reading))
    ]
    fired = {hit.rule.id for hit in hits}
    minor = {hit.rule.complaint for hit in hits if hit.rule.minor and not hit.rule.recognition}
    _set_aside_outweighed(reading, [hit for hit in hits if fired.intersection(hit.rule.unless)])
    hits = [
        hit
        for hit in hits
        if not fired.intersection(hit.rule.unless)
        # a protocol's own rule that judged it minor says more than the protocol's mere recognition, and a
        # minor bruise or sting is what the catch-all's "疼" or "肿了" was about
        and not (
            hit.rule.recognition
            and (
                hit.rule.complaint in minor
                or (_CATCH_ALL in minor and _over_when_better(ruleset, hit.rule.complaint))
                or (minor and hit.rule.complaint == _CATCH_ALL)
            )
        )
    ]
    hits.sort(key=lambda hit: (urgency_rank(hit.rule.urgency), hit.rule.order))
    return hits, cue_category, category_evidence, strong


def _over_when_better(ruleset: Ruleset, complaint: str | None) -> bool:
    """ "现在全好了" settles this protocol's recognition (policy §3, better now)."""
    protocol = ruleset.protocols.get(complaint or "")
    return protocol is not None and protocol.over_when_better


def _set_aside_outweighed(reading: _Reading, outweighed: list[Hit]) -> None:
    """The words of a rule that a milder one outweighed were judged by the rules, as negated words are: the
    safety net reads the rest ("流了很多血，现在按住止住了" is not read as heavy bleeding again)."""
    for hit in outweighed:
        for evidence in hit.evidence:
            if evidence.source == "text":
                reading.ignored.append(Ignored(hit.rule.id, Polarity.OUTWEIGHED, evidence))


def triage_by_rules(inp: TriageInput, ruleset: Ruleset | None = None) -> Decision:
    """The rules' proposal, with the safe default: what the engine says without its learned safety net."""
    ruleset = ruleset or default_ruleset()
    reading = gather_facts(inp, ruleset)
    hits, cue_category, category_evidence, strong = fire_rules(reading)
    return settle(
        reading,
        hits,
        cue_category,
        category_evidence,
        strong_category=strong,
        answers=inp.answers,
    )


def triage(inp: TriageInput, ruleset: Ruleset | None = None, *, safety_net=None) -> Decision:
    """The proposal. ``safety_net`` is the learned model that may raise it (``anxin.triage.safety_net``);
    ``None`` uses the process's default (absent when disabled), ``False`` runs the rules alone."""
    decision = triage_by_rules(inp, ruleset)
    if safety_net is False:
        return decision
    if safety_net is None:
        from anxin.triage.safety_net import default_safety_net  # numpy and the model load only when used

        safety_net = default_safety_net()
        if safety_net is None:
            return decision
    return safety_net.review(inp, decision)
