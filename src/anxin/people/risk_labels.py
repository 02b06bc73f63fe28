"""The Chinese texts of risk levels and of the reasons in rules/risk.toml, as msgids (a test keeps the codes
equal to the rule file's)."""

from __future__ import annotations

from anxin.core.i18n import gettext, gettext_noop

LEVEL_LABELS: dict[str, str] = {
    "high": gettext_noop("高风险"),
    "medium": gettext_noop("中风险"),
    "low": gettext_noop("低风险"),
}

REASON_LABELS: dict[str, str] = {
    "R-HIGH-TREATMENT": gettext_noop("规律透析或放化疗，不能中断治疗"),
    "R-HIGH-CONFIRMED": gettext_noop("确诊感染"),
    "R-HIGH-80-ALONE": gettext_noop("80岁以上独居"),
    "R-HIGH-80-CHRONIC": gettext_noop("80岁以上且有慢性病"),
    "R-HIGH-60-CHRONIC-ALONE": gettext_noop("60岁以上独居且有慢性病"),
    "R-HIGH-DISCHARGED": gettext_noop("出院14天内"),
    "R-MEDIUM-80": gettext_noop("80岁以上"),
    "R-MEDIUM-60-CHRONIC": gettext_noop("60岁以上且有慢性病"),
    "R-MEDIUM-PREGNANT": gettext_noop("孕产妇"),
    "R-MEDIUM-INFANT": gettext_noop("3岁以下儿童"),
    "R-MEDIUM-DISABLED": gettext_noop("失能或行动不便"),
    "R-MEDIUM-QUARANTINE": gettext_noop("隔离中"),
    "R-MEDIUM-ALONE": gettext_noop("60岁以上独居"),
    "R-MEDIUM-MENTAL": gettext_noop("需心理关注"),
}


def level_label(level: str) -> str:
    return gettext(LEVEL_LABELS[level])


def reason_labels(codes: list[str] | tuple[str, ...]) -> list[str]:
    return [gettext(REASON_LABELS[code]) for code in codes if code in REASON_LABELS]
