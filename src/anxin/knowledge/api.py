"""The knowledge base over JSON: search, read, history, and the editors' writes.

Item bodies are the file contract (``knowledge.records``), checked by ``parse_record`` exactly as an import
file is, so the API and the files accept the same items and name the same field when they refuse one.

Who sees what: volunteers (no ``knowledge.internal``) never see items meant for agents only; only editors
(``knowledge.edit``) see drafts. Lists show non-editors published items only; a retired item stays readable
because a search with history may point at it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Body, Field, Query, Router, Schema, Status

from anxin.accounts.models import User
from anxin.core.api_auth import require
from anxin.core.api_fields import (
    FILLED_TEXT_PATTERN,
    MAX_VERSION,
    READ_ERRORS,
    WRITE_ERRORS,
    Code,
    Documented,
    ErrorOut,
    codes_of,
    one_of,
    whole_number,
)
from anxin.core.errors import Conflict, InvalidInput, NotFound
from anxin.core.text import clean_text
from anxin.knowledge import choices
from anxin.knowledge.api_input import ITEM_BODY_DOC, NOTE_MAX, ImportIn, ItemCode
from anxin.knowledge.categories import check_category_map
from anxin.knowledge.formats import Row
from anxin.knowledge.models import Category, Item
from anxin.knowledge.records import (
    ItemRecord,
    parse_code,
    parse_record,
    record_to_dict,
)
from anxin.knowledge.selectors import (
    TOP_MAX,
    confident_answer,
    item_get_for_user,
    item_list,
    item_search,
    item_versions,
)
from anxin.knowledge.services import ImportRejected, item_as_record, item_save, items_import

router = Router(tags=["knowledge"])
# A GET parameter: any query this long fits gunicorn's request line (anxin serve allows 8,190 bytes; a
# 4-byte character is 12 once percent-encoded). The desk's own search reads longer text (selectors.QUERY_MAX).
SEARCH_PARAM_MAX = 500

PAGE_SIZE = 50
# ItemVersion.note


# --- output ------------------------------------------------------------------------------------------


class SearchHitOut(Schema):
    id: str
    title: str
    score: float
    category: str
    current: bool = Field(description="published, in force today and not replaced by an item in force")
    matched: list[str] = Field(description="what of the query the item matched: words, and concepts")
    url: str = Field(description="the item's page")


class SearchOut(Schema):
    query: str
    results: list[SearchHitOut]
    confident: bool = Field(
        description="the best result is worth reading out; false: no confident answer (possibly a gap in the base)"
    )


class ItemSummaryOut(Schema):
    id: str
    title: str
    category: str
    status: str
    audience: str
    effective_from: date
    effective_until: date | None
    supersedes: str | None
    version: int
    use_count: int


class ItemPageOut(Schema):
    count: int = Field(description="items matching the filters, on all pages")
    page: int
    pages: int
    page_size: int
    items: list[ItemSummaryOut]


class SourceOut(Schema):
    issuer: str
    document: str
    url: str


class ItemOut(Schema):
    """The file contract (keys without a value are left out, as in an export) plus what the base adds."""

    id: str
    title: str
    body: str
    category: str
    tags: list[str]
    source: SourceOut
    effective_from: date
    effective_until: date | None = None
    supersedes: str | None = None
    audience: str
    status: str
    version: int = Field(description="send it back with an edit")
    use_count: int
    superseded_by: list[str] = Field(description="the ids of the items that replace this one")


class VersionOut(Schema):
    number: int
    title: str
    status: str
    saved_at: datetime
    saved_by: str | None = Field(description="the editor's display name; none for a command-line import")
    note: str


class ImportErrorItem(Schema):
    field: str | None
    reason: str
    line: int | None = Field(None, description="the item's position in `items`, from 1")


class ImportErrorOut(Schema):
    detail: list[ImportErrorItem]


class ImportReportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorItem]
    categories_created: list[str] = Field(description="the codes of the categories the import created")


# --- access ------------------------------------------------------------------------------------------


def _is_editor(user: User) -> bool:
    return user.can("knowledge.edit")


def _item_for(user: User, code: str) -> Item:
    item = item_get_for_user(code=code, user=user)
    if item.status == choices.Status.DRAFT and not _is_editor(user):
        raise NotFound(gettext("条目不存在"), field="id")
    return item


def _superseded_by(item: Item, user: User) -> list[str]:
    items = item.superseded_by.all()
    if not user.can("knowledge.internal"):
        items = items.filter(audience=choices.Audience.PUBLIC)
    if not _is_editor(user):
        items = items.exclude(status=choices.Status.DRAFT)
    return list(items.order_by("code").values_list("code", flat=True))


def _item_out(item: Item, user: User) -> dict[str, Any]:
    return {
        **record_to_dict(item_as_record(item)),
        "version": item.version,
        "use_count": item.use_count,
        "superseded_by": _superseded_by(item, user),
    }


def _url(code: str) -> str:
    # The page knowledge.urls serves for one item.
    return f"/kb/{code}/"


# --- reads -------------------------------------------------------------------------------------------


@router.get("/search", response={200: SearchOut, **READ_ERRORS}, summary="Search with a caller's words")
def kb_search(
    request: HttpRequest,
    q: Annotated[
        str,
        Query(max_length=SEARCH_PARAM_MAX, description="the caller's words"),
        Documented(pattern=FILLED_TEXT_PATTERN, minLength=1),
    ],
    top: Annotated[int, Query(ge=1, le=TOP_MAX)] = 5,
    history: Annotated[bool, Query(description="also superseded, expired and retired items")] = False,
):
    """Best first; current items always rank above history."""
    user: User = request.auth
    require(user, "knowledge.read")
    clean_text(q, field="q", max_length=SEARCH_PARAM_MAX, required=True)  # no control characters, not blank
    editor = _is_editor(user)
    # With history the index also finds drafts; they are set aside below for non-editors, so ask for enough.
    hits = item_search(
        q,
        top=TOP_MAX if history and not editor else top,
        include_history=history,
        public_only=not user.can("knowledge.internal"),
    )
    if not editor:
        hits = [hit for hit in hits if hit.item.status != choices.Status.DRAFT]
    results = [
        {
            **hit.as_dict(),
            "category": hit.item.category,
            "current": hit.current,
            "matched": list(hit.matched),
            "url": _url(hit.item.code),
        }
        for hit in hits[:top]
    ]
    return {"query": q, "results": results, "confident": confident_answer(hits[:top])}


@router.get("/items", response={200: ItemPageOut, **READ_ERRORS}, summary="Items by category and status")
def kb_item_list(
    request: HttpRequest,
    category: Annotated[Code, codes_of("knowledge.categories", blank=True)] | None = None,
    status: Annotated[Code, one_of(choices.Status.values, blank=True)] | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
):
    user: User = request.auth
    require(user, "knowledge.read")
    if category and not Category.objects.filter(code=category).exists():
        raise InvalidInput(gettext("未知分类：%(code)s") % {"code": category}, field="category")
    if status and status not in choices.Status.values:
        raise InvalidInput(gettext("不是可选值：%(value)s") % {"value": status}, field="status")
    items = item_list(user=user, status=status or None, category=category or None)
    if not _is_editor(user):
        items = items.filter(status=choices.Status.PUBLISHED)
    count = items.count()
    start = (page - 1) * PAGE_SIZE
    rows = [
        ItemSummaryOut(
            id=item.code,
            title=item.title,
            category=item.category,
            status=item.status,
            audience=item.audience,
            effective_from=item.effective_from,
            effective_until=item.effective_until,
            supersedes=item.supersedes.code if item.supersedes_id else None,
            version=item.version,
            use_count=item.use_count,
        )
        for item in items[start : start + PAGE_SIZE]
    ]
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // PAGE_SIZE)),
        "page_size": PAGE_SIZE,
        "items": rows,
    }


@router.get("/items/{code}", response={200: ItemOut, **READ_ERRORS}, exclude_none=True)
def kb_item_detail(request: HttpRequest, code: str):
    user: User = request.auth
    return _item_out(_item_for(user, code), user)


@router.get("/items/{code}/versions", response={200: list[VersionOut], **READ_ERRORS}, summary="History")
def kb_item_versions(request: HttpRequest, code: str):
    return [
        VersionOut(
            number=v.number,
            title=v.title,
            status=v.status,
            saved_at=v.saved_at,
            saved_by=str(v.saved_by) if v.saved_by else None,
            note=v.note,
        )
        for v in item_versions(_item_for(request.auth, code))
    ]


# --- writes ------------------------------------------------------------------------------------------


def _expected_version(value: object) -> int | None:
    if value is None:
        return None
    value = whole_number(value)  # 3.0 is an integer to JSON Schema, and so here
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(gettext("必须是整数"), field="version")
    if value < 1:
        raise InvalidInput(gettext("不能小于 %(min)s") % {"min": 1}, field="version")
    if value > MAX_VERSION:
        raise InvalidInput(gettext("不能大于 %(max)s") % {"max": MAX_VERSION}, field="version")
    return value


def _record_from(code: str, data: dict[str, Any]) -> ItemRecord:
    code = parse_code(code, field="id")
    if data.get("id") not in (None, "") and parse_code(data["id"], field="id") != code:
        raise InvalidInput(gettext("与网址中的编号 %(code)s 不一致") % {"code": code}, field="id")
    return parse_record({**data, "id": code})


@router.put(
    "/items/{code}",
    response={200: ItemOut, 201: ItemOut, **WRITE_ERRORS},
    exclude_none=True,
    openapi_extra=ITEM_BODY_DOC,
    summary="Create an item, or save an edit as its next version",
)
def kb_item_put(request: HttpRequest, code: ItemCode, payload: Body[dict[str, Any]]):
    """An edit sends the ``version`` it read (409 if another editor saved in between, or if it sent none);
    a new item sends ``"version": null`` or leaves it out. 201 when the item was created."""
    user: User = request.auth
    require(user, "knowledge.edit")
    data = dict(payload)
    version = _expected_version(data.pop("version", None))
    note = clean_text(data.pop("note", ""), field="note", max_length=NOTE_MAX)
    record = _record_from(code, data)
    current = Item.objects.filter(code=record.code).values_list("version", flat=True).first()
    if current is not None and version is None:
        # Without a version an existing item would be overwritten blind: the caller must say what it read.
        raise Conflict(
            gettext("条目 %(code)s 已存在（当前第 %(version)s 版）：修改时须给出 version")
            % {"code": record.code, "version": current},
            field="version",
        )
    item = item_save(record=record, by=user, expected_version=version, note=note)
    out = _item_out(item, user)
    return Status(201, out) if current is None else out


@router.post(
    "/import",
    response={
        200: ImportReportOut,
        422: ImportErrorOut,
        frozenset({400, 401, 403, 413}): ErrorOut,
    },
    summary="Import items: all or nothing",
)
def kb_import(request: HttpRequest, payload: ImportIn):
    """Creates or updates items by id. If any item is bad, nothing is written and the 422 lists every bad
    item with its position in ``items`` (``line``, from 1)."""
    user: User = request.auth
    require(user, "knowledge.edit")
    rows = [
        Row(number, data=data)
        if isinstance(data, dict)
        else Row(number, error=gettext("每条必须是 JSON 对象"))
        for number, data in enumerate(payload.items, start=1)
    ]
    category_map = check_category_map(payload.category_map)
    try:
        report = items_import(
            rows=rows,
            by=user,
            note=payload.note,
            create_categories=payload.create_categories,
            category_map=category_map,
        )
    except ImportRejected as exc:
        errors = [{"field": e.field, "reason": e.reason, "line": e.line} for e in exc.report.errors]
        return Status(422, {"detail": errors})
    return {**report.as_dict(), "categories_created": report.categories_created or []}
