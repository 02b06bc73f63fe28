"""Every write to the knowledge base: import, edit, use. Pages, the API and the command call these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from anxin.accounts.models import User
from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.core.i18n import gettext
from anxin.core.masking import mask_identifiers_in_text
from anxin.knowledge import index
from anxin.knowledge.categories import Resolution, create_planned, resolve_categories
from anxin.knowledge.dense import dense_enabled
from anxin.knowledge.formats import Row
from anxin.knowledge.models import Item, ItemUse, ItemVersion
from anxin.knowledge.records import ItemRecord, Source, parse_record
from anxin.knowledge.tasks import embed_pending_items, record_knowledge_gap

CONTENT_FIELDS = (
    "title",
    "body",
    "category",
    "tags",
    "audience",
    "source_issuer",
    "source_document",
    "source_url",
    "effective_from",
    "effective_until",
    "status",
)


@dataclass
class RowError:
    line: int
    field: str | None
    reason: str
    file: str | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"line": self.line, "field": self.field, "reason": self.reason}
        if self.file is not None:
            data["file"] = self.file
        return data


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # The codes of the categories the import created; None unless it was asked to create them.
    categories_created: list[str] | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }
        if self.categories_created is not None:
            data["categories_created"] = self.categories_created
        return data


class ImportRejected(InvalidInput):
    """Some rows are bad; nothing from the file was written. ``report.errors`` names each row."""

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0]
        super().__init__(first.reason, field=first.field)
        self.report = report


def _require_editor(by: User | None) -> None:
    if by is not None and not by.can("knowledge.edit"):
        raise Forbidden(gettext("当前角色不能维护知识库"))


def _content_of(record: ItemRecord) -> dict[str, object]:
    return {
        "title": record.title,
        "body": record.body,
        "category": record.category,
        "tags": list(record.tags),
        "audience": record.audience,
        "source_issuer": record.source.issuer,
        "source_document": record.source.document,
        "source_url": record.source.url,
        "effective_from": record.effective_from,
        "effective_until": record.effective_until,
        "status": record.status,
    }


def item_as_record(item: Item) -> ItemRecord:
    return ItemRecord(
        code=item.code,
        title=item.title,
        body=item.body,
        category=item.category,
        tags=tuple(item.tags or ()),
        source=Source(item.source_issuer, item.source_document, item.source_url),
        effective_from=item.effective_from,
        effective_until=item.effective_until,
        supersedes=item.supersedes.code if item.supersedes_id else None,
        audience=item.audience,
        status=item.status,
    )


def _version_of(item: Item, *, by: User | None, note: str) -> ItemVersion:
    return ItemVersion(
        item=item,
        number=item.version,
        supersedes_code=item.supersedes.code if item.supersedes_id else "",
        saved_at=item.updated_at,
        saved_by=by,
        note=note,
        **{name: getattr(item, name) for name in CONTENT_FIELDS},
    )


def parse_rows(rows: Iterable[Row]) -> tuple[list[tuple[Row, ItemRecord]], list[RowError]]:
    """Every row checked on its own and against the others (a code twice in one file is an error)."""
    parsed: list[tuple[Row, ItemRecord]] = []
    errors: list[RowError] = []
    seen: dict[str, Row] = {}
    for row in rows:
        if row.error:
            errors.append(RowError(row.line, row.error_field, row.error, row.file))
            continue
        try:
            record = parse_record(row.data)
        except InvalidInput as exc:
            errors.append(RowError(row.line, exc.field, exc.reason, row.file))
            continue
        if record.code in seen:
            first = seen[record.code]
            reason = gettext("编号 %(code)s 在本文件中重复（第 %(line)s 行已有）") % {
                "code": record.code,
                "line": first.line,
            }
            errors.append(RowError(row.line, "id", reason, row.file))
            continue
        seen[record.code] = row
        parsed.append((row, record))
    return parsed, errors


def _supersedes_errors(parsed: list[tuple[Row, ItemRecord]]) -> list[RowError]:
    in_file = {record.code: record.supersedes for _, record in parsed}
    targets = {record.supersedes for _, record in parsed if record.supersedes} - in_file.keys()
    stored = dict(Item.objects.filter(code__in=targets).values_list("code", "supersedes__code"))
    chain = {**stored, **in_file}
    errors = []
    for row, record in parsed:
        if not record.supersedes:
            continue
        if record.supersedes not in chain:
            reason = gettext("被替代的条目 %(code)s 不存在") % {"code": record.supersedes}
            errors.append(RowError(row.line, "supersedes", reason, row.file))
        elif _cycles(record.code, chain):
            errors.append(RowError(row.line, "supersedes", gettext("替代关系形成了循环"), row.file))
    return errors


def _cycles(code: str, chain: dict[str, str | None]) -> bool:
    seen = {code}
    current = chain.get(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = chain.get(current)
    return False


@transaction.atomic
def items_import(
    *,
    rows: Iterable[Row],
    by: User | None = None,
    note: str = "",
    create_categories: bool = False,
    category_map: Mapping[str, str] | None = None,
) -> ImportReport:
    """Create or update items by code; all or nothing.

    Rows that are not items, or whose fields are wrong, or whose category the base does not know (unless
    ``create_categories`` or a checked ``category_map`` files it: knowledge.categories), or that name an item
    to supersede that is neither in the file nor in the base, make the whole import fail with every such row
    reported (``ImportRejected``). An item whose content is unchanged keeps its version.
    """
    _require_editor(by)
    parsed, errors = parse_rows(rows)
    resolution = resolve_categories(
        (record.category for _, record in parsed), create=create_categories, mapping=category_map
    )
    errors += _category_errors(parsed, resolution)
    if not errors:
        errors = _supersedes_errors(parsed)
    if errors:
        raise ImportRejected(ImportReport(errors=sorted(errors, key=lambda e: (e.file or "", e.line))))
    create_planned(resolution.created, by=by)
    records = [replace(record, category=resolution.codes[record.category]) for _, record in parsed]
    report = _write(records=records, by=by, note=note)
    if create_categories:
        report.categories_created = [category.code for category in resolution.created]
    return report


def _category_errors(parsed: list[tuple[Row, ItemRecord]], resolution: Resolution) -> list[RowError]:
    return [
        RowError(row.line, "category", resolution.errors[record.category], row.file)
        for row, record in parsed
        if record.category in resolution.errors
    ]


def filed_record(record: ItemRecord) -> ItemRecord:
    """One item's category resolved (a code or a label of a category that is not retired), or InvalidInput."""
    resolution = resolve_categories([record.category])
    if record.category in resolution.errors:
        raise InvalidInput(resolution.errors[record.category], field="category")
    return replace(record, category=resolution.codes[record.category])


