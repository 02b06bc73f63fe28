"""Reading and writing knowledge items as files: JSON Lines, a folder of Markdown with front matter, Excel.

Readers yield ``Row``s: where the item was (line or row number, and the file inside a folder) and either its
raw fields or why they could not be read. They do not judge the fields; ``records.parse_record`` does, for
every format alike. Writers take ``ItemRecord``s and write the form the readers read back.
"""

from __future__ import annotations

import csv
import io
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson
import yaml

from anxin.core.i18n import gettext
from anxin.knowledge.records import ItemRecord, record_to_dict

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_MARKDOWN_BYTES = 1024 * 1024
FRONT_MATTER_FENCE = "---"

# Spreadsheet columns: the JSON field names, or the Chinese headers people type. `source` is three columns.
XLSX_COLUMNS = {
    "id": "编号",
    "title": "标题",
    "body": "正文",
    "category": "分类",
    "tags": "标签",
    "source.issuer": "发布机构",
    "source.document": "文件名称或文号",
    "source.url": "网址",
    "effective_from": "生效日期",
    "effective_until": "失效日期",
    "supersedes": "替代条目",
    "audience": "受众",
    "status": "状态",
}
_HEADER_TO_FIELD = {
    **{key: key for key in XLSX_COLUMNS},
    **{label: key for key, label in XLSX_COLUMNS.items()},
}


@dataclass
class Row:
    line: int
    data: dict[str, object] = field(default_factory=dict)
    file: str | None = None
    error: str | None = None
    error_field: str | None = None


class FileUnreadable(ValueError):
    """The whole file cannot be read (missing, not the format its name says, too large)."""


