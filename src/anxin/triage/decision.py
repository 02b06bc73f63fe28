"""What the engine answers: the codes it proposes and every reason behind them, in the order a person reads
them (the rules that fired, most urgent first; the safe default or the safety net when they raised it; the
complaint and category it recognised; what was read but set aside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from anxin.triage.context import Polarity
from anxin.triage.evidence import Evidence
from anxin.triage.ruleset import Rule


class Hit(NamedTuple):
    rule: Rule
    evidence: tuple[Evidence, ...]


class Ignored(NamedTuple):
    rule_id: str
    reason: Polarity
    evidence: Evidence


@dataclass(frozen=True)
class Raise:
    """A step above the rules: the safe default (the message is about health and nothing judged it minor) or
    the learned safety net (it reads like something more urgent)."""

    rule: str  # "safe_default" or "model.safety_net"
    urgency: str
    disposition: str
    because: str
    because_en: str
    evidence: tuple[Evidence, ...] = ()
    detail: dict = field(default_factory=dict)  # the model's reading: scores, nearest examples


@dataclass(frozen=True)
class Decision:
    category: str
    urgency: str
    disposition: str
    red_flags: tuple[str, ...]
    complaint: str | None  # the protocol's code, or None when the message is not about health
    decided_by: str  # a rule id, "category.<code>", "safe_default" or "model.safety_net"
    hits: tuple[Hit, ...]
    cue_category: str  # the category its cue words point to (the decisive rule may name another)
    category_evidence: tuple[Evidence, ...]
    ignored: tuple[Ignored, ...]
    ruleset_version: str
    raised: tuple[Raise, ...] = ()
    health: bool = False  # the message describes a symptom, an injury, a health event or distress
    minor: bool = False  # a rule judged it positively minor (policy §3)
    answers: tuple[tuple[str, bool], ...] = ()  # key questions answered (id, yes)

    def explanation(self, *, english: bool = False) -> list[dict]:
        items = [_hit_item(hit, self.decided_by, english) for hit in self.hits]
        items += [_raise_item(step, self.decided_by, english) for step in self.raised]
        items.append(
            {
                "rule": f"category.{self.cue_category}",
                "category": self.cue_category,
                "decisive": self.decided_by == f"category.{self.cue_category}",
                "evidence": [e.as_dict() for e in self.category_evidence],
            }
        )
        items += [
            {"rule": f"question.{question}", "answer": "yes" if yes else "no", "decisive": False}
            for question, yes in self.answers
        ]
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
            "complaint": self.complaint,
            "explanation": self.explanation(),
        }


def _hit_item(hit: Hit, decided_by: str, english: bool) -> dict:
    rule = hit.rule
    item = {
        "rule": rule.id,
        "urgency": rule.urgency,
        "disposition": rule.disposition,
        **({"red_flag": rule.flag} if rule.flag else {}),
        **({"complaint": rule.complaint} if rule.complaint else {}),
        **({"minor": True} if rule.minor else {}),
        "because": rule.because_en if english else rule.because,
        "decisive": rule.id == decided_by,
        "evidence": [e.as_dict() for e in hit.evidence],
    }
    return item


def _raise_item(step: Raise, decided_by: str, english: bool) -> dict:
    return {
        "rule": step.rule,
        "urgency": step.urgency,
        "disposition": step.disposition,
        "because": step.because_en if english else step.because,
        "decisive": step.rule == decided_by,
        "evidence": [e.as_dict() for e in step.evidence],
        **step.detail,
    }
