"""How the safety net's reading raises the rules' proposal, and only raises it.

Three steps, each only when the proposal is below it: reads like an emergency (P1 ≥ its threshold) → P1
call_120; reads like P1 or P2 → P2 with the protocol's clinician; reads like a health problem while the rules
closed it or sent it to a non-medical service, and no rule judged it minor → P3 doctor_callback. The codes it
cannot know (red flags) stay the rules'; the complaint is the model's only when the rules had none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from anxin.triage.codes import urgency_rank
from anxin.triage.decision import Decision, Raise
from anxin.triage.outcome import HEALTH_CATEGORIES, ends_without_care
from anxin.triage.safety_net.model import NONE, Opinion

RULE = "model.safety_net"


@dataclass(frozen=True)
class Thresholds:
    p1: float  # P(P1) at or above which the proposal becomes P1
    p2: float  # P(P1) + P(P2) at or above which it becomes at least P2
    health: float  # P(about health) at or above which a closed or non-medical proposal becomes P3


def _p2_disposition(complaint: str | None) -> tuple[str, str]:
    if complaint == "mental_health":
        return "psych_support", "psych_counselor"
    return "medical_consult", "doctor_callback"


def _raise_to(opinion: Opinion, decision: Decision, thresholds: Thresholds) -> tuple[str, str, str] | None:
    """(urgency, disposition, category) the reading raises the decision to, or None."""
    rank = urgency_rank(decision.urgency)
    complaint = opinion.complaint if opinion.complaint != NONE else decision.complaint
    if rank > 0 and opinion.p1 >= thresholds.p1:
        category = "psych_support" if complaint == "mental_health" else "emergency"
        return "P1", "call_120", category
    if rank > 1 and opinion.p1_or_p2 >= thresholds.p2:
        category, disposition = _p2_disposition(complaint)
        if decision.category in HEALTH_CATEGORIES and complaint != "mental_health":
            category = decision.category
        return "P2", disposition, category
    closed = ends_without_care(decision.urgency, decision.disposition)
    if closed and not decision.minor and opinion.health >= thresholds.health:
        category = decision.category if decision.category in HEALTH_CATEGORIES else "medical_consult"
        return "P3", "doctor_callback", category
    return None


def _detail(opinion: Opinion, label) -> dict:
    return {
        "reads_like": opinion.complaint if opinion.complaint != NONE else None,
        "score": round(opinion.complaint_score, 3),
        "urgency_read": opinion.level(),
        "urgency_score": round(opinion.urgency[opinion.level()], 3),
        "p1": round(opinion.p1, 3),
        "words": list(opinion.words),
        "reads_like_label": label(opinion.complaint) if opinion.complaint != NONE else None,
    }


def review(decision: Decision, opinion: Opinion, thresholds: Thresholds, label) -> Decision:
    """The decision, raised if the reading calls for it, with the reading in its explanation either way.
    ``label`` names a protocol code for the explanation."""
    detail = _detail(opinion, label)
    target = _raise_to(opinion, decision, thresholds)
    reads = f"{detail['reads_like_label'] or '非健康问题'} {opinion.complaint_score:.2f}"
    if target is None:
        note = Raise(
            RULE,
            decision.urgency,
            decision.disposition,
            f"语义安全网：读起来像“{reads}”，不高于规则的判断，不改变建议",
            f"Safety net: reads like {opinion.complaint} {opinion.complaint_score:.2f}; not above the rules",
            detail={**detail, "raised": False},
        )
        return replace(decision, raised=(*decision.raised, note))
    urgency, disposition, category = target
    step = Raise(
        RULE,
        urgency,
        disposition,
        f"语义安全网：读起来像“{reads}”（{urgency}可能性 {_likelihood(opinion, urgency):.2f}），规则未识别到，"
        f"按更紧急处理，请核实",
        f"Safety net: reads like {opinion.complaint} {opinion.complaint_score:.2f} ({urgency} likelihood "
        f"{_likelihood(opinion, urgency):.2f}) where the rules saw less; raised, please verify",
        detail={**detail, "raised": True},
    )
    complaint = decision.complaint
    if opinion.complaint != NONE and complaint in (None, "sick_person"):
        complaint = opinion.complaint
    return replace(
        decision,
        urgency=urgency,
        disposition=disposition,
        category=category,
        complaint=complaint,
        decided_by=RULE,
        raised=(*decision.raised, step),
        health=True,
    )


def _likelihood(opinion: Opinion, urgency: str) -> float:
    if urgency == "P1":
        return opinion.p1
    if urgency == "P2":
        return opinion.p1_or_p2
    return opinion.health
