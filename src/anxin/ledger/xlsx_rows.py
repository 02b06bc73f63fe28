"""Rows of a worksheet's XML as tuples of values, for openpyxl's read-only workbook.

openpyxl's own read-only rows look up every XML event in its tables of sheet parts, build a dictionary per
cell and read inline strings (what openpyxl itself, and so Anxin's export, writes) through its descriptor
machinery: about 10 µs a cell, 13 s of a 100,000-row ledger. This parser is openpyxl's
(``WorkSheetParser``, with the workbook's shared strings, date styles and epoch) doing only the rows: a
tuple per row, a cached column lookup, inline strings joined directly; about 5 s for the same file.
tests/ledger/test_readers.py checks that it reads what openpyxl reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from warnings import warn
from zipfile import ZipFile

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_V = f"{{{SHEET_MAIN_NS}}}v"
_IS = f"{{{SHEET_MAIN_NS}}}is"
_T = f"{{{SHEET_MAIN_NS}}}t"
_RUN_T = f"{{{SHEET_MAIN_NS}}}r/{{{SHEET_MAIN_NS}}}t"
_DIGITS = "0123456789"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


@dataclass
class Sheet:
    """The first worksheet of a workbook and what its cells need: shared strings, date styles, epoch."""

    archive: ZipFile
    path: str
    shared_strings: list
    epoch: object
    date_formats: set
    timedelta_formats: set

    def declared_rows(self) -> int | None:
        """The last row, for a progress bar: as the sheet declares it (its <dimension>, at the top of the
        XML), else estimated from the size of the sheet and of its first rows. Reads 64 KB at most."""
        with self.archive.open(self.path) as source:
            head = source.read(65536)
        match = _DIMENSION.search(head)
        if match and match[1]:
            return int(match[1])
        rows_seen = head.count(b"<row ") + head.count(b"<row>")
        if not rows_seen:
            return None
        return round(self.archive.getinfo(self.path).file_size * rows_seen / len(head))

    def rows(self):
        with self.archive.open(self.path) as source:
            parser = RowParser(
                source,
                self.shared_strings,
                data_only=True,
                epoch=self.epoch,
                date_formats=self.date_formats,
                timedelta_formats=self.timedelta_formats,
            )
            yield from parser.parse()


def first_sheet(content: bytes) -> Sheet | None:
    """Open a workbook as openpyxl's read-only ``load_workbook`` does, up to the worksheets; None if it has
    none. Not ``load_workbook`` itself: it measures every sheet first, which for a sheet without a declared
    size (openpyxl's own write-only files, Anxin's export) means reading the whole sheet once more."""
    reader = ExcelReader(BytesIO(content), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            workbook = reader.wb
            return Sheet(
                archive=reader.archive,
                path=rel.target,
                shared_strings=reader.shared_strings,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
    reader.archive.close()
    return None


@cache
def _column(letters: str) -> int:
    return column_index_from_string(letters)


def _inline_text(element) -> str:
    """The text of an <is> element: its <t>, or its runs' <t>s in order (phonetic runs left out)."""
    direct = element.find(_T)
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for t in element.iterfind(_RUN_T))


class RowParser(WorkSheetParser):
    """``parse()`` yields (row number, values); values are as openpyxl's ``iter_rows(values_only=True)``
    gives them for a data-only workbook (no trailing padding: a row ends at its last cell)."""

    def parse(self):
        """Rows only: the sheet's other parts (column widths, merged cells, views) mean nothing to a ledger."""
        for _, element in iterparse(self.source):
            if element.tag == ROW_TAG:
                yield self.parse_row(element)
                element.clear()

    def parse_row(self, row):
        number = row.get("r")
        self.row_counter = int(float(number)) if number else self.row_counter + 1
        values: list[object] = []
        for cell in row:
            ref = cell.get("r")
            if ref:
                missing = _column(ref.rstrip(_DIGITS)) - 1 - len(values)
                if missing > 0:
                    values.extend([None] * missing)
            values.append(self._value(cell))
        return self.row_counter, tuple(values)

    def _value(self, cell) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            child = cell.find(_IS)
            return _inline_text(child) if child is not None else None
        value = cell.findtext(_V) or None
        if value is None:
            return None
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "n":
            return self._number(cell, value)
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text) and "e" (an error such as #N/A)

    def _number(self, cell, value: str) -> object:
        number = _cast_number(value)
        style = cell.get("s")
        if not style or int(style) not in self.date_formats:
            return number
        try:
            return from_excel(number, self.epoch, timedelta=int(style) in self.timedelta_formats)
        except (OverflowError, ValueError):
            warn(f"Cell {cell.get('r')} is marked as a date but holds {value}", stacklevel=2)
            return "#VALUE!"
