"""A ledger file (.xlsx, or .csv in UTF-8 with or without BOM, UTF-16, or GBK/GB18030) as a header and rows.

What the file is comes from its first bytes, not only its name: an .xlsx renamed .csv is still read as Excel,
an old .xls or a picture is refused with one clear reason (``FileUnreadable``). Rows are streamed (openpyxl's
read-only mode; the CSV text is decoded once), each with its row number as a spreadsheet shows it. The
header is the first of the first rows that names at least two known columns, so a title row above it
("XX社区重点人群台账") is skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from anxin.core.i18n import gettext
from anxin.ledger.columns import known_header_count

MAX_FILE_BYTES = 50 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 200
SUFFIXES = (".xlsx", ".csv")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # .xls, and any encrypted Office file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileUnreadable(ValueError):
    """The file as a whole cannot be read as a ledger; nothing from it is written."""


@dataclass
class Table:
    headers: list[str]
    header_row: int  # 1-based, as a spreadsheet numbers rows
    rows: Iterator[tuple[int, tuple[object, ...]]]  # (row number, cells) after the header, blank rows skipped
    kind: str  # "xlsx" or "csv"
    encoding: str = ""
    rows_estimate: int | None = None  # data rows, from the sheet's declared size or the CSV's line count


@contextmanager
def open_table(name: str, content: bytes) -> Iterator[Table]:
    """The table in ``content``; raises FileUnreadable for anything that is not a readable ledger."""
    if not content:
        raise FileUnreadable(gettext("文件是空的"))
    if len(content) > MAX_FILE_BYTES:
        raise FileUnreadable(gettext("文件过大：最多 %(max)s MB") % {"max": MAX_FILE_BYTES // 1024 // 1024})
    suffix = PurePath(name.lower()).suffix
    if content.startswith(_OLE):
        raise FileUnreadable(gettext("不支持旧版 Excel (.xls) 或加密的文件：请另存为 .xlsx 或 .csv"))
    if content.startswith(_ZIP):
        with _xlsx_table(content) as table:
            yield table
        return
    if suffix == ".xlsx":
        raise FileUnreadable(gettext("不是有效的 Excel (.xlsx) 文件"))
    if suffix not in (".csv", ".txt"):
        raise FileUnreadable(gettext("只能导入 .xlsx 或 .csv 文件"))
    yield _csv_table(content)


# --- header ---


def _cells_text(cells: tuple[object, ...]) -> list[str]:
    return ["" if cell is None else str(cell).strip() for cell in cells]


def _blank(cells: tuple[object, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _split_header(numbered: Iterator[tuple[int, tuple[object, ...]]]) -> tuple[int, list[str], list]:
    """(header row number, header texts, rows read past it that are data) from the first rows."""
    seen: list[tuple[int, tuple[object, ...]]] = []
    for number, cells in numbered:
        if _blank(cells):
            continue
        seen.append((number, cells))
        if known_header_count(_cells_text(cells)) >= 2:
            return number, _cells_text(cells), []
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise FileUnreadable(gettext("工作表是空的"))
    # No row names two known columns: take the first one, and the mapping step says what is missing.
    first_number, first = seen[0]
    return first_number, _cells_text(first), seen[1:]


def _table(
    numbered: Iterator[tuple[int, tuple[object, ...]]], kind: str, *, encoding: str = "", last_row: int | None
) -> Table:
    header_row, headers, pending = _split_header(numbered)
    if len(headers) > MAX_COLUMNS:
        raise FileUnreadable(gettext("列数过多：最多 %(max)s 列") % {"max": MAX_COLUMNS})

    def rows() -> Iterator[tuple[int, tuple[object, ...]]]:
        yield from pending
        for number, cells in numbered:
            if not _blank(cells):
                yield number, cells

    estimate = max(0, last_row - header_row) if last_row else None
    return Table(
        headers=headers,
        header_row=header_row,
        rows=rows(),
        kind=kind,
        encoding=encoding,
        rows_estimate=estimate,
    )


# --- xlsx ---


@contextmanager
def _xlsx_table(content: bytes) -> Iterator[Table]:
    from anxin.ledger.xlsx_rows import first_sheet

    try:
        sheet = first_sheet(content)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        raise FileUnreadable(gettext("不是有效的 Excel (.xlsx) 文件")) from exc
    if sheet is None:
        raise FileUnreadable(gettext("工作表是空的"))
    try:
        yield _table(_sheet_rows(sheet), "xlsx", last_row=sheet.declared_rows())
    finally:
        sheet.archive.close()


def _sheet_rows(sheet) -> Iterator[tuple[int, tuple[object, ...]]]:
    try:
        yield from sheet.rows()
    except (
        SyntaxError,
        ValueError,
        KeyError,
        IndexError,
        zipfile.BadZipFile,
    ) as exc:  # ParseError: SyntaxError
        raise FileUnreadable(gettext("Excel 文件已损坏，无法读取")) from exc


# --- csv ---


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(_UTF16_BOMS):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileUnreadable(gettext("文件编码无法识别")) from exc
    if b"\x00" in content:
        raise FileUnreadable(gettext("不是表格文件：含有二进制内容"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise FileUnreadable(gettext("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV"))


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[tuple[int, tuple[object, ...]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, tuple(cells)
    except csv.Error as exc:
        raise FileUnreadable(gettext("CSV 格式错误：%(error)s") % {"error": exc}) from exc


def _csv_table(content: bytes) -> Table:
    text, encoding = _decode(content)
    return _table(_csv_rows(text), "csv", encoding=encoding, last_row=text.rstrip("\r\n").count("\n") + 1)
