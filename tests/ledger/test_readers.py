"""Reading ledger files: Excel, CSV in UTF-8 (with or without BOM), GBK and UTF-16; title rows above the
header; and one clear reason for anything that is not a readable ledger."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from anxin.ledger.readers import FileUnreadable, open_table
from tests.ledger.files import HEADERS, csv_bytes, excel_like_xlsx, xlsx

ROW = ["王建国", "440309194803020011", "13800138000", "1栋", "101", "独居老人", "高血压", None]


def read(name: str, content: bytes) -> tuple[list[str], int, list]:
    with open_table(name, content) as table:
        return table.headers, table.header_row, list(table.rows)


def test_it_reads_xlsx():
    headers, header_row, rows = read("台账.xlsx", xlsx([ROW, ROW]))
    assert headers == HEADERS and header_row == 1
    assert [number for number, _ in rows] == [2, 3]
    assert rows[0][1][:5] == ("王建国", "440309194803020011", "13800138000", "1栋", "101")


def test_it_skips_a_title_row_and_keeps_spreadsheet_row_numbers():
    headers, header_row, rows = read("台账.xlsx", xlsx([ROW], title="鹭湖社区重点人群台账（2022年12月）"))
    assert headers == HEADERS and header_row == 2
    assert [number for number, _ in rows] == [3]


def test_it_skips_blank_rows_but_counts_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(ROW)
    sheet.append([None] * len(HEADERS))
    sheet.append(ROW)
    out = io.BytesIO()
    workbook.save(out)
    _, _, rows = read("a.xlsx", out.getvalue())
    assert [number for number, _ in rows] == [2, 4]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_reads_csv_in_every_encoding_people_save(encoding):
    headers, _, rows = read("台账.csv", csv_bytes([ROW], encoding=encoding))
    assert headers == HEADERS
    assert rows[0][1][0] == "王建国" and rows[0][1][5] == "独居老人"


def test_it_reads_an_xlsx_whatever_its_name():
    headers, _, _ = read("台账.csv", xlsx([ROW]))
    assert headers == HEADERS


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.csv", b"", "文件是空的"),
        ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格文件：含有二进制内容"),
        ("a.xlsx", b"just text", "不是有效的 Excel (.xlsx) 文件"),
        ("a.xlsx", b"PK\x03\x04 broken zip", "不是有效的 Excel (.xlsx) 文件"),
        (
            "a.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "不支持旧版 Excel (.xls) 或加密的文件：请另存为 .xlsx 或 .csv",
        ),
        ("a.pdf", b"%PDF-1.4", "只能导入 .xlsx 或 .csv 文件"),
        (
            "a.csv",
            "姓名,身份证号\n".encode() + b"\xff\xfe\xfa",
            "文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV",
        ),
        ("a.csv", b"\n\n  \n", "工作表是空的"),
    ],
)
def test_a_file_that_is_not_a_ledger_has_one_reason(name, content, reason):
    with pytest.raises(FileUnreadable) as caught:
        read(name, content)
    assert str(caught.value) == reason


def test_an_empty_workbook_is_refused():
    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(FileUnreadable) as caught:
        read("a.xlsx", out.getvalue())
    assert str(caught.value) == "工作表是空的"


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileUnreadable):
        read("a.xlsx", out.getvalue())


def openpyxl_rows(content: bytes) -> list[tuple]:
    """What openpyxl's own read-only rows give, trailing blanks dropped (the reader's rows end at their last cell)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(tuple(cells))
    return rows


EXCEL_CELLS = [
    # shared string, a gap (no B), a number, a date (style 1), a boolean, a formula's cached text, an inline string
    '<c r="A2" t="s"><v>8</v></c><c r="C2"><v>13800138000</v></c><c r="D2" s="1"><v>44941</v></c>'
    '<c r="E2" t="b"><v>1</v></c><c r="F2" t="str"><f>A2&amp;""</f><v>共享文本</v></c>'
    '<c r="G2" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></is></c>',
    '<c r="A3" t="inlineStr"><is><t>内联</t></is></c><c r="B3"><v>1.5</v></c><c r="H3" t="e"><v>#N/A</v></c>',
]


def test_it_reads_an_excel_saved_workbook_as_openpyxl_does():
    content = excel_like_xlsx(
        ["姓名", "身份证号", "联系电话", "出院日期", "独居", "公式", "备注", "错误"], EXCEL_CELLS
    )
    with open_table("台账.xlsx", content) as table:
        assert table.rows_estimate == 2
        rows = [cells for _, cells in table.rows]
    expected = openpyxl_rows(content)[1:]
    assert rows == expected
    assert rows[0][3].date().isoformat() == "2023-01-15" and rows[0][6] == "富文本"


def test_it_reads_what_openpyxl_writes_as_openpyxl_does():
    from datetime import date

    content = xlsx([["王建国", None, 13800138000, date(2023, 1, 15), True, "=1+1", 1.25]])
    with open_table("台账.xlsx", content) as table:
        rows = [cells for _, cells in table.rows]
    assert rows == openpyxl_rows(content)[1:]
