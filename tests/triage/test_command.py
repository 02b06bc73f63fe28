"""`anxin triage [FILE]` and `--eval`: the line contract other tools depend on."""

import io
import json

import pytest

from anxin.cli import main
from anxin.triage.command import run

OUTPUT_KEYS = ["id", "category", "urgency", "disposition", "red_flags", "complaint", "explanation"]


def _run(stdin: bytes, monkeypatch, *args) -> tuple[int, list[dict], str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    code = main(["triage", *args])
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_it_writes_one_decision_per_line_in_order(monkeypatch):
    lines = [
        {"id": "a", "text": "宝宝三个月大，烧到三十八度六，刚才抽了一下"},
        {"id": "b", "text": "加强针在哪里打", "channel": "citizen_hotline"},
        {"id": "c", "text": "血氧还行", "spo2": 90, "age": 71.5, "sex": "F", "conditions": ["copd"]},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    code, out, _ = _run(stdin, monkeypatch)
    assert code == 0
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert all(list(o) == OUTPUT_KEYS for o in out)
    assert (out[0]["urgency"], out[0]["disposition"], out[0]["red_flags"]) == (
        "P1",
        "call_120",
        ["convulsion"],
    )
    assert out[1]["category"] == "vaccination"
    assert out[2]["red_flags"] == ["spo2_low"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"not json", "not JSON"),
        (b'{"id": "x", "text": ""}', "text: empty"),
        (b'{"id": "x", "text": "   "}', "text: empty"),
        (b'{"id": "x"}', "text: must be a string"),
        (b'{"id": "x", "text": 5}', "text: must be a string"),
        (('{"id": "x", "text": "' + "咳" * 4001 + '"}').encode(), "too long"),
        (b'{"id": "x", "text": "a\\u0000b"}', "control characters"),
        (b'{"id": "x", "text": "hi", "age": "70"}', "age: must be a number"),
        (b'{"id": "x", "text": "hi", "age": true}', "age: must be a number"),
        (b'{"id": "x", "text": "hi", "spo2": 130}', "spo2"),
        (b'{"id": "x", "text": "hi", "sex": "male"}', "sex"),
        (b'{"id": "x", "text": "hi", "conditions": ["flu"]}', "conditions: unknown flu"),
        (b'{"id": "x", "text": "hi", "channel": "fax"}', "channel"),
        (b'{"id": 7, "text": "hi"}', "id: must be a string"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_bad_line_gets_an_error_and_the_next_line_still_runs(monkeypatch, line, reason):
    code, out, _ = _run(line + '\n{"id": "next", "text": "咳嗽"}\n'.encode(), monkeypatch)
    assert code == 0
    assert len(out) == 2
    assert set(out[0]) == {"id", "error"}
    assert reason in out[0]["error"]
    assert out[0]["id"] in (None, "x", 7)
    assert out[1]["id"] == "next" and out[1]["category"] == "medical_consult"


def test_it_reads_a_file_and_skips_blank_lines_and_a_byte_order_mark(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"id": "1", "text": "\xe5\x92\xb3"}\n\n{"id": "2", "text": "hi"}\n')
    code, out, _ = _run(b"", monkeypatch, str(source))
    assert code == 0 and [o["id"] for o in out] == ["1", "2"]


def test_it_exits_non_zero_only_when_the_input_cannot_be_read(tmp_path):
    err = io.StringIO()
    assert (
        run(str(tmp_path / "missing.jsonl"), eval_mode=False, as_json=False, out=io.StringIO(), err=err) == 2
    )
    assert "cannot read" in err.getvalue()
    assert run(str(tmp_path), eval_mode=False, as_json=False, out=io.StringIO(), err=io.StringIO()) == 2


def test_eval_prints_precision_recall_and_the_urgency_confusion(tmp_path, monkeypatch):
    gold = tmp_path / "gold.jsonl"
    cases = [
        {"id": "1", "text": "我爸喘不上气", "gold": {"category": "emergency", "urgency": "P1", "disposition": "call_120", "red_flags": ["dyspnea"]}},
        {"id": "2", "text": "加强针在哪打", "gold": {"category": "vaccination", "urgency": "P4", "disposition": "answer_closed", "red_flags": []}},
        {"id": "3", "text": "家里没菜了", "gold": {"category": "supplies", "urgency": "P2", "disposition": "volunteer_errand", "red_flags": []}},
        {"id": "4", "text": "no gold"},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases), encoding="utf-8")
    out = io.StringIO()
    assert run(str(gold), eval_mode=True, as_json=False, out=out, err=io.StringIO()) == 0
    report = out.getvalue()
    assert "P1 recall: 1.000" in report and "urgency confusion" in report and "line 4: gold" in report
    out = io.StringIO()
    run(str(gold), eval_mode=True, as_json=True, out=out, err=io.StringIO())
    figures = json.loads(out.getvalue())
    assert figures["cases"] == 3
    assert figures["urgency_confusion"]["P2"]["P3"] == 1
    assert figures["labels"]["urgency"]["P2"] == {"precision": None, "recall": 0.0, "support": 1}
    assert figures["labels"]["red_flags"]["dyspnea"]["recall"] == 1.0
