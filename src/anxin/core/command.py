"""Runners of the operator's commands: ``anxin backup``, ``anxin restore`` and ``anxin audit``. Each prints one
JSON object; exit 0 done, 1 a restore whose counts do not match, 2 nothing done (the reason on stderr)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from anxin.core.i18n import gettext


def _print(out: TextIO, data: dict) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def run_backup(file: str, *, out: TextIO, err: TextIO) -> int:
    from anxin.core.backup import BackupError, backup

    try:
        _print(out, backup(Path(file)))
    except BackupError as refused:
        err.write(f"anxin backup: {refused}\n")
        return 2
    return 0


def run_restore(file: str, *, out: TextIO, err: TextIO) -> int:
    from anxin.core.backup import BackupError, restore

    try:
        report = restore(Path(file))
    except BackupError as refused:
        err.write(f"anxin restore: {refused}\n")
        return 2
    _print(out, report)
    if not report["counts_match"]:
        err.write("anxin restore: " + gettext("恢复后的行数与备份清单不符") + "\n")
        return 1
    return 0


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            gettext("%(name)s 须为 YYYY-MM-DD 日期：%(value)s") % {"name": name, "value": value}
        ) from None


def run_audit_export(out_file: str, *, start: str, end: str, out: TextIO, err: TextIO) -> int:
    from anxin.core.audit_export import write_access_log_xlsx
    from anxin.core.retention import access_logs_between

    try:
        first, last = _day(start, "--from"), _day(end, "--to")
    except ValueError as refused:
        err.write(f"anxin audit export: {refused}\n")
        return 2
    path = Path(out_file)
    if first > last or path.suffix.lower() != ".xlsx" or not path.parent.is_dir():
        reason = gettext("--from 不能晚于 --to；输出须为已有目录下的 .xlsx 文件")
        err.write(f"anxin audit export: {reason}\n")
        return 2
    rows = write_access_log_xlsx(access_logs_between(first, last).iterator(), path)
    _print(out, {"file": str(path), "from": first.isoformat(), "to": last.isoformat(), "rows": rows})
    return 0


def run_audit_purge(*, dry_run: bool, out: TextIO) -> int:
    from anxin.core.retention import access_logs_purge, retention_rules

    _print(out, {**access_logs_purge(dry_run=dry_run), "keep_days": retention_rules().keep_days})
    return 0
