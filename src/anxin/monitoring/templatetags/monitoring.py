"""Monitoring on other apps' pages: the case page's link back to the alert and reading that opened it, and
the labels of rule, symptom and plan codes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from anxin.monitoring import labels
from anxin.monitoring.selectors import alerts_for_case
from anxin.people.risk_labels import LEVEL_LABELS as RISK_LEVEL_LABELS
from anxin.people.tags import TAG_LABELS

register = template.Library()


@register.inclusion_tag("monitoring/_case_sources.html", takes_context=True)
def case_monitoring_sources(context, case) -> dict[str, Any]:
    """On hotline/_case.html: the alerts (and their readings) that opened this case, if any; linked for a
    user who may read monitoring."""
    user = context.get("user")
    if case.channel not in ("monitoring", "one_key_device"):
        return {"alerts": [], "user": user}
    return {"alerts": alerts_for_case(case), "user": user}


@register.filter
def rule_label(code: str) -> str:
    return labels.rule_label(code)


@register.filter
def symptom_label(code: str) -> str:
    return labels.label(labels.SYMPTOM_LABELS, code)


@register.filter
def measure_label(code: str) -> str:
    return labels.label(labels.MEASURE_LABELS, code)


@register.filter
def method_label(code: str) -> str:
    return labels.label(labels.METHOD_LABELS, code)


@register.filter
def level_label(code: str) -> str:
    return labels.label(labels.LEVEL_LABELS, code or "")


@register.filter
def tag_label(code: str) -> str:
    return labels.label(TAG_LABELS, code)


@register.filter
def risk_label(code: str) -> str:
    return labels.label(RISK_LEVEL_LABELS, code)


@register.filter
def plan_measures(plan) -> str:
    """What a plan's check covers: its measures, and the psychological check if it asks for one."""
    names = [labels.label(labels.MEASURE_LABELS, code) for code in plan.measures]
    if plan.psych_check:
        names.append(gettext("心理评估"))
    return gettext("、").join(names)


@register.filter
def percent_of(part: int, whole: int) -> int:
    """Bar length in whole percent (0 when there is nothing to compare with)."""
    return round(100 * part / whole) if whole else 0
