"""`anxin kb`: import, search and batch search, exactly as the contract says."""

from __future__ import annotations

import json

import orjson
import pytest

from anxin.cli import main
from anxin.knowledge.models import Item
from tests.knowledge.samples import SAMPLE, item

pytestmark = pytest.mark.django_db


def write_jsonl(path, records) -> str:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return str(path)


def test_import_prints_the_report_and_exits_0(tmp_path, capsys):
    assert main(["kb", "import", write_jsonl(tmp_path / "items.jsonl", SAMPLE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"created": len(SAMPLE), "updated": 0, "unchanged": 0, "errors": []}


def test_a_bad_row_exits_1_names_its_line_and_writes_nothing(tmp_path, capsys):
    records = [SAMPLE[0], item("x", "", "正文"), SAMPLE[1]]
    assert main(["kb", "import", write_jsonl(tmp_path / "items.jsonl", records)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [{"line": 2, "field": "title", "reason": "缺少此字段"}]
    assert not Item.objects.exists()


def test_an_unreadable_file_exits_2(tmp_path, capsys):
    assert main(["kb", "import", str(tmp_path / "missing.jsonl")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_search_json_is_a_list_of_id_title_score_best_first(sample_items, capsys):
    assert main(["kb", "search", "抗原两道杠怎么看", "--top", "2", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results[0]["id"] == "antigen-read"
    assert [set(r) for r in results] == [{"id", "title", "score"}] * len(results)
    assert len(results) <= 2 and results == sorted(results, key=lambda r: -r["score"])


def test_batch_answers_each_line_in_order(sample_items, tmp_path, capsys):
    lines = [
        {"qid": "q1", "query": "血氧仪怎么看"},
        {"qid": "q2", "query": "二阳了怎么办"},
        {"qid": "q3"},
        {"qid": "q4", "query": "！？"},
    ]
    batch = write_jsonl(tmp_path / "queries.jsonl", lines)
    (tmp_path / "queries.jsonl").write_bytes((tmp_path / "queries.jsonl").read_bytes() + b"not json\n")
    assert main(["kb", "search", "--batch", batch, "--top", "1"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["qid"] for o in out] == ["q1", "q2", "q3", "q4", None]
    assert out[0]["results"][0]["id"] == "oximeter"
    assert out[1]["results"][0]["id"] == "reinfection"
    assert out[2]["results"] == [] and out[2]["error"]
    assert out[3] == {"qid": "q4", "results": []}
    assert out[4]["error"]


def test_export_then_import_changes_nothing(sample_items, tmp_path, capsys):
    for name in ("all.jsonl", "all.xlsx", "folder"):
        assert main(["kb", "export", str(tmp_path / name)]) == 0
        capsys.readouterr()
        assert main(["kb", "import", str(tmp_path / name)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, len(SAMPLE)), name
