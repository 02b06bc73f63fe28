"""The key questions to ask next: those of the protocols the message is about whose "yes" would make the
proposal more urgent, and that were not answered yet (docs/triage-policy.md §4, "Key questions")."""

from __future__ import annotations

from typing import NamedTuple

from anxin.triage.codes import urgency_rank
from anxin.triage.decision import Decision
from anxin.triage.ruleset import Question, Ruleset, default_ruleset

MAX_QUESTIONS = 4


class NextQuestion(NamedTuple):
    question: Question
    urgency: str  # what a "yes" would make the proposal at least


def complaints_of(decision: Decision) -> list[str]:
    """The protocols the message is about, the decisive one first."""
    found = [decision.complaint] if decision.complaint else []
    found += [hit.rule.complaint for hit in decision.hits if hit.rule.complaint]
    found += [step.detail["reads_like"] for step in decision.raised if step.detail.get("reads_like")]
    return list(dict.fromkeys(found))


def next_questions(
    decision: Decision, ruleset: Ruleset | None = None, limit: int = MAX_QUESTIONS
) -> list[NextQuestion]:
    ruleset = ruleset or default_ruleset()
    answered = {question for question, _ in decision.answers}
    fired = {hit.rule.id for hit in decision.hits}
    current = urgency_rank(decision.urgency)
    found: list[NextQuestion] = []
    for code in complaints_of(decision):
        for question in ruleset.protocols[code].questions:
            rule = ruleset.rules_by_id[question.rule]
            if question.id in answered or rule.id in fired or urgency_rank(rule.urgency) >= current:
                continue
            found.append(NextQuestion(question, rule.urgency))
    found.sort(key=lambda item: urgency_rank(item.urgency))  # stable: protocol order within a level
    return found[:limit]
