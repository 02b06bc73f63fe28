"""From the rules that fired to one proposal: the most urgent hit decides (or the category's default), a P1 of
a medical rule is an emergency, and the safe default holds (policy §1.4–1.5): a message about health that no
rule judged minor is never answered and closed, nor sent to a volunteer or a department, and a word that is
not about health never decides its category."""

from __future__ import annotations

from anxin.triage.codes import RED_FLAGS, urgency_rank
from anxin.triage.decision import Decision, Hit, Raise
from anxin.triage.ruleset import CategoryCues

NON_MEDICAL_DISPOSITIONS = frozenset({"answer_closed", "volunteer_errand", "department_dispatch"})
# Categories a health message may keep when the safe default raises it; others become medical_consult.
HEALTH_CATEGORIES = frozenset({"medical_consult", "care_navigation", "psych_support"})
NON_MEDICAL_CATEGORIES = frozenset({"supplies", "policy", "report_clue", "complaint", "suggestion", "other"})
SAFE_DEFAULT = "safe_default"
# A speech act about the service itself (policy §6): words of a condition inside it are its topic, not a call.
PROPOSALS = frozenset({"suggestion"})
SAFE_URGENCY, SAFE_DISPOSITION = "P3", "doctor_callback"
HOME_VISIT = "home_visit"
# What someone who cannot leave home is offered instead at P3 (policy §5): the clinician comes to them.
_HOME_VISIT_REPLACES = frozenset({"doctor_callback", "fever_clinic", "appointment"})
_HEALTH_CUES = ("health",)

_UNRECOGNISED = (
    "未能识别这一情况：消息描述了症状、受伤或身处困境，但没有对应的分诊规则；不能当场办结，至少由医生24小时内回电",
    "The engine did not recognise this: the message describes a symptom, an injury or distress, but no triage "
    "rule covers it; it is not closed at first contact, a clinician calls back within 24 hours",
)
_NOT_MINOR = (
    "消息涉及健康问题，没有规则判断其为轻症：不能当场办结或转非医疗处置，至少由医生24小时内回电",
    "The message is about a health problem and no rule judged it minor: not closed at first contact nor sent "
    "to a non-medical service; a clinician calls back within 24 hours",
)


def ends_without_care(urgency: str, disposition: str) -> bool:
    """Answered and closed at first contact, or sent within 24 hours to a service that is not medical: what the
    safe default and the safety net raise for a health message. A hazard rule's P2 department_dispatch (a gas
    leak with no one ill) is neither, and is never lowered to P3."""
    return urgency == "P4" or (disposition in NON_MEDICAL_DISPOSITIONS and urgency == "P3")


def health_evidence(reading, hits: list[Hit]):
    """Why the message is about health (a clinical rule fired, or its words describe a symptom, an injury or
    distress), or None."""
    for hit in hits:
        if hit.rule.complaint or hit.rule.flag:
            return hit.evidence[0] if hit.evidence else True
    for cue in _HEALTH_CUES:
        found = reading.cue(cue)
        if found is not None:
            return found
    return None


def settle(
    reading,
    hits: list[Hit],
    cue_category: CategoryCues,
    category_evidence: tuple,
    *,
    strong_category: bool,
    answers: tuple[tuple[str, bool], ...] = (),
) -> Decision:
    health = health_evidence(reading, hits)
    minor = any(hit.rule.minor for hit in hits)
    if health is not None and cue_category.code in NON_MEDICAL_CATEGORIES and not strong_category:
        # A meal or a car said in passing does not make a message about a symptom a supply request.
        cue_category = next(c for c in reading.ruleset.categories if c.code == "medical_consult")
        category_evidence = ()
    top = hits[0].rule if hits else None
    other = reading.other_request
    if top is not None and top.minor and other is not None and cue_category.code in HEALTH_CATEGORIES:
        # A minor symptom beside another request (policy §1.6): the request is what the caller needs.
        cue_category, category_evidence = other, ()
    winner = top if top and _beats(top, cue_category) else None
    proposal = strong_category and cue_category.code in PROPOSALS and _only_recognised(reading, hits)
    if proposal:
        winner = None  # "建议给孕妈开个讲座": a suggestion that names a condition is still a suggestion
    complaint = next((hit.rule.complaint for hit in hits if hit.rule.complaint), None)
    if complaint is None and health is not None:
        complaint = "sick_person"
    category = _category(winner, hits, cue_category)
    urgency = winner.urgency if winner else cue_category.urgency
    disposition = winner.disposition if winner else cue_category.disposition
    decided_by = winner.id if winner else f"category.{cue_category.code}"
    raised: tuple[Raise, ...] = ()
    if health is not None and not minor and not proposal and ends_without_care(urgency, disposition):
        raised = (_safe_default(hits, health),)
        urgency, disposition, decided_by = SAFE_URGENCY, SAFE_DISPOSITION, SAFE_DEFAULT
        if category not in HEALTH_CATEGORIES:
            category = "medical_consult"
    home_visit = _home_visit(hits, urgency, disposition)
    if home_visit is not None:
        disposition, decided_by = HOME_VISIT, home_visit.rule.id
    flags = {hit.rule.flag for hit in hits if hit.rule.flag}
    return Decision(
        category=category,
        urgency=urgency,
        disposition=disposition,
        red_flags=tuple(flag for flag in RED_FLAGS if flag in flags),
        complaint=complaint,
        decided_by=decided_by,
        hits=tuple(hits),
        cue_category=cue_category.code,
        category_evidence=category_evidence,
        ignored=tuple(reading.ignored),
        ruleset_version=reading.ruleset.version,
        raised=raised,
        health=health is not None,
        minor=minor,
        answers=answers,
    )


def _only_recognised(reading, hits: list[Hit]) -> bool:
    """Nothing but protocols recognised by their words: no discriminator, flag or group rule fired."""
    protocols = reading.ruleset.protocols
    return all(
        hit.rule.minor
        or (hit.rule.complaint in protocols and hit.rule is protocols[hit.rule.complaint].default)
        for hit in hits
    )


def _safe_default(hits: list[Hit], health) -> Raise:
    recognised = any(hit.rule.complaint for hit in hits)
    because, because_en = _NOT_MINOR if recognised else _UNRECOGNISED
    evidence = (health,) if health is not True else ()
    return Raise(SAFE_DEFAULT, SAFE_URGENCY, SAFE_DISPOSITION, because, because_en, evidence)


def _home_visit(hits: list[Hit], urgency: str, disposition: str) -> Hit | None:
    """The home-visit rule that fired, when the proposal is a P3 service the person would have to go out for."""
    if urgency != "P3" or disposition not in _HOME_VISIT_REPLACES:
        return None
    return next(
        (hit for hit in hits if hit.rule.disposition == HOME_VISIT and hit.rule.urgency == "P3"), None
    )


def _beats(rule, cue_category: CategoryCues) -> bool:
    """A rule decides when it is at least as urgent as the category's default; a rule that only judged the
    problem minor leaves an equally urgent category to decide ("抗原两道杠" stays a testing question)."""
    rank, default = urgency_rank(rule.urgency), urgency_rank(cue_category.urgency)
    return rank < default or (rank == default and not rule.minor)


def _category(winner, hits: list[Hit], cue_category: CategoryCues) -> str:
    if winner is None:
        return cue_category.code
    if winner.urgency == "P1" and any(
        hit.rule.urgency == "P1" and hit.rule.category in (None, "emergency") for hit in hits
    ):
        return "emergency"  # a medical P1 beside an imminent-suicide rule: the emergency leads
    return winner.category or cue_category.code
