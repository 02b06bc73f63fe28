"""The desk's side of triage: what the engine is told about a call, and what the case keeps of its answer.

The engine (``anxin.triage``) knows nothing of lines, residents or cases. Here a line's kind becomes the
engine's channel, a registered subject's facts (age, pregnancy, conditions) become structured fields, and the
decision becomes the JSON a case stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.people.identity import age_on
from anxin.triage import Decision, TriageInput, triage
from anxin.triage.codes import CONDITIONS, FIELD_RANGES
from anxin.triage.ruleset import default_ruleset

# Line kind → the engine's channel; a chat message or a device alarm names its own channel.
LINE_CHANNELS = {
    "medical": "medical_hotline",
    "psych": "psych_hotline",
    "citizen": "citizen_hotline",
    "community": "citizen_hotline",
    "elderly": "medical_hotline",
}
CASE_CHANNELS = {"chat_group": "chat_group", "one_key_device": "one_key_device"}
# A resident's recorded conditions (people.tags) → the engine's condition codes.
RESIDENT_CONDITIONS = {
    "hypertension": "hypertension",
    "diabetes": "diabetes",
    "copd": "copd",
    "heart_disease": "heart_disease",
    "immunosuppressed": "immunosuppressed",
}
FULL_TERM_WEEKS = 40


@dataclass(frozen=True)
class TriageFields:
    """What the agent measured or asked, beside the caller's words. All optional."""

    age: float | None = None
    sex: str | None = None
    temperature_c: float | None = None
    spo2: float | None = None
    pregnancy_weeks: float | None = None
    conditions: tuple[str, ...] = field(default_factory=tuple)
    # Key questions the agent asked, with the answer: ((question id, yes), ...) (anxin.triage.questions).
    answers: tuple[tuple[str, bool], ...] = field(default_factory=tuple)

    def checked(self) -> TriageFields:
        """The same fields, or InvalidInput naming the first one out of range."""
        for name, (low, high) in FIELD_RANGES.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise InvalidInput(
                    gettext("超出范围：应在 %(low)s 到 %(high)s 之间") % {"low": low, "high": high},
                    field=name,
                )
        if self.sex not in (None, "M", "F"):
            raise InvalidInput(gettext("性别应为 M 或 F"), field="sex")
        unknown = [c for c in self.conditions if c not in CONDITIONS]
        if unknown:
            raise InvalidInput(
                gettext("未知的基础疾病代码：%(codes)s") % {"codes": ", ".join(unknown)}, field="conditions"
            )
        questions = default_ruleset().questions
        unknown = [q for q, _ in self.answers if q not in questions]
        if unknown:
            raise InvalidInput(
                gettext("未知的关键问题代码：%(codes)s") % {"codes": ", ".join(unknown)}, field="answers"
            )
        return self


def fields_from_resident(resident, today: date) -> TriageFields:
    """What the registry already knows about the subject."""
    conditions = {RESIDENT_CONDITIONS[c] for c in resident.chronic_conditions if c in RESIDENT_CONDITIONS}
    if resident.on_dialysis:
        conditions.add("ckd_dialysis")
    if resident.on_chemo:
        conditions.add("cancer_chemo")
    if resident.disabled:
        conditions.add("disabled")
    if resident.lives_alone:
        conditions.add("lives_alone")
    weeks = None
    if resident.pregnant_due_date and resident.pregnant_due_date >= today:
        weeks = max(0.0, FULL_TERM_WEEKS - (resident.pregnant_due_date - today).days / 7)
    age = float(age_on(resident.birth_date, today))
    if age < 1:  # months matter for infants (under 3 months, 3–6 months)
        age = round((today - resident.birth_date).days / 365.25, 3)
    return TriageFields(
        age=age,
        sex=resident.sex or None,
        pregnancy_weeks=weeks,
        conditions=tuple(sorted(conditions)),
    )


def merge(agent: TriageFields, registry: TriageFields | None) -> TriageFields:
    """The agent's entries, completed from the registry: what the agent typed is never overwritten."""
    if registry is None:
        return agent
    return replace(
        agent,
        age=agent.age if agent.age is not None else registry.age,
        sex=agent.sex or registry.sex,
        pregnancy_weeks=agent.pregnancy_weeks
        if agent.pregnancy_weeks is not None
        else registry.pregnancy_weeks,
        conditions=tuple(sorted(set(agent.conditions) | set(registry.conditions))),
    )


def engine_channel(line_kind: str, case_channel: str) -> str:
    return CASE_CHANNELS.get(case_channel) or LINE_CHANNELS.get(line_kind, "citizen_hotline")


def propose(*, text: str, fields: TriageFields, channel: str) -> Decision:
    return triage(
        TriageInput(
            text=text,
            age=fields.age,
            sex=fields.sex,
            temperature_c=fields.temperature_c,
            spo2=fields.spo2,
            pregnancy_weeks=fields.pregnancy_weeks,
            conditions=fields.conditions,
            channel=channel,
            answers=fields.answers,
        )
    )


def propose_for_intake(
    *, summary: str, line_kind: str, channel: str, fields: TriageFields, subject, today: date
) -> tuple[Decision, TriageFields, TriageFields | None]:
    """The proposal for an intake as the desk and ``case_open`` both make it: the agent's fields (checked)
    completed from the subject's registry facts, the line's engine channel. Returns the decision, the fields
    it read and the registry's part of them."""
    registry = fields_from_resident(subject, today) if subject is not None else None
    merged = merge(fields.checked(), registry)
    decision = propose(text=summary, fields=merged, channel=engine_channel(line_kind, channel))
    return decision, merged, registry


def proposal_record(decision: Decision, fields: TriageFields) -> dict:
    """What a case keeps of the proposal: enough to explain it later and to review the rules."""
    return {
        "category": decision.category,
        "urgency": decision.urgency,
        "disposition": decision.disposition,
        "red_flags": list(decision.red_flags),
        "complaint": decision.complaint,
        "decided_by": decision.decided_by,
        "rules": [hit.rule.id for hit in decision.hits],
        "ruleset": decision.ruleset_version,
        "fields": {k: _stored(v) for k, v in vars(fields).items() if v not in (None, ())},
        "explanation": decision.explanation(),
    }


def _stored(value):
    """A field as JSON keeps it: the answers as an object of question id → yes."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return dict(value)
    return value


def differs(record: dict, *, category: str, urgency: str, disposition: str) -> bool:
    return (record["category"], record["urgency"], record["disposition"]) != (category, urgency, disposition)
