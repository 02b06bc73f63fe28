"""Display helpers for the desk templates: SLA badges, durations, masked phones, timeline data, triage codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext

from anxin.accounts.roles import Role
from anxin.core.masking import mask_phone
from anxin.hotline.models import Case, Category, Channel, Disposition, Urgency
from anxin.hotline.services import FIRST_CONTACT_NOTE
from anxin.hotline.sla import sla_state
from anxin.hotline.triage_display import RED_FLAG_LABELS, complaint_label, rule_because

register = template.Library()

# Timeline event data: a label per key the services write, and the choices that name a key's codes.
DATA_LABELS = {
    "to_line_name": gettext_lazy("转至热线"),
    "to_place_name": gettext_lazy("转至社区/网格"),
    "to_line": gettext_lazy("热线代码"),
    "to_place": gettext_lazy("地点代码"),
    "target": gettext_lazy("派往"),
    "satisfaction": gettext_lazy("满意度"),
    "due_at": gettext_lazy("回电时间"),
    "assignee_role": gettext_lazy("回电角色"),
    "category": gettext_lazy("类别"),
    "urgency": gettext_lazy("分级"),
    "disposition": gettext_lazy("处置"),
    "channel": gettext_lazy("渠道"),
    "before": gettext_lazy("调整前"),
    "after": gettext_lazy("调整后"),
    "first_contact": gettext_lazy("首次接触办结"),
    "clinician": gettext_lazy("医生回电"),
    "sla_rules": gettext_lazy("时限规则版本"),
    "proposed": gettext_lazy("分诊建议"),
    "decided_by": gettext_lazy("决定规则"),
    "recipients": gettext_lazy("提醒对象"),
}
# Internal references that mean nothing to a reader of the timeline.
HIDDEN_DATA = frozenset({"callback"})
CODE_LABELS: dict[str, dict[str, str]] = {
    "category": dict(Category.choices),
    "urgency": dict(Urgency.choices),
    "disposition": dict(Disposition.choices),
    "channel": dict(Channel.choices),
    "satisfaction": dict(Case.Satisfaction.choices),
    "assignee_role": dict(Role.choices),
}


@register.inclusion_tag("hotline/_sla.html")
def sla_badge(case: Case) -> dict[str, Any]:
    state = sla_state(
        due_at=case.sla_due_at,
        met_at=case.sla_met_at,
        closed=case.status == Case.Status.CLOSED,
        now=timezone.now(),
    )
    return {
        "sla": state,
        "late": state.met_at is not None and state.met_at > state.due_at,
        "closed": case.status == Case.Status.CLOSED,
    }


@register.filter
def duration(seconds: int) -> str:
    """A length of time in words, sign ignored: 90 -> 1分钟, 5400 -> 1小时30分."""
    seconds = abs(int(seconds))
    if seconds < 60:
        return gettext("%(n)d秒") % {"n": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return gettext("%(n)d分钟") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return gettext("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return gettext("%(d)d天%(h)d小时") % {"d": days, "h": hours}


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


def _show_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, dict):
        pair = gettext("%(label)s：%(value)s")
        return pgettext("list separator", "，").join(
            pair % {"label": DATA_LABELS.get(k, k), "value": _show_value(k, v)} for k, v in value.items()
        )
    if isinstance(value, list):
        return gettext("、").join(_show_value(key, item) for item in value)
    if key == "due_at" and isinstance(value, str):
        try:
            return date_format(timezone.localtime(datetime.fromisoformat(value)), "Y-m-d H:i")
        except ValueError:
            return value
    return str(CODE_LABELS.get(key, {}).get(value, value))


@register.filter
def event_data(data: dict | None) -> list[tuple[str, str]]:
    """A timeline event's data as (label, value) rows, codes shown by their labels."""
    if not isinstance(data, dict):
        return []
    return [
        (str(DATA_LABELS.get(key, key)), _show_value(key, value))
        for key, value in data.items()
        if value not in ("", None) and key not in HIDDEN_DATA
    ]


# Notes the services write themselves (as msgids); any other note is what a person typed, shown as typed.
SYSTEM_NOTES = frozenset({FIRST_CONTACT_NOTE})


@register.filter
def event_note(note: str) -> str:
    return gettext(note) if note in SYSTEM_NOTES else note


@register.filter
def is_past(moment: datetime | None) -> bool:
    return moment is not None and moment < timezone.now()


@register.filter
def role_label(code: str) -> str:
    return str(CODE_LABELS["assignee_role"].get(code, code))


@register.filter
def code_label(code: str, kind: str) -> str:
    """``{{ case.urgency|code_label:"urgency" }}``: a category, urgency or disposition code's label."""
    return str(CODE_LABELS.get(kind, {}).get(code, code))


@register.filter
def red_flag_label(code: str) -> str:
    return str(RED_FLAG_LABELS.get(code, code))


@register.filter(name="complaint_label")
def complaint_label_filter(code: str) -> str:
    """A chief-complaint protocol's name in the active language ("非健康诉求" for none)."""
    return complaint_label(code)


@register.filter(name="rule_because")
def rule_because_filter(rule_id: str) -> str:
    """A triage rule's reason in the active language (``because`` or ``because_en``)."""
    return rule_because(rule_id)
