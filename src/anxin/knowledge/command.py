"""``anxin kb``: import, export, search and reindex the knowledge base on the configured database.

Contract (kept exactly; other tools depend on it):
- ``anxin kb import FILE [--create-categories] [--category-map MAP]`` — .jsonl, .xlsx, or a folder of .md
  files. Prints ``{"created", "updated", "unchanged", "errors": [{"line", "field", "reason"[, "file"]}]}``
  (and ``"categories_created": [codes]`` with ``--create-categories``); exit 0 when imported, 1 when any row
  is bad (then nothing is written; an unknown category is such a row), 2 when the file or the map cannot be
  read or the map names a category the base lacks.
- ``anxin kb search "QUERY" --top N --json`` — a JSON list of ``{"id", "title", "score"}``, best first.
- ``anxin kb search --batch FILE --top N`` — reads JSON lines ``{"qid", "query"}`` (FILE or "-" for stdin) and
  writes one line ``{"qid", "results": [{"id", "title", "score"}, ...]}`` per query, in order. A line that is
  not such an object gets ``"results": []`` and an ``"error"``; exit 2 only when FILE cannot be read.
- ``anxin kb export OUT`` — .jsonl, .xlsx, or a folder (written as .md files).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import orjson
from django.db import DatabaseError

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext, pgettext

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def _print_json(data, out: IO[str]) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def _database_missing(err: IO[str], exc: Exception) -> int:
    err.write(
        gettext("数据库不可用或未初始化（请先运行 anxin manage migrate）：%(error)s") % {"error": exc} + "\n"
    )
    return EXIT_UNREADABLE


def run_import(
    path: str, *, out: IO[str], err: IO[str], create_categories: bool = False, category_map: str | None = None
) -> int:
    from anxin.knowledge.categories import check_category_map
    from anxin.knowledge.formats import FileUnreadable, read_category_map, read_items
    from anxin.knowledge.services import ImportRejected, items_import

    try:
        mapping = check_category_map(read_category_map(Path(category_map))) if category_map else None
        report = items_import(
            rows=read_items(Path(path)),
            note="anxin kb import",
            create_categories=create_categories,
            category_map=mapping,
        )
    except FileUnreadable as exc:
        err.write(f"{exc}\n")
        return EXIT_UNREADABLE
    except InvalidInput as exc:
        if isinstance(exc, ImportRejected):
            _print_json(exc.report.as_dict(), out)
            return EXIT_REJECTED
        err.write(f"{exc.field}: {exc.reason}\n")
        return EXIT_UNREADABLE
    except DatabaseError as exc:
        return _database_missing(err, exc)
    _print_json(report.as_dict(), out)
    return EXIT_OK


def run_export(path: str, *, out: IO[str], err: IO[str]) -> int:
    from anxin.knowledge.formats import write_jsonl, write_markdown_folder, write_xlsx
    from anxin.knowledge.selectors import item_list
    from anxin.knowledge.services import item_as_record

    target = Path(path)
    try:
        records = [item_as_record(item) for item in item_list()]
    except DatabaseError as exc:
        return _database_missing(err, exc)
    suffix = target.suffix.lower()
    if suffix == ".jsonl":
        with target.open("wb") as handle:
            count = write_jsonl(records, handle)
    elif suffix == ".xlsx":
        with target.open("wb") as handle:
            count = write_xlsx(records, handle)
    elif not suffix:
        count = write_markdown_folder(records, target)
    else:
        err.write(gettext("只能导出为 .jsonl、.xlsx 或文件夹") + "\n")
        return EXIT_UNREADABLE
    _print_json({"exported": count, "path": str(target)}, out)
    return EXIT_OK


def run_search(query: str, *, top: int, as_json: bool, history: bool, out: IO[str], err: IO[str]) -> int:
    from anxin.knowledge.selectors import item_search

    try:
        hits = item_search(query, top=top, include_history=history)
    except InvalidInput as exc:
        err.write(f"{exc.field}: {exc.reason}\n")
        return EXIT_REJECTED
    except DatabaseError as exc:
        return _database_missing(err, exc)
    if as_json:
        _print_json([hit.as_dict() for hit in hits], out)
        return EXIT_OK
    label, separator = gettext("匹配："), pgettext("list separator", "、")
    for rank, hit in enumerate(hits, start=1):
        matched = separator.join(hit.matched)
        out.write(f"{rank}. [{hit.item.code}] {hit.item.title}  ({hit.score:.2f}; {label}{matched})\n")
    if not hits:
        out.write(gettext("没有找到相关条目") + "\n")
    return EXIT_OK


def run_batch(path: str, *, top: int, history: bool, out: IO[str], err: IO[str]) -> int:
    from anxin.knowledge.selectors import item_search

    try:
        source = sys.stdin.buffer if path == "-" else Path(path).open("rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        err.write(gettext("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror} + "\n")
        return EXIT_UNREADABLE
    try:
        with source:
            for raw in source:
                if not raw.strip():
                    continue
                _print_json(_batch_line(raw, top=top, history=history, search=item_search), out)
                out.flush()
    except DatabaseError as exc:
        return _database_missing(err, exc)
    return EXIT_OK


def _batch_line(raw: bytes, *, top: int, history: bool, search) -> dict[str, object]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"qid": None, "results": [], "error": gettext("不是合法的 JSON")}
    if not isinstance(data, dict):
        return {"qid": None, "results": [], "error": gettext("每行必须是 JSON 对象")}
    qid = data.get("qid")
    query = data.get("query")
    if not isinstance(query, str):
        return {"qid": qid, "results": [], "error": gettext("query 必须是文本")}
    try:
        hits = search(query, top=top, include_history=history)
    except InvalidInput as exc:
        return {"qid": qid, "results": [], "error": f"{exc.field}: {exc.reason}"}
    return {"qid": qid, "results": [hit.as_dict() for hit in hits]}


def run_reindex(*, out: IO[str], err: IO[str], lexical_only: bool = False) -> int:
    """The lexical index, and (unless ``lexical_only``) every item's meaning vector, rebuilt; progress on stderr."""
    from anxin.knowledge.dense import embed_pending, forget_embeddings
    from anxin.knowledge.index import rebuild

    def progress(done) -> None:
        err.write(gettext("语义向量：%(done)s / %(total)s") % {"done": done.done, "total": done.total} + "\n")

    try:
        count = rebuild()
        embedded = 0
        if not lexical_only:
            forget_embeddings()
            embedded = embed_pending(on_batch=progress)
    except DatabaseError as exc:
        return _database_missing(err, exc)
    _print_json({"reindexed": count, "embedded": embedded}, out)
    return EXIT_OK