def read_items(path: Path) -> Iterator[Row]:
    """By extension: .jsonl, .xlsx, or a folder of .md files."""
    if path.is_dir():
        return read_markdown_folder(path)
    if not path.exists():
        raise FileUnreadable(gettext("文件不存在：%(path)s") % {"path": path})
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FileUnreadable(gettext("文件过大：最多 %(max)s MB") % {"max": MAX_FILE_BYTES // 1024 // 1024})
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return read_jsonl(path.read_bytes())
    if suffix == ".xlsx":
        return read_xlsx(path.read_bytes())
    raise FileUnreadable(gettext("只能导入 .jsonl、.xlsx 文件或 Markdown 文件夹"))


def read_jsonl(content: bytes) -> Iterator[Row]:
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Row(number, error=gettext("不是 UTF-8 编码"))
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield Row(number, error=gettext("不是合法的 JSON：%(error)s") % {"error": exc})
            continue
        if not isinstance(data, dict):
            yield Row(number, error=gettext("每行必须是一个 JSON 对象"))
            continue
        yield Row(number, data=data)


def read_markdown_folder(folder: Path) -> Iterator[Row]:
    files = sorted(p for p in folder.rglob("*.md") if p.is_file())
    if not files:
        raise FileUnreadable(gettext("文件夹里没有 .md 文件：%(path)s") % {"path": folder})
    for path in files:
        name = str(path.relative_to(folder))
        if path.stat().st_size > MAX_MARKDOWN_BYTES:
            yield Row(1, file=name, error=gettext("文件过大：最多 1 MB"))
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            yield Row(1, file=name, error=gettext("不是 UTF-8 编码"))
            continue
        yield parse_markdown(text, file=name, default_id=path.stem)


def parse_markdown(text: str, *, file: str | None = None, default_id: str | None = None) -> Row:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return Row(1, file=file, error=gettext("缺少开头的 --- 元数据块（front matter）"))
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        return Row(1, file=file, error=gettext("元数据块没有结尾的 ---"))
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        return Row(line, file=file, error=gettext("元数据不是合法的 YAML"))
    if not isinstance(meta, dict):
        return Row(1, file=file, error=gettext("元数据必须是“键: 值”形式"))
    if "body" in meta:
        return Row(1, file=file, error=gettext("正文写在元数据块之后，不要写 body 键"), error_field="body")
    data = {str(key): value for key, value in meta.items()}
    data.setdefault("id", default_id)
    data["body"] = "\n".join(lines[end + 1 :]).strip()
    return Row(1, file=file, data=data)


def read_xlsx(content: bytes) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable(gettext("不是有效的 Excel (.xlsx) 文件")) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileUnreadable(gettext("工作表是空的"))
        columns = [_HEADER_TO_FIELD.get(str(cell).strip()) if cell is not None else None for cell in header]
        unknown = [
            str(cell) for cell, col in zip(header, columns, strict=True) if cell is not None and not col
        ]
        if unknown:
            raise FileUnreadable(gettext("第 1 行有无法识别的列：%(column)s") % {"column": unknown[0]})
        yield from _xlsx_rows(rows, columns)
    finally:
        workbook.close()


def _xlsx_rows(rows, columns: list[str | None]) -> Iterator[Row]:
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data: dict[str, object] = {}
        source: dict[str, object] = {}
        for column, value in zip(columns, values, strict=False):
            if column is None or value is None:
                continue
            if column.startswith("source."):
                source[column.removeprefix("source.")] = str(value)
            else:
                data[column] = value
        if source:
            data["source"] = source
        yield Row(number, data=data)


def write_jsonl(records: Iterable[ItemRecord], out: IO[bytes]) -> int:
    count = 0
    for record in records:
        out.write(orjson.dumps(record_to_dict(record)) + b"\n")
        count += 1
    return count


def markdown_text(record: ItemRecord) -> str:
    meta = record_to_dict(record)
    body = meta.pop("body")
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"{FRONT_MATTER_FENCE}\n{front}{FRONT_MATTER_FENCE}\n{body}\n"


def write_markdown_folder(records: Iterable[ItemRecord], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for record in records:
        (folder / f"{record.code}.md").write_text(markdown_text(record), encoding="utf-8")
        count += 1
    return count


def text_cell(sheet, value):
    """A cell whose text starting with "=" stays text: never a formula that Excel would run on opening."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def write_xlsx(records: Iterable[ItemRecord], out: IO[bytes]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("知识库")
    sheet.append(list(XLSX_COLUMNS.values()))
    count = 0
    for record in records:
        data = record_to_dict(record)
        source = data.pop("source")
        row = []
        for column in XLSX_COLUMNS:
            if column.startswith("source."):
                row.append(source[column.removeprefix("source.")])
            elif column == "tags":
                row.append("、".join(data["tags"]))
            else:
                row.append(data.get(column))
        sheet.append([text_cell(sheet, value) for value in row])
        count += 1
    workbook.save(out)
    return count


MAX_MAP_BYTES = 1024 * 1024


def read_category_map(path: Path) -> dict[str, object]:
    """``--category-map FILE``: the file's categories and the existing ones they go to, as written.

    A .toml or .json file holds one table of ``"care_navigation" = "seek_care"``; a .csv file two columns
    (file's category, existing category), with or without a header row. ``categories.check_category_map``
    judges the targets.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileUnreadable(
            gettext("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    if len(raw) > MAX_MAP_BYTES:
        raise FileUnreadable(gettext("分类对应表过大：最多 %(limit)s 字节") % {"limit": MAX_MAP_BYTES})
    try:
        text = raw.decode("utf-8-sig")
        suffix = path.suffix.lower()
        if suffix == ".toml":
            mapping = tomllib.loads(text)
        elif suffix == ".json":
            mapping = orjson.loads(text)
        elif suffix == ".csv":
            mapping = _csv_pairs(text)
        else:
            raise FileUnreadable(gettext("分类对应表只能是 .toml、.json 或 .csv"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, orjson.JSONDecodeError, csv.Error) as exc:
        raise FileUnreadable(gettext("分类对应表无法解析：%(error)s") % {"error": exc}) from exc
    if not isinstance(mapping, dict):
        raise FileUnreadable(gettext("分类对应表须是“文件中的分类 → 已有分类”的对应"))
    return mapping


def _csv_pairs(text: str) -> dict[str, object]:
    pairs: dict[str, object] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(cells) != 2:
            raise FileUnreadable(gettext("分类对应表第 %(line)s 行须是两列") % {"line": number})
        if number == 1 and cells[0].lower() in ("from", "source", "文件分类", "原分类"):
            continue
        pairs[cells[0]] = cells[1]
    return pairs
