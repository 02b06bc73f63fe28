"""`anxin ledger`: the JSON on standard output and the exit codes, exactly as the contract says."""

from __future__ import annotations

import io
import json

import pytest

from anxin.cli import main
from anxin.core.models import AccessLog
from anxin.people.models import Resident
from tests.ledger.files import person, read_xlsx, xlsx

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, name="台账.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def output(capsys) -> tuple[dict, str]:
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1  # one JSON object, nothing else on standard output
    return json.loads(lines[0]), captured.err


def test_a_good_file_prints_the_counts_and_exits_0(compound_a, tmp_path, capsys):
    path = write(tmp_path, [person("周一", (1980, 1, 1)), person("周二", (1981, 1, 1))])
    assert main(["ledger", "import", path, "--place", "AC"]) == 0
    report, _ = output(capsys)
    assert report == {"added": 2, "updated": 0, "rejected": 0, "errors": []}
    assert main(["ledger", "import", path, "--place", "AC"]) == 0
    assert output(capsys)[0] == {"added": 0, "updated": 0, "rejected": 0, "errors": []}


def test_a_bad_row_exits_1_and_writes_nothing(compound_a, tmp_path, capsys):
    path = write(tmp_path, [person("周一", (1980, 1, 1)), person("周二", (1981, 1, 1), 联系电话="999")])
    assert main(["ledger", "import", path, "--place", "AC"]) == 1
    report, _ = output(capsys)
    assert report == {
        "added": 0,
        "updated": 0,
        "rejected": 1,
        "errors": [{"row": 3, "field": "phone", "reason": "手机号应为 1 开头的 11 位数字"}],
    }
    assert not Resident.objects.filter(name__in=["周一", "周二"]).exists()


def test_partial_writes_the_good_rows_and_still_exits_1(compound_a, tmp_path, capsys):
    path = write(tmp_path, [person("周一", (1980, 1, 1)), person("周二", (1981, 1, 1), 联系电话="999")])
    assert main(["ledger", "import", path, "--place", "AC", "--partial"]) == 1
    report, _ = output(capsys)
    assert (report["added"], report["rejected"]) == (1, 1)
    assert Resident.objects.filter(name="周一").exists()


def test_a_dry_run_reports_what_would_happen(compound_a, tmp_path, capsys):
    path = write(tmp_path, [person("周一", (1980, 1, 1))])
    assert main(["ledger", "import", path, "--place", "AC", "--dry-run"]) == 0
    assert output(capsys)[0]["added"] == 1
    assert not Resident.objects.filter(name="周一").exists()


def test_errors_writes_the_report(compound_a, tmp_path, capsys):
    path = write(tmp_path, [person("周二", (1981, 1, 1), 联系电话="999")])
    report_path = tmp_path / "errors.xlsx"
    assert main(["ledger", "import", path, "--place", "AC", "--errors", str(report_path)]) == 1
    output(capsys)
    rows = read_xlsx(report_path.read_bytes())
    assert rows[0][:3] == ["行", "字段", "原因"] and rows[1][:2] == [2, "联系电话"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "NOPE"], "未知的区域代码：NOPE"),
        (["--place", "AC1"], "只能导入到小区、网格或社区"),
        (["--place", "AC", "--as", "grid_b"], "您不负责这个区域，不能导入"),
        (["--place", "AC", "--as", "nobody"], "没有这个用户：nobody"),
    ],
)
def test_an_unusable_place_or_user_exits_2(compound_a, tmp_path, capsys, args, message):
    path = write(tmp_path, [person("周一", (1980, 1, 1))])
    assert main(["ledger", "import", path, *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_an_unreadable_file_exits_2(compound_a, tmp_path, capsys):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert main(["ledger", "import", str(path), "--place", "AC"]) == 2
    assert main(["ledger", "import", str(tmp_path / "missing.xlsx"), "--place", "AC"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "二进制" in captured.err and "无法读取" in captured.err


def test_a_missing_column_exits_2(compound_a, tmp_path, capsys):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx([["周一"]], ["姓名"]))
    assert main(["ledger", "import", str(path), "--place", "AC"]) == 2
    assert "缺少必需的列" in capsys.readouterr().err


def test_export_writes_the_masked_ledger(world, compound_a, tmp_path, capsys):
    out = tmp_path / "ledger.xlsx"
    assert main(["ledger", "export", "--place", "AC", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"exported": 3, "path": str(out)}
    rows = read_xlsx(out.read_bytes())
    assert world.wang.id_number not in {cell for row in rows for cell in row}
    assert not AccessLog.objects.exists()


def test_an_unmasked_export_needs_a_user_who_may_reveal_and_is_logged(world, compound_a, tmp_path, capsys):
    out = tmp_path / "full.xlsx"
    assert main(["ledger", "export", "--place", "AC", str(out), "--unmasked"]) == 2
    assert main(["ledger", "export", "--place", "AC", str(out), "--unmasked", "--as", "command"]) == 2
    assert "无权" in capsys.readouterr().err
    assert not AccessLog.objects.exists()

    assert (
        main(
            [
                "ledger",
                "export",
                "--place",
                "AC",
                str(out),
                "--unmasked",
                "--as",
                "grid_a",
                "--purpose",
                "核对",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert world.wang.id_number in {cell for row in read_xlsx(out.read_bytes()) for cell in row}
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.fields) == (world.grid_worker_a, "export", "id_number,phone")
    assert "3" in log.purpose and "核对" in log.purpose


def test_the_round_trip_through_the_command_line(world, compound_a, tmp_path, capsys):
    out = tmp_path / "full.xlsx"
    assert main(["ledger", "export", "--place", "AC", str(out), "--unmasked", "--as", "admin"]) == 0
    capsys.readouterr()
    assert main(["ledger", "import", str(out), "--place", "AC"]) == 0
    assert output(capsys)[0] == {"added": 0, "updated": 0, "rejected": 0, "errors": []}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_line_and_standard_output_stays_json(compound_a, tmp_path):
    from anxin.ledger import command

    path = write(tmp_path, [person("周一", (1980, 1, 1)), person("周二", (1981, 1, 1))])
    out, err = io.StringIO(), Terminal()
    code = command.run_import(
        path, place="AC", dry_run=False, errors=None, partial=False, as_user=None, out=out, err=err
    )
    assert code == 0
    assert json.loads(out.getvalue())["added"] == 2
    assert f"\r[{'#' * 30}] 100% 已读 2 行 · 可导入 2 · 拒绝 0" in err.getvalue()


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 10, "[" + "-" * 30 + "]   0% "),
        (5, 10, "[" + "#" * 15 + "-" * 15 + "]  50% "),
        (12, 10, "[" + "#" * 30 + "] 100% "),
        (5, None, ""),
        (5, 0, ""),
    ],
)
def test_the_progress_bar_fills_with_the_rows_read(done, total, bar):
    from anxin.ledger.command import progress_bar

    assert progress_bar(done, total) == bar
