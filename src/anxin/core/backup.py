"""Backups that restore: ``anxin backup FILE`` and ``anxin restore FILE``.

SQLite is copied with its online backup API (a consistent copy while the server keeps writing); PostgreSQL is
dumped by ``pg_dump`` in its custom format. Beside the backup a manifest (``FILE.manifest.json``) records the
engine and every table's row count, counted in the same snapshot the backup copies (SQLite: the copy itself;
PostgreSQL: a repeatable-read transaction whose snapshot pg_dump is given). A restore goes into an empty
database only, then checks that the restored database opens (SQLite: ``PRAGMA integrity_check``) and that
every table holds the rows the manifest says.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections, transaction
from django.utils import timezone

from anxin.core.i18n import gettext

FORMAT = "anxin-backup-1"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Checked:
    tables: int
    rows: int
    mismatches: dict[str, tuple[int, int]]  # table -> (rows in the manifest, rows restored)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def backup(path: Path, *, using: str = "default") -> dict[str, object]:
    if path.exists() or manifest_path(path).exists():
        raise BackupError(gettext("文件已存在，不会覆盖：%(path)s") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(gettext("目录不存在：%(path)s") % {"path": path.parent})
    connection = connections[using]
    partial = path.with_name(path.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            counts = _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            counts = _postgres_backup(connection, partial)
        else:
            raise BackupError(gettext("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "format": FORMAT,
        "engine": connection.vendor,
        "created_at": timezone.now().isoformat(),
        "tables": counts,
    }
    manifest_path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "file": str(path),
        "engine": connection.vendor,
        "tables": len(counts),
        "rows": sum(counts.values()),
    }


def restore(path: Path, *, using: str = "default") -> dict[str, object]:
    manifest = _read_manifest(path)
    connection = connections[using]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            gettext("备份来自 %(source)s，不能恢复到 %(target)s")
            % {"source": manifest["engine"], "target": connection.vendor}
        )
    if connection.introspection.table_names():
        raise BackupError(gettext("目标数据库不是空的：只能恢复到新建的空数据库"))
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, path)
    else:
        _postgres_restore(connection, path)
    checked = _check(connection, manifest["tables"])
    return {
        "file": str(path),
        "engine": connection.vendor,
        "tables": checked.tables,
        "rows": checked.rows,
        "counts_match": not checked.mismatches,
        "mismatches": {table: list(pair) for table, pair in checked.mismatches.items()},
    }


def _read_manifest(path: Path) -> dict:
    if not path.is_file():
        raise BackupError(gettext("备份文件不存在：%(path)s") % {"path": path})
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(gettext("缺少备份清单：%(path)s") % {"path": manifest_path(path)}) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(gettext("备份清单无法读取：%(path)s") % {"path": manifest_path(path)}) from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("tables"), dict)
    ):
        raise BackupError(gettext("备份清单格式不对：%(path)s") % {"path": manifest_path(path)})
    return manifest


def _count(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the schema
        counts[table] = cursor.fetchone()[0]
    return counts


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(raw: sqlite3.Connection) -> list[str]:
    rows = raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in rows]


def _sqlite_backup(connection, partial: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
        return _count(target.cursor(), _sqlite_tables(target), _quote_sqlite)
    finally:
        target.close()


def _sqlite_restore(connection, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(gettext("备份文件已损坏：%(path)s") % {"path": path})
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            gettext("不是 SQLite 备份文件：%(path)s（%(error)s）") % {"path": path, "error": exc}
        ) from exc
    finally:
        source.close()
    connection.close()  # the next query opens the restored database afresh


def _pg_environment(connection) -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    env["PGDATABASE"] = settings["NAME"]
    return env


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            gettext("找不到 %(tool)s：请安装 postgresql-client（scripts/setup 会安装）") % {"tool": name}
        )
    return tool


def _run(command: list[str], env: dict[str, str]) -> None:
    finished = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our arguments
    if finished.returncode != 0:
        raise BackupError(finished.stderr.strip() or f"{command[0]} exit {finished.returncode}")


def _postgres_backup(connection, partial: Path) -> dict[str, int]:
    dump = _pg_tool("pg_dump")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        # pg_dump reads the very snapshot the counts were taken in, while this transaction holds it open.
        _run(
            [dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={partial}"],
            _pg_environment(connection),
        )
    return counts


def _postgres_restore(connection, path: Path) -> None:
    restore_tool = _pg_tool("pg_restore")
    env = _pg_environment(connection)
    connection.close()
    _run(
        [
            restore_tool,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={env['PGDATABASE']}",
            str(path),
        ],
        env,
    )


def _check(connection, expected: dict[str, int]) -> Checked:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            if cursor.fetchone()[0] != "ok":
                raise BackupError(gettext("恢复后的数据库未通过完整性检查"))
        tables = connection.introspection.table_names(cursor)
        quote = _quote_sqlite if connection.vendor == "sqlite" else connection.ops.quote_name
        restored = _count(cursor, tables, quote)
    mismatches = {
        table: (rows, restored.get(table, -1))
        for table, rows in expected.items()
        if restored.get(table) != rows
    }
    return Checked(tables=len(restored), rows=sum(restored.values()), mismatches=mismatches)
