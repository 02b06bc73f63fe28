"""Ledger files for the tests, built in memory: .xlsx through openpyxl, .csv in any encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook

from tests.factories import make_id_number

HEADERS = ["姓名", "身份证号", "联系电话", "楼栋", "门牌", "人群类别", "慢性病", "预产期"]


def xlsx(
    rows: Sequence[Sequence[object]], headers: Sequence[object] = HEADERS, *, title: str | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[object]], headers: Sequence[object] = HEADERS, *, encoding: str = "utf-8-sig"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return out.getvalue().encode(encoding)


def read_xlsx(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def person(name: str, birth, *, male: bool = True, building: str = "1栋", room: str = "101", **cells) -> list:
    """A row in HEADERS order; cells by header name override the blanks."""
    from datetime import date

    values = {
        "姓名": name,
        "身份证号": make_id_number(birth if isinstance(birth, date) else date(*birth), male=male),
        "联系电话": "",
        "楼栋": building,
        "门牌": room,
        "人群类别": "",
        "慢性病": "",
        "预产期": None,
    }
    values.update(cells)
    return [values[h] for h in HEADERS]


def excel_like_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    """A workbook as Excel saves it: shared strings, a declared size, a date style, and cells of every kind.

    ``rows`` hold raw cell XML (``<c r="A2" t="s"><v>0</v></c>``...) after the header, which is written with
    shared strings 0..n-1; other shared strings come after the header's.
    """
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = "".join(f"<si><t>{text}</t></si>" for text in header) + "<si><t>共享文本</t></si>"
    letters = "ABCDEFGHIJ"
    header_row = "".join(f'<c r="{letters[i]}1" t="s"><v>{i}</v></c>' for i in range(len(header)))
    body = "".join(f'<row r="{n}">{cells}</row>' for n, cells in enumerate(rows, start=2))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{main}"><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(header) + 1}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><dimension ref="A1:{letters[len(header) - 1]}{len(rows) + 1}"/>'
            f'<sheetData><row r="1">{header_row}</row>{body}</sheetData></worksheet>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
