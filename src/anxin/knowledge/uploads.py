"""An uploaded import file (the import page) as ``formats.Row``s: .jsonl, .xlsx, or a .zip of Markdown files.

The .jsonl and .xlsx readers are ``knowledge.formats``'; a .zip is read here, in memory, as ``formats`` reads a
folder of .md files: each member one item, named by its path in the archive. Whole-file problems raise
``FileUnreadable``; per-item problems are Rows carrying the error, which ``items_import`` reports.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import PurePosixPath

from anxin.core.i18n import gettext
from anxin.knowledge.formats import (
    MAX_FILE_BYTES,
    MAX_MARKDOWN_BYTES,
    FileUnreadable,
    Row,
    parse_markdown,
    read_jsonl,
    read_xlsx,
)

SUFFIXES = (".jsonl", ".xlsx", ".zip")
MAX_ZIP_MEMBERS = 5000


def read_upload(name: str, content: bytes) -> Iterator[Row]:
    """By the file name's extension. The size limit is ``formats.MAX_FILE_BYTES``, unpacked sizes included."""
    if len(content) > MAX_FILE_BYTES:
        raise FileUnreadable(gettext("文件过大：最多 %(max)s MB") % {"max": MAX_FILE_BYTES // 1024 // 1024})
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".jsonl":
        return read_jsonl(content)
    if suffix == ".xlsx":
        return read_xlsx(content)
    if suffix == ".zip":
        return read_markdown_zip(content)
    raise FileUnreadable(gettext("只能导入 .jsonl、.xlsx 文件或 Markdown 文件的 .zip 压缩包"))


def read_markdown_zip(content: bytes) -> Iterator[Row]:
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileUnreadable(gettext("不是有效的 .zip 压缩包")) from exc
    members = sorted(
        (info for info in archive.infolist() if _is_markdown(info)),
        key=lambda info: info.filename,
    )
    if not members:
        raise FileUnreadable(gettext("压缩包里没有 .md 文件"))
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileUnreadable(gettext("压缩包里的文件过多：最多 %(max)s 个") % {"max": MAX_ZIP_MEMBERS})
    # The sizes a zip declares are checked before anything is unpacked (a small zip can unpack to gigabytes).
    if sum(info.file_size for info in members) > MAX_FILE_BYTES:
        raise FileUnreadable(gettext("文件过大：最多 %(max)s MB") % {"max": MAX_FILE_BYTES // 1024 // 1024})
    return _markdown_rows(archive, members)


def _is_markdown(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    # macOS archives carry "__MACOSX/._name.md" resource forks beside the real files.
    hidden = any(part.startswith((".", "__MACOSX")) for part in path.parts)
    return not info.is_dir() and path.suffix.lower() == ".md" and not hidden


def _markdown_rows(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> Iterator[Row]:
    with archive:
        for info in members:
            name = info.filename
            if info.file_size > MAX_MARKDOWN_BYTES:
                yield Row(1, file=name, error=gettext("文件过大：最多 1 MB"))
                continue
            try:
                with archive.open(info) as member:
                    # Read one byte past the limit: a member whose header understates its size is still caught.
                    raw = member.read(MAX_MARKDOWN_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
                yield Row(1, file=name, error=gettext("无法解压此文件"))
                continue
            if len(raw) > MAX_MARKDOWN_BYTES:
                yield Row(1, file=name, error=gettext("文件过大：最多 1 MB"))
                continue
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                yield Row(1, file=name, error=gettext("不是 UTF-8 编码"))
                continue
            yield parse_markdown(text, file=name, default_id=PurePosixPath(name).stem)
