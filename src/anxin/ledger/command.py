"""``anxin ledger``: import and export key-population ledgers on the configured database (DATABASE_URL).

Contract (kept exactly; other tools depend on it):
- ``anxin ledger import FILE --place CODE [--dry-run] [--errors OUT.xlsx] [--partial]`` prints one JSON object
  ``{"added", "updated", "rejected", "errors": [{"row", "field", "reason"}]}`` on standard output. Exit 0 when
  every row is good; 1 when any row is rejected (then nothing is written, unless ``--partial``, which writes
  the good rows and still exits 1); 2 when the file cannot be read as a ledger, the place is unknown or not
  one an import goes into, or the user of ``--as`` may not import there (nothing is written, nothing is
  printed on standard output). ``updated`` counts rows that changed a resident; rows identical to the resident
  on file are in neither count. A real import that wrote nothing reports 0 added and updated; ``--dry-run``
  reports what would be. ``--errors`` writes the error report (.xlsx) whatever the outcome.
- ``anxin ledger export --place CODE OUT.xlsx`` writes the masked ledger of that place (the import's columns,
  so an unmasked export imports back to the same ledger). ``--unmasked`` needs ``--as USERNAME`` for a user who
  may reveal ID numbers (resident.reveal) and covers the place, and is written to their access log.

The command runs as the system operator (shell access to the server and its database): no role, no scope,
unless ``--as USERNAME`` names the user whose role and places apply. A progress line goes to standard error
when it is a terminal; standard output carries only the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from django.db import DatabaseError

from anxin.core.errors import DomainError
from anxin.core.i18n import gettext

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


class _Stop(Exception):
    """A problem that ends the command with exit 2 and a message on standard error."""


def _print_json(data, out: IO[str]) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def _place(code: str):
    from anxin.places.selectors import place_get_by_code

    place = place_get_by_code(code)
    if place is None:
        raise _Stop(gettext("未知的区域代码：%(code)s") % {"code": code})
    return place


def _user(username: str | None):
    if not username:
        return None
    from anxin.accounts.models import User

    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as exc:
        raise _Stop(gettext("没有这个用户：%(name)s") % {"name": username}) from exc


BAR_WIDTH = 30


def progress_bar(done: int, total: int | None, width: int = BAR_WIDTH) -> str:
    """``[#######-------]  42%`` for a known total; empty when the size of the file is not known."""
    if not total:
        return ""
    share = min(1.0, done / total)
    filled = round(share * width)
    return f"[{'#' * filled}{'-' * (width - filled)}] {share:4.0%} "


def _rows_estimate(path: str, content: bytes) -> int | None:
    from anxin.ledger.readers import FileUnreadable, open_table

    try:
        with open_table(path, content) as table:
            return table.rows_estimate
    except FileUnreadable:
        return None  # the import itself reports why


def _progress_printer(err: IO[str], total: int | None):
    if not err.isatty():
        return None

    def show(step) -> None:
        line = gettext("已读 %(read)s 行 · 可导入 %(ok)s · 拒绝 %(bad)s") % {
            "read": f"{step.rows_read:,}",
            "ok": f"{step.accepted:,}",
            "bad": f"{step.rejected:,}",
        }
        err.write(f"\r{progress_bar(step.rows_read, total)}{line}")
        err.flush()

    return show


def run_import(
    path: str,
    *,
    place: str,
    dry_run: bool,
    errors: str | None,
    partial: bool,
    as_user: str | None,
    out: IO[str],
    err: IO[str],
) -> int:
    from anxin.ledger.services import ledger_import

    progress = None
    try:
        content = _read(path)
        progress = _progress_printer(err, _rows_estimate(path, content) if err.isatty() else None)
        report = ledger_import(
            name=path,
            content=content,
            place=_place(place),
            by=_user(as_user),
            dry_run=dry_run,
            partial=partial,
            progress=progress,
        )
    except (_Stop, DomainError) as exc:
        err.write(f"{getattr(exc, 'reason', exc)}\n")
        return EXIT_UNREADABLE
    except DatabaseError as exc:
        return _database_missing(err, exc)
    finally:
        if progress is not None:
            err.write("\n")
    if errors:
        _write_errors(report, errors)
    _note_columns(report, err)
    _print_json(report.as_contract(), out)
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _read(path: str) -> bytes:
    from anxin.ledger.readers import MAX_FILE_BYTES

    target = Path(path)
    try:
        if target.stat().st_size > MAX_FILE_BYTES:
            raise _Stop(gettext("文件过大：最多 %(max)s MB") % {"max": MAX_FILE_BYTES // 1024 // 1024})
        return target.read_bytes()
    except OSError as exc:
        raise _Stop(gettext("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}) from exc


def _write_errors(report, path: str) -> None:
    from anxin.ledger.workbooks import write_error_report

    with Path(path).open("wb") as handle:
        write_error_report(
            errors=report.errors,
            rejected_rows=report.rejected_rows,
            headers=report.headers,
            mapping=report.mapping,
            out=handle,
        )


def _note_columns(report, err: IO[str]) -> None:
    if report.ignored:
        err.write(gettext("未导入的列：%(columns)s") % {"columns": ", ".join(report.ignored)} + "\n")


def _database_missing(err: IO[str], exc: Exception) -> int:
    err.write(
        gettext("数据库不可用或未初始化（请先运行 anxin manage migrate）：%(error)s") % {"error": exc} + "\n"
    )
    return EXIT_UNREADABLE


def run_export(
    path: str, *, place: str, unmasked: bool, as_user: str | None, purpose: str, out: IO[str], err: IO[str]
) -> int:
    from django.utils import timezone

    from anxin.ledger import selectors
    from anxin.ledger.services import ledger_export_log
    from anxin.ledger.workbooks import write_ledger

    today = timezone.localdate()
    try:
        target, by = _place(place), _user(as_user)
        if unmasked and by is None:
            raise _Stop(gettext("完整导出须用 --as 指定一位有权查看完整信息的用户（记入其访问日志）"))
        if by is None:
            residents = selectors.place_residents(target)
        else:
            target = selectors.ledger_place_for_user(by, target.code)
            residents = selectors.ledger_residents(
                user=by, place=target, filters=selectors.LedgerFilters(), today=today
            )
            ledger_export_log(
                by=by, place=target, unmasked=unmasked, count=residents.count(), purpose=purpose
            )
        with Path(path).open("wb") as handle:
            count = write_ledger(residents.iterator(chunk_size=2000), handle, unmasked=unmasked, today=today)
    except (_Stop, DomainError) as exc:
        err.write(f"{getattr(exc, 'reason', exc)}\n")
        return EXIT_UNREADABLE
    except OSError as exc:
        err.write(gettext("无法写入 %(path)s：%(error)s") % {"path": path, "error": exc.strerror} + "\n")
        return EXIT_UNREADABLE
    except DatabaseError as exc:
        return _database_missing(err, exc)
    _print_json({"exported": count, "path": path}, out)
    return EXIT_OK
