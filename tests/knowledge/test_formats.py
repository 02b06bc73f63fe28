"""Files in and out: JSON Lines, a folder of Markdown with front matter, Excel."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from anxin.knowledge.formats import (
    FileUnreadable,
    parse_markdown,
    read_items,
    read_jsonl,
    read_xlsx,
    write_jsonl,
    write_markdown_folder,
    write_xlsx,
)
from anxin.knowledge.records import parse_record
from tests.knowledge.samples import SAMPLE


def records():
    return [parse_record(data) for data in SAMPLE]


def test_jsonl_rows_carry_their_line_numbers_and_bad_lines_say_why():
    content = b'{"id": "a"}\n\n[1, 2]\n{"id": \n\xff\xfe\n{"id": "b"}\n'
    rows = list(read_jsonl(content))
    assert [(r.line, r.error is None) for r in rows] == [
        (1, True),
        (3, False),
        (4, False),
        (5, False),
        (6, True),
    ]
    assert "JSON 对象" in rows[1].error
    assert "UTF-8" in rows[3].error


def test_markdown_front_matter_and_body():
    row = parse_markdown("---\ntitle: 标题\ntags: [a, b]\n---\n\n正文第一段。\n\n- 列表\n", default_id="x")
    assert row.error is None
    assert row.data == {"title": "标题", "tags": ["a", "b"], "id": "x", "body": "正文第一段。\n\n- 列表"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("没有元数据", "---"),
        ("---\ntitle: x\n正文", "结尾"),
        ("---\ntitle: [x\n---\n正文", "YAML"),
        ("---\n- a\n---\n正文", "键"),
    ],
)
def test_markdown_that_cannot_be_read(text, reason):
    row = parse_markdown(text, file="bad.md")
    assert row.error and reason in row.error


def test_each_format_reads_back_what_it_wrote(tmp_path):
    expected = records()
    buffer = io.BytesIO()
    write_jsonl(expected, buffer)
    (tmp_path / "items.jsonl").write_bytes(buffer.getvalue())
    buffer = io.BytesIO()
    write_xlsx(expected, buffer)
    (tmp_path / "items.xlsx").write_bytes(buffer.getvalue())
    write_markdown_folder(expected, tmp_path / "md")
    for path in (tmp_path / "items.jsonl", tmp_path / "items.xlsx", tmp_path / "md"):
        rows = list(read_items(path))
        assert all(row.error is None for row in rows), path
        assert sorted((parse_record(r.data) for r in rows), key=lambda r: r.code) == sorted(
            expected, key=lambda r: r.code
        ), path


def test_text_that_looks_like_a_formula_stays_text_in_excel():
    record = parse_record({**SAMPLE[0], "title": '=HYPERLINK("http://evil")'})
    buffer = io.BytesIO()
    write_xlsx([record], buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["B2"]
    assert cell.data_type == "s"
    assert cell.value == record.title


def test_excel_accepts_chinese_headers_and_refuses_unknown_columns():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编号", "标题", "正文", "分类", "发布机构", "生效日期"])
    sheet.append(["x1", "标题", "正文", "居家治疗", "卫健委", "2022-12-07"])
    sheet.append([None, None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(read_xlsx(buffer.getvalue()))
    assert len(rows) == 1 and rows[0].line == 2
    assert parse_record(rows[0].data).category == "居家治疗"

    sheet.cell(row=1, column=7, value="颜色")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileUnreadable, match="颜色"):
        list(read_xlsx(buffer.getvalue()))


def test_a_file_that_is_not_what_its_name_says(tmp_path):
    fake = tmp_path / "items.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(FileUnreadable):
        list(read_items(fake))
    other = tmp_path / "items.csv"
    other.write_text(json.dumps({}))
    with pytest.raises(FileUnreadable):
        list(read_items(other))
    with pytest.raises(FileUnreadable):
        list(read_items(tmp_path / "missing.jsonl"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileUnreadable):
        list(read_items(tmp_path / "empty"))