def _write(*, records: list[ItemRecord], by: User | None, note: str) -> ImportReport:
    report = ImportReport()
    now = timezone.now()
    existing = _existing(record.code for record in records)
    new_items = [_new_item(r, by=by, now=now) for r in records if r.code not in existing]
    Item.objects.bulk_create(new_items, batch_size=500)
    report.created = len(new_items)
    changed = []
    for record in records:
        item = existing.get(record.code)
        if item is None:
            continue
        if _apply(item, record):
            item.version += 1
            item.updated_at, item.updated_by = now, by
            changed.append(item)
        else:
            report.unchanged += 1
    report.updated = len(changed)
    Item.objects.bulk_update(
        changed, [*CONTENT_FIELDS, "version", "updated_at", "updated_by"], batch_size=500
    )
    by_code = {**existing, **{item.code: item for item in new_items}}
    relinked = _link_supersedes(records, by_code)
    touched = list({item.pk: item for item in [*new_items, *changed, *relinked]}.values())
    ItemVersion.objects.bulk_create(
        [_version_of(item, by=by, note=note) for item in [*new_items, *changed]], batch_size=500
    )
    index.index_items(touched)
    embed_later([item.code for item in [*new_items, *changed]])
    return report


def embed_later(codes: list[str]) -> None:
    """Their meaning vectors, computed by the worker once the transaction has committed (knowledge.dense)."""
    if codes and dense_enabled():
        transaction.on_commit(lambda: embed_pending_items.enqueue(codes))


