"""How the desk shows the triage engine's answers: labels for its codes, and its explanation as rows a person
reads (each rule with its reason and the caller's words around the quote).

Display only. What the engine decides is ``anxin.triage``; what a case keeps of it is ``hotline.proposal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language, gettext, gettext_lazy

from anxin.hotline import proposal
from anxin.hotline.models import Category, Disposition, Line, Urgency
from anxin.hotline.proposal import TriageFields
from anxin.people.models import Resident
from anxin.triage import Decision
from anxin.triage.codes import CONDITIONS
from anxin.triage.questions import next_questions
from anxin.triage.ruleset import default_ruleset

RED_FLAG_LABELS = {
    "convulsion": gettext_lazy("抽搐/惊厥"),
    "dyspnea": gettext_lazy("呼吸困难"),
    "spo2_low": gettext_lazy("血氧偏低"),
    "altered_consciousness": gettext_lazy("意识改变"),
    "chest_pain": gettext_lazy("胸痛"),
    "infant_fever": gettext_lazy("小婴儿发热"),
    "pregnancy_warning": gettext_lazy("孕期危险信号"),
    "high_fever_persistent": gettext_lazy("持续高热"),
    "dialysis_missed": gettext_lazy("透析中断"),
    "suicidal_ideation": gettext_lazy("自杀念头"),
    "severe_dehydration": gettext_lazy("严重脱水"),
    "cyanosis": gettext_lazy("口唇发紫"),
    "stroke_signs": gettext_lazy("中风征象"),
    "cardiac_arrest": gettext_lazy("心跳呼吸骤停"),
    "major_bleeding": gettext_lazy("大出血"),
    "head_injury": gettext_lazy("颅脑损伤征象"),
    "severe_trauma": gettext_lazy("严重创伤"),
    "poisoning": gettext_lazy("中毒"),
    "co_poisoning": gettext_lazy("一氧化碳/烟雾中毒"),
    "anaphylaxis": gettext_lazy("严重过敏反应"),
    "choking": gettext_lazy("气道梗阻"),
    "severe_burn": gettext_lazy("严重烧烫伤"),
    "drowning": gettext_lazy("溺水"),
    "electrocution": gettext_lazy("触电"),
    "hypoglycaemia": gettext_lazy("低血糖昏迷风险"),
    "obstetric_emergency": gettext_lazy("产科急症"),
    "newborn_danger": gettext_lazy("新生儿危险信号"),
    "meningitis_signs": gettext_lazy("脑膜炎征象"),
    "heat_stroke": gettext_lazy("热射病"),
    "hypothermia": gettext_lazy("低体温"),
    "violence": gettext_lazy("正在发生的暴力"),
}
# The engine's condition codes (anxin.triage.codes.CONDITIONS), labelled as people.tags labels them.
CONDITION_LABELS = {
    "hypertension": gettext_lazy("高血压"),
    "diabetes": gettext_lazy("糖尿病"),
    "copd": gettext_lazy("慢阻肺"),
    "heart_disease": gettext_lazy("心脏病"),
    "ckd_dialysis": gettext_lazy("血液透析"),
    "cancer_chemo": gettext_lazy("放化疗"),
    "immunosuppressed": gettext_lazy("免疫抑制"),
    "disabled": gettext_lazy("失能/行动不便"),
    "lives_alone": gettext_lazy("独居"),
}
FIELD_LABELS = {
    "age": gettext_lazy("年龄"),
    "sex": gettext_lazy("性别"),
    "temperature_c": gettext_lazy("体温"),
    "spo2": gettext_lazy("血氧"),
    "pregnancy_weeks": gettext_lazy("孕周"),
    "conditions": gettext_lazy("基础疾病"),
}
# Why the engine set words aside (anxin.triage.context.Polarity values).
IGNORED_LABELS = {
    "negated": gettext_lazy("否定"),
    "history": gettext_lazy("既往"),
    "hypothetical": gettext_lazy("假设"),
    "figurative": gettext_lazy("比喻"),
    "someone_else": gettext_lazy("他人已送医"),
    "outweighed": gettext_lazy("另有规则判断"),
}
SEX_LABELS = {"M": gettext_lazy("男"), "F": gettext_lazy("女")}
CODE_LABELS = {
    "category": dict(Category.choices),
    "urgency": dict(Urgency.choices),
    "disposition": dict(Disposition.choices),
}
CONTEXT_CHARS = 8  # the caller's words shown either side of a quote
CATEGORY_RULE_PREFIX = "category."
QUESTION_RULE_PREFIX = "question."
RAISE_LABELS = {
    "safe_default": gettext_lazy("安全底线"),
    "model.safety_net": gettext_lazy("语义安全网"),
}


def condition_choices() -> list[tuple[str, str]]:
    return [(code, str(CONDITION_LABELS[code])) for code in CONDITIONS]


def english() -> bool:
    return (get_language() or "").startswith("en")


def complaint_label(code: str | None) -> str:
    """A protocol's name in the active language; for none, that the request is not about health."""
    if not code:
        return gettext("非健康诉求")
    protocol = default_ruleset().protocols.get(code)
    if protocol is None:
        return code
    return protocol.label_en if english() else protocol.label


