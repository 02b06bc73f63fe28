"""The access log as an Excel workbook for an auditor (``anxin audit export``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook

from anxin.core.i18n import gettext
from anxin.core.models import AccessLog


def _headers() -> list[str]:
    return [
        gettext("时间"),
        gettext("用户名"),
        gettext("姓名"),
        gettext("角色"),
        gettext("操作"),
        gettext("对象类型"),
        gettext("对象编号"),
        gettext("字段"),
        gettext("目的"),
        gettext("IP 地址"),
    ]


def _row(entry: AccessLog) -> list[str]:
    user = entry.user
    return [
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        user.username,
        user.get_full_name(),
        user.get_role_display(),
        entry.get_action_display(),
        entry.object_type,
        entry.object_id,
        entry.fields,
        entry.purpose,
        entry.ip or "",
    ]


def write_access_log_xlsx(entries: Iterable[AccessLog], path: Path) -> int:
    """Write the entries, one row each, under a header row; how many rows were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("访问日志"))
    sheet.append(_headers())
    count = 0
    for entry in entries:
        sheet.append(_row(entry))
        count += 1
    workbook.save(path)
    return count
