"""Backups that restore: the demo district backed up and restored into an empty database, on the engine the
suite runs on (CI runs it on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

PG_ADMIN = os.environ.get("ANXIN_CI_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _anxin(tmp_path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DATABASE_URL": url, "ANXIN_SEMANTIC": "false"})
    command = [sys.executable, "-m", "anxin.cli", *args]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def two_databases(tmp_path):
    """(source URL, empty target URL) on the suite's engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg

    names = [f"anxin_bk_{uuid.uuid4().hex[:10]}_{side}" for side in ("src", "dst")]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_demo_district_round_trips(tmp_path, two_databases):
    source, target = two_databases
    assert _anxin(tmp_path, source, "demo", "--no-serve", "--scale", "0.05").returncode == 0
    file = tmp_path / "anxin.backup"
    made = _anxin(tmp_path, source, "backup", str(file))
    assert made.returncode == 0, made.stderr
    backed_up = json.loads(made.stdout)
    manifest = json.loads((tmp_path / "anxin.backup.manifest.json").read_text())
    assert manifest["tables"]["hotline_case"] > 0 and manifest["tables"]["people_resident"] > 0

    restored = _anxin(tmp_path, target, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert report["counts_match"] is True and report["rows"] == backed_up["rows"]

    again = _anxin(tmp_path, target, "restore", str(file))
    assert again.returncode == 2 and "不是空的" in again.stderr
    assert _anxin(tmp_path, source, "backup", str(file)).returncode == 2  # never overwrites


def test_a_restore_without_its_manifest_or_from_a_damaged_file_writes_nothing(tmp_path):
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    file = tmp_path / "x.backup"
    file.write_bytes(b"not a database")
    missing = _anxin(tmp_path, target, "restore", str(file))
    assert missing.returncode == 2 and "缺少备份清单" in missing.stderr
    (tmp_path / "x.backup.manifest.json").write_text(
        json.dumps({"format": "anxin-backup-1", "engine": "sqlite", "tables": {}})
    )
    damaged = _anxin(tmp_path, target, "restore", str(file))
    assert damaged.returncode == 2