def rule_because(rule_id: str) -> str:
    """A rule's reason in the active language; for a category's default, what that means."""
    if rule_id in RAISE_LABELS:
        return str(RAISE_LABELS[rule_id])
    if rule_id.startswith(CATEGORY_RULE_PREFIX):
        code = rule_id.removeprefix(CATEGORY_RULE_PREFIX)
        label = CODE_LABELS["category"].get(code, code)
        return gettext("没有更紧急的规则命中，按类别“%(label)s”的默认分级") % {"label": label}
    rule = default_ruleset().rules_by_id.get(rule_id)
    if rule is None:
        return gettext("当前规则集中已没有这条规则")
    return rule.because_en if english() else rule.because


def number(value: float) -> str:
    return f"{value:g}"


def show_field(name: str, value) -> str:
    """A structured field's value as a person reads it: 3个月, 38.6℃, 93%, 28周, 高血压."""
    if name == "age":
        if value < 1:
            return gettext("%(n)s个月") % {"n": round(value * 12)}
        return gettext("%(n)s岁") % {"n": number(value)}
    if name == "temperature_c":
        return f"{number(value)}℃"
    if name == "spo2":
        return f"{number(value)}%"
    if name == "pregnancy_weeks":
        return gettext("%(n)s周") % {"n": round(value)}
    if name == "conditions":
        return str(CONDITION_LABELS.get(value, value))
    if name == "sex":
        return str(SEX_LABELS.get(value, value))
    return str(value)


def _evidence(item: dict, text: str) -> dict:
    if item["source"] == "answer":
        return {"field": gettext("问答"), "value": item["ask"] + " " + gettext("是")}
    if item["source"] == "field":
        field = item["field"]
        return {"field": str(FIELD_LABELS.get(field, field)), "value": show_field(field, item["value"])}
    start, end = item["span"]
    return {
        "before": ("…" if start > CONTEXT_CHARS else "") + text[max(0, start - CONTEXT_CHARS) : start],
        "quote": item["quote"],
        "after": text[end : end + CONTEXT_CHARS] + ("…" if end + CONTEXT_CHARS < len(text) else ""),
    }


