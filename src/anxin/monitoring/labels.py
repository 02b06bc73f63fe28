"""The Chinese texts of the codes in rules/*.toml, as msgids (tests keep the codes equal to the rule files').
Pure: translated where they are shown, through core.i18n."""

from __future__ import annotations

from anxin.core.i18n import gettext, gettext_noop

PLAN_LABELS: dict[str, str] = {
    "M-QUARANTINE": gettext_noop("隔离人员：每日两次体温"),
    "M-DISCHARGED": gettext_noop("出院随访：第1、3、7、14天（含心理评估）"),
    "M-HIGH-DAILY": gettext_noop("高风险：每日血氧和体温"),
    "M-MEDIUM-3DAY": gettext_noop("中风险：每3天一次"),
}

MEASURE_LABELS: dict[str, str] = {
    "temperature": gettext_noop("体温"),
    "spo2": gettext_noop("血氧"),
    "respiratory_rate": gettext_noop("呼吸频率"),
}

METHOD_LABELS: dict[str, str] = {
    "phone": gettext_noop("电话"),
    "visit": gettext_noop("上门"),
}

# The red ones are the words the triage engine reads as red flags (a test checks each makes it say P1).
SYMPTOM_LABELS: dict[str, str] = {
    "cough": gettext_noop("咳嗽"),
    "sore_throat": gettext_noop("咽痛"),
    "fatigue": gettext_noop("乏力"),
    "diarrhoea": gettext_noop("腹泻"),
    "vomiting": gettext_noop("呕吐"),
    "poor_feeding": gettext_noop("进食差"),
    "worse": gettext_noop("基础病加重"),
    "dyspnea": gettext_noop("呼吸困难"),
    "chest_pain": gettext_noop("胸痛"),
    "confusion": gettext_noop("意识不清"),
    "cyanosis": gettext_noop("口唇发紫"),
    "convulsion": gettext_noop("抽搐"),
}

THRESHOLD_LABELS: dict[str, str] = {
    "T-SPO2-CRITICAL": gettext_noop("血氧低于90%"),
    "T-SPO2-LOW": gettext_noop("血氧≤93%（重型标准）"),
    "T-SPO2-LOW-CHILD": gettext_noop("5岁以下儿童血氧≤95%"),
    "T-SPO2-LOW-COPD": gettext_noop("慢阻肺患者血氧≤88%"),
    "T-SPO2-CRITICAL-COPD": gettext_noop("慢阻肺患者血氧≤85%"),
    "T-TEMP-HIGH": gettext_noop("体温≥38.5℃"),
    "T-TEMP-PREGNANT": gettext_noop("孕妇体温超过38℃"),
    "T-TEMP-INFANT": gettext_noop("3个月以下婴儿体温≥38℃"),
    "T-TEMP-HYPERPYREXIA": gettext_noop("超高热≥41℃"),
    "T-RR-HIGH": gettext_noop("成人呼吸超过24次/分"),
    "T-RR-SEVERE": gettext_noop("成人呼吸≥30次/分（重型标准）"),
    "T-RR-INFANT-2M": gettext_noop("2个月以下婴儿呼吸≥60次/分"),
    "T-RR-INFANT-12M": gettext_noop("2–12个月婴儿呼吸≥50次/分"),
    "T-RR-CHILD-1-5": gettext_noop("1–5岁儿童呼吸≥40次/分"),
    "T-RR-CHILD-5-14": gettext_noop("5岁以上儿童呼吸≥30次/分"),
    "T-SYMPTOM-RED": gettext_noop("出现危险症状"),
    "T-PSYCH-CONCERN": gettext_noop("心理状态需关注"),
}

LEVEL_LABELS: dict[str, str] = {
    "": gettext_noop("正常"),
    "abnormal": gettext_noop("异常"),
    "critical": gettext_noop("危急"),
}

ALERT_KIND_LABELS: dict[str, str] = {
    "reading": gettext_noop("读数异常"),
    "not_reached": gettext_noop("多次联系不上"),
    "device": gettext_noop("一键呼叫"),
}

# The summaries of device events, as the case's words (the triage engine reads them).
DEVICE_EVENT_LABELS: dict[str, str] = {
    "sos": gettext_noop("一键呼叫器报警：老人按下求助键"),
    "fall": gettext_noop("一键呼叫器报警：疑似跌倒"),
    "inactivity": gettext_noop("一键呼叫器报警：长时间无活动"),
}

NOT_REACHED_LABEL = gettext_noop("连续多次联系不上")


def label(table: dict[str, str], code: str) -> str:
    """The code's label in the active language; an unknown code is shown as itself."""
    return gettext(table[code]) if code in table else code


def rule_label(code: str) -> str:
    """A fired rule's label, whichever table it comes from."""
    if code in THRESHOLD_LABELS:
        return gettext(THRESHOLD_LABELS[code])
    if code in PLAN_LABELS:
        return gettext(PLAN_LABELS[code])
    if code in DEVICE_EVENT_LABELS:
        return gettext(DEVICE_EVENT_LABELS[code])
    if code == "N-NOT-REACHED":
        return gettext(NOT_REACHED_LABEL)
    return code