def gap_check_later(
    *,
    text: str,
    case_id: int,
    place_id: int | None,
    public_only: bool,
    names: list[str],
    at: datetime | None = None,
) -> None:
    """The worker checks a question the desk left unanswered from the base and keeps it as a knowledge gap
    (knowledge.gaps.record_gap), once the case is committed."""
    # Masked before it is queued: the task's arguments are a table row that outlives the check.
    masked = mask_identifiers_in_text(text, names=[n for n in names if n])
    arguments = (masked, case_id, place_id, public_only, [], (at or timezone.now()).isoformat())
    if isinstance(record_knowledge_gap.get_backend(), DatabaseBackend):
        # The queue is a table of this database: the row commits or rolls back with the case, in the same write
        # transaction (on SQLite one write lock per intake, not two), as the case's SLA check does.
        record_knowledge_gap.enqueue(*arguments)
    else:
        transaction.on_commit(lambda: record_knowledge_gap.enqueue(*arguments))


def _existing(codes: Iterable[str]) -> dict[str, Item]:
    codes = list(codes)
    found: dict[str, Item] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update({i.code: i for i in Item.objects.select_related("supersedes").filter(code__in=chunk)})
    return found


def _new_item(record: ItemRecord, *, by: User | None, now) -> Item:
    return Item(code=record.code, created_at=now, updated_at=now, updated_by=by, **_content_of(record))


def _apply(item: Item, record: ItemRecord) -> bool:
    content = _content_of(record)
    changed = any(getattr(item, name) != value for name, value in content.items())
    current_target = item.supersedes.code if item.supersedes_id else None
    changed = changed or current_target != record.supersedes
    for name, value in content.items():
        setattr(item, name, value)
    return changed


def _link_supersedes(records: list[ItemRecord], by_code: dict[str, Item]) -> list[Item]:
    targets = {r.supersedes for r in records if r.supersedes} - by_code.keys()
    by_code.update({i.code: i for i in Item.objects.filter(code__in=targets)})
    relinked = []
    for record in records:
        item = by_code[record.code]
        target = by_code[record.supersedes] if record.supersedes else None
        if item.supersedes_id != (target.pk if target else None):
            item.supersedes = target
            relinked.append(item)
    Item.objects.bulk_update(relinked, ["supersedes"], batch_size=500)
    return relinked


@transaction.atomic
def item_save(*, record: ItemRecord, by: User, expected_version: int | None = None, note: str = "") -> Item:
    """Create an item or save an edit as its next version (the previous versions stay in its history).

    ``expected_version`` guards an edit against another editor's save in between (409 if it moved on).
    """
    _require_editor(by)
    item = Item.objects.select_for_update().filter(code=record.code).first()
    if item is None and expected_version is not None:
        raise Conflict(gettext("条目不存在"), field="id")
    if item is not None and expected_version is not None and item.version != expected_version:
        raise Conflict(
            gettext("条目已被他人修改（当前第 %(version)s 版），请刷新后再改") % {"version": item.version},
            field="version",
        )
    if item is None or record.category != item.category:
        record = filed_record(record)
    errors = _supersedes_errors([(Row(1), record)])
    if errors:
        raise InvalidInput(errors[0].reason, field="supersedes")
    _write(records=[record], by=by, note=note)
    return Item.objects.select_related("supersedes").get(code=record.code)


@transaction.atomic
def item_record_use(*, item: Item, by: User, case=None) -> ItemUse:
    """An agent answered with this item: count it and remember which version was read out."""
    use = ItemUse.objects.create(item=item, version=item.version, case=case, used_by=by)
    Item.objects.filter(pk=item.pk).update(use_count=F("use_count") + 1)
    return use
