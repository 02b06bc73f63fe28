"""The access log: kept at least six months, purged after by the daily task (with a dry run), exported for an audit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anxin.cli import main
from anxin.core.daily import DAILY_JOBS
from anxin.core.models import AccessLog
from anxin.core.retention import access_logs_purge, parse_retention, purge_before

pytestmark = pytest.mark.django_db


def _entry(user, days_ago: int) -> AccessLog:
    entry = AccessLog.objects.create(user=user, action="reveal", object_type="people.resident", object_id="7")
    AccessLog.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return entry


def test_rules_refuse_a_log_kept_under_six_months():
    with pytest.raises(ValueError, match="183"):
        parse_retention("[access_log]\nkeep_days = 90\nminimum_days = 90\n")
    with pytest.raises(ValueError, match="keep_days"):
        parse_retention("[access_log]\nkeep_days = 100\nminimum_days = 183\n")
    assert parse_retention("[access_log]\nkeep_days = 400\nminimum_days = 183\n").keep_days == 400


def test_entries_past_retention_go_and_a_dry_run_only_counts_them(world):
    old, recent = _entry(world.agent, 200), _entry(world.agent, 150)
    dry = access_logs_purge(dry_run=True)
    assert dry["would_purge"] == 1 and dry["purged"] == 0 and AccessLog.objects.count() == 2
    assert access_logs_purge()["purged"] == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert "anxin.core.tasks.access_logs_expire" in DAILY_JOBS


def test_a_day_is_kept_whole():
    cutoff = purge_before(timezone.make_aware(datetime(2026, 12, 7, 15, 0)))
    assert (
        timezone.localtime(cutoff).hour == 0
        and (timezone.localdate(cutoff) - datetime(2026, 6, 7).date()).days == 0
    )


def test_the_audit_export_lists_the_days_entries(world, tmp_path, capsys):
    _entry(world.agent, 1)
    _entry(world.agent, 40)
    today = timezone.localdate()
    out = tmp_path / "audit.xlsx"
    code = main(
        [
            "audit",
            "export",
            str(out),
            "--from",
            (today - timedelta(days=7)).isoformat(),
            "--to",
            today.isoformat(),
        ]
    )
    assert code == 0 and '"rows": 1' in capsys.readouterr().out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and rows[1][1] == world.agent.username and len(rows) == 2


@pytest.mark.parametrize(("start", "end"), [("2026-13-01", "2026-12-01"), ("2026-12-05", "2026-12-01")])
def test_bad_dates_exit_2(tmp_path, capsys, start, end):
    assert main(["audit", "export", str(tmp_path / "a.xlsx"), "--from", start, "--to", end]) == 2
    assert not (tmp_path / "a.xlsx").exists()


def test_purge_from_the_command_line(world, capsys):
    _entry(world.agent, 400)
    assert main(["audit", "purge", "--dry-run"]) == 0
    assert '"would_purge": 1' in capsys.readouterr().out and AccessLog.objects.count() == 1