def run_eval(path: str, *, as_json: bool, out: IO[str], err: IO[str]) -> int:
    from anxin.knowledge.evaluate import CUTOFFS, evaluate, read_queries
    from anxin.knowledge.selectors import item_search_codes

    try:
        queries = read_queries(Path(path))
    except (OSError, ValueError, KeyError) as exc:
        err.write(gettext("无法读取查询集 %(path)s：%(error)s") % {"path": path, "error": exc} + "\n")
        return EXIT_UNREADABLE

    try:
        result = evaluate(queries, item_search_codes)
    except DatabaseError as exc:
        return _database_missing(err, exc)
    if as_json:
        _print_json(result.as_dict(), out)
        return EXIT_OK
    header = (
        "kind".ljust(12) + "queries".rjust(8) + "".join(f"R@{k}".rjust(8) for k in CUTOFFS) + "MRR".rjust(8)
    )
    out.write(header + "\n")
    rows = [("all", result.overall), *sorted(result.by_kind.items())]
    for kind, figures in rows:
        cells = "".join(f"{figures.recall(k):8.3f}" for k in CUTOFFS)
        out.write(f"{kind:<12}{figures.queries:8d}{cells}{figures.mrr:8.3f}\n")
    unsure = result.unsure
    if unsure.unanswerable:
        line = gettext(
            "无把握答案：无解问题 %(flagged)s / %(total)s，有解问题误报 %(wrong)s，精确率 %(precision).3f"
        ) % {
            "flagged": unsure.unanswerable_flagged,
            "total": unsure.unanswerable,
            "wrong": unsure.answerable_flagged,
            "precision": unsure.precision,
        }
        out.write(line + "\n")
    for miss in result.misses:
        line = gettext("未进前3: %(qid)s %(query)s → 应为 %(answers)s，实得 %(got)s") % {
            "qid": miss["qid"],
            "query": miss["query"],
            "answers": miss["answers"],
            "got": miss["got"],
        }
        out.write(line + "\n")
    return EXIT_OK