def explanation_rows(explanation: list[dict], text: str) -> list[dict]:
    """The engine's explanation (Decision.explanation) as rows: fired rules, the category's cues, then the
    words set aside (greyed on the page). ``text`` is the summary the engine read; spans index into it."""
    rows = []
    for item in explanation:
        rule_id = item["rule"]
        row = {
            "rule": rule_id,
            "decisive": item.get("decisive", False),
            "evidence": [_evidence(e, text) for e in item.get("evidence", [])],
        }
        if "ignored" in item:
            row["ignored"] = str(IGNORED_LABELS.get(item["ignored"], item["ignored"]))
            row["because"] = rule_because(rule_id)
        elif "answer" in item:
            continue  # the answers show beside the questions
        elif "category" in item:
            row["category"] = CODE_LABELS["category"].get(item["category"], item["category"])
        else:
            row["because"] = item["because"]
            row["urgency"] = item["urgency"]
            row["disposition"] = CODE_LABELS["disposition"].get(item["disposition"], item["disposition"])
            if item.get("red_flag"):
                row["red_flag"] = str(RED_FLAG_LABELS.get(item["red_flag"], item["red_flag"]))
            if rule_id in RAISE_LABELS:
                row["raise"] = str(RAISE_LABELS[rule_id])
            if item.get("reads_like"):
                row["reads_like"] = _reads_like(item)
        rows.append(row)
    return rows


def _reads_like(item: dict) -> dict:
    """What the safety net read: the protocol it resembles, its score and the nearest labelled examples."""
    return {
        "complaint": complaint_label(item["reads_like"]),
        "score": f"{item.get('score', 0):.2f}",
        "urgency_score": f"{item.get('urgency_score', 0):.2f}",
        "nearest": item.get("nearest", []),
    }


def registry_rows(fields: TriageFields) -> list[tuple[str, str]]:
    """What the registry says about the subject, as (label, value) rows."""
    rows = []
    for name in ("age", "sex", "pregnancy_weeks"):
        value = getattr(fields, name)
        if value is not None:
            rows.append((str(FIELD_LABELS[name]), show_field(name, value)))
    if fields.conditions:
        labels = [show_field("conditions", code) for code in fields.conditions]
        rows.append((str(FIELD_LABELS["conditions"]), gettext("、").join(labels)))
    return rows


@dataclass(frozen=True)
class Preview:
    decision: Decision
    registry: TriageFields | None


def intake_preview(
    *,
    line: Line,
    channel: str,
    summary: str,
    fields: TriageFields,
    subject: Resident | None,
    today: date,
) -> Preview:
    """The proposal ``services.case_open`` will keep for this form as it stands (the same inputs, in the
    same way: the agent's fields completed from the subject's registry facts, the line's engine channel)."""
    decision, _, registry = proposal.propose_for_intake(
        summary=summary, line_kind=line.kind, channel=channel, fields=fields, subject=subject, today=today
    )
    return Preview(decision, registry)


def preview_context(preview: Preview, *, summary: str, chosen: dict[str, str]) -> dict:
    """What _triage.html shows. ``chosen`` holds the form's selects ("" = take the proposal)."""
    decision = preview.decision
    proposed = {
        "category": decision.category,
        "urgency": decision.urgency,
        "disposition": decision.disposition,
    }
    return {
        "proposed": proposed,
        "labels": {kind: CODE_LABELS[kind].get(code, code) for kind, code in proposed.items()},
        "complaint": decision.complaint,
        "complaint_label": complaint_label(decision.complaint) if decision.complaint else "",
        "questions": question_rows(decision),
        "answers": list(decision.answers),
        "red_flags": [str(RED_FLAG_LABELS.get(flag, flag)) for flag in decision.red_flags],
        "rows": explanation_rows(decision.explanation(english=english()), summary),
        "registry": registry_rows(preview.registry) if preview.registry is not None else [],
        "differs": any(chosen.get(kind) and chosen[kind] != code for kind, code in proposed.items()),
    }


def question_rows(decision: Decision) -> list[dict]:
    """The key questions to ask next, each with what a "yes" would make the proposal, and those answered."""
    questions = default_ruleset().questions
    rows = [
        {
            "id": item.question.id,
            "ask": item.question.ask_en if english() else item.question.ask,
            "urgency": item.urgency,
            "answered": None,
        }
        for item in next_questions(decision)
    ]
    for question_id, yes in decision.answers:
        question = questions.get(question_id)
        if question is not None:
            ask = question.ask_en if english() else question.ask
            rows.append({"id": question_id, "ask": ask, "urgency": "", "answered": "yes" if yes else "no"})
    return rows
