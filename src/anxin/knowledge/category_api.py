"""/api/kb/categories: the headings items are filed under. Everyone who reads the base lists them; the command
centre (``knowledge.edit``) creates, relabels, reorders and retires them."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from anxin.accounts.models import User
from anxin.core.api_auth import require
from anxin.core.api_fields import (
    FILLED,
    NO_BINARY,
    READ_ERRORS,
    WHOLE_NUMBER,
    WRITE_ERRORS,
    Flag,
    InputSchema,
)
from anxin.knowledge.categories import (
    CATEGORY_CODE,
    LABEL_EN_MAX,
    LABEL_ZH_MAX,
    ORDER_MAX,
    CategoryInput,
    category_create,
    category_get,
    category_item_counts,
    category_list,
    category_update,
    parse_category,
)
from anxin.knowledge.models import Category

router = Router(tags=["knowledge"])

CategoryCode = Annotated[str, StringConstraints(pattern=CATEGORY_CODE.pattern)]
LabelZh = Annotated[str, StringConstraints(min_length=1, max_length=LABEL_ZH_MAX), FILLED]
LabelEn = Annotated[str, StringConstraints(max_length=LABEL_EN_MAX), NO_BINARY]
Order = Annotated[int, Field(strict=True, ge=0, le=ORDER_MAX), WHOLE_NUMBER]


class CategoryOut(Schema):
    code: str
    label_zh: str
    label_en: str
    order: int
    retired: bool
    items: int = Field(description="how many items carry it")


class CategoryFields(InputSchema):
    label_zh: LabelZh
    label_en: LabelEn = ""
    order: Order | None = Field(None, description="left out: after the last one (create) or unchanged (edit)")
    retired: Flag = False


class CategoryCreateIn(CategoryFields):
    code: CategoryCode


def _out(category: Category, counts: dict[str, int]) -> CategoryOut:
    return CategoryOut(
        code=category.code,
        label_zh=category.label_zh,
        label_en=category.label_en,
        order=category.order,
        retired=category.retired,
        items=counts.get(category.code, 0),
    )


def _input(payload: CategoryFields) -> CategoryInput:
    # parse_category trims and re-checks what the schema let through (whitespace-only labels, for one).
    return parse_category(payload.dict(exclude={"code"}))


@router.get("", response={200: list[CategoryOut], **READ_ERRORS}, summary="Categories, in their order")
def kb_categories(request: HttpRequest):
    user: User = request.auth
    require(user, "knowledge.read")
    counts = category_item_counts()
    return [_out(category, counts) for category in category_list()]


@router.post("", response={201: CategoryOut, **WRITE_ERRORS}, summary="Create a category")
def kb_category_create(request: HttpRequest, payload: CategoryCreateIn):
    """409 when the code or the Chinese label is taken."""
    user: User = request.auth
    require(user, "knowledge.edit")
    category = category_create(code=payload.code, data=_input(payload), by=user)
    return Status(201, _out(category, {}))


@router.put("/{code}", response={200: CategoryOut, **WRITE_ERRORS}, summary="Relabel, reorder or retire")
def kb_category_update(request: HttpRequest, code: str, payload: CategoryFields):
    """A retired category keeps its items and takes no new ones; 409 when the Chinese label is another's."""
    user: User = request.auth
    require(user, "knowledge.edit")
    category_get(code)
    category = category_update(code=code, data=_input(payload), by=user)
    return _out(category, category_item_counts())
