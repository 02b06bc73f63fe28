"""Names of the fields a DomainError can point at, as a person reads them (core/_error.html)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()

FIELD_LABELS = {
    "version": gettext_lazy("工单版本"),
    "status": gettext_lazy("工单状态"),
    "case": gettext_lazy("工单"),
    "case_id": gettext_lazy("工单"),
    "step": gettext_lazy("操作"),
    "line": gettext_lazy("热线"),
    "channel": gettext_lazy("渠道"),
    "summary": gettext_lazy("来电内容"),
    "category": gettext_lazy("类别"),
    "urgency": gettext_lazy("紧急程度"),
    "disposition": gettext_lazy("处置"),
    "caller_phone": gettext_lazy("来电号码"),
    "caller_name": gettext_lazy("来电人姓名"),
    "caller_resident": gettext_lazy("来电人"),
    "subject_resident": gettext_lazy("求助对象"),
    "subject_note": gettext_lazy("求助对象说明"),
    "resident_id": gettext_lazy("居民"),
    "place": gettext_lazy("地点"),
    "close_now": gettext_lazy("当场答复办结"),
    "to": gettext_lazy("转办目标"),
    "to_line": gettext_lazy("转办目标"),
    "to_place": gettext_lazy("转办目标"),
    "note": gettext_lazy("说明"),
    "reason": gettext_lazy("原因"),
    "resolution": gettext_lazy("办结情况"),
    "due_at": gettext_lazy("回电时间"),
    "kind": gettext_lazy("类型"),
    "assignee_role": gettext_lazy("由谁回电"),
    "callback_id": gettext_lazy("回电任务"),
    "outcome": gettext_lazy("回电结果"),
    "target": gettext_lazy("派往"),
    "satisfaction": gettext_lazy("满意度"),
    "return_visit": gettext_lazy("回访"),
    "age": gettext_lazy("年龄"),
    "sex": gettext_lazy("性别"),
    "temperature_c": gettext_lazy("体温"),
    "spo2": gettext_lazy("血氧"),
    "pregnancy_weeks": gettext_lazy("孕周"),
    "conditions": gettext_lazy("基础疾病"),
    "override_reason": gettext_lazy("改判理由"),
    "alert_id": gettext_lazy("提醒"),
    "id": gettext_lazy("编号"),
    "number": gettext_lazy("版本"),
    "username": gettext_lazy("用户名"),
    "password": gettext_lazy("密码"),
}


@register.filter
def field_label(field: str | None) -> str:
    return str(FIELD_LABELS.get(field or "", field or ""))
