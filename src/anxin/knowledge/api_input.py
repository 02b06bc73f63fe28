"""What the knowledge API's request bodies look like, for the OpenAPI document and for ninja.

Item bodies are the file contract (``knowledge.records``), checked by ``parse_record`` as an import checks
them; the models here document its JSON form, and the code sources list the categories and items that exist
when the document is published.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Field
from pydantic import StringConstraints

from anxin.core.api_fields import (
    FILLED,
    MAX_VERSION,
    NO_BINARY,
    Documented,
    Flag,
    InputSchema,
    code_source,
    codes_of,
    document_model,
    filled,
    one_of,
)
from anxin.core.text import ANY_SPACE
from anxin.knowledge import choices
from anxin.knowledge.models import Category, Item
from anxin.knowledge.records import BODY_MAX, CATEGORY_MAX, CODE, TAG_MAX, TAGS_MAX, TITLE_MAX

IMPORT_MAX = 1000
# records.URL, which clean_text also keeps free of control characters; or nothing.
URL_PATTERN = rf'^(?:https?://[^{ANY_SPACE}<>"\u0000-\u001f\u007f\ufffe\uffff]+)?$'
NOTE_MAX = 200

Note = Annotated[str, StringConstraints(max_length=NOTE_MAX), NO_BINARY]
FilledCategoryName = Annotated[str, StringConstraints(min_length=1, max_length=40), FILLED]


@code_source("knowledge.categories")
def _category_codes() -> list[str]:
    return list(Category.objects.order_by("order", "code").values_list("code", flat=True))


# --- input -------------------------------------------------------------------------------------------


# Documents the file contract (knowledge.records) for PUT and import: the bodies themselves go to
# ``parse_record`` as they came, which also accepts what files carry (tags as one string, a category's
# Chinese label, 2023年1月8日); what is documented here is the JSON form, all of which it accepts. Rules
# JSON Schema cannot state are in the descriptions: effective_until is not before effective_from, an import
# names each id once, and what an imported item supersedes is in the base or in the same file.
ItemCode = Annotated[str, StringConstraints(pattern=CODE.pattern)]


class SourceIn(InputSchema):
    """Who issued it: the issuer or the document's name, at least one."""

    model_config = {
        "json_schema_extra": {
            "anyOf": [
                filled("issuer"),
                filled("document"),
            ]
        }
    }

    issuer: Annotated[str, StringConstraints(max_length=200), NO_BINARY] = ""
    document: Annotated[str, StringConstraints(max_length=300), NO_BINARY] = ""
    url: Annotated[str, StringConstraints(max_length=500), Documented(pattern=URL_PATTERN)] = ""


class RecordIn(InputSchema):
    """One item in the file contract."""

    id: ItemCode = Field(..., description="the item's code, stable across re-imports")
    title: Annotated[str, StringConstraints(max_length=TITLE_MAX), FILLED]
    body: Annotated[str, StringConstraints(max_length=BODY_MAX), FILLED]
    category: Annotated[str, codes_of("knowledge.categories.open")] = Field(
        ..., description="a category's code or Chinese label (GET /kb/categories); it must not be retired"
    )
    tags: list[Annotated[str, StringConstraints(max_length=TAG_MAX), NO_BINARY]] = Field(
        default_factory=list, max_length=TAGS_MAX
    )
    source: SourceIn
    effective_from: date
    effective_until: date | None = Field(None, description="not before effective_from")
    supersedes: ItemCode | None = Field(
        None, description="the id of the item this one replaces: one in the base, or one in the same file"
    )
    audience: Annotated[str, one_of(choices.Audience.values)] = choices.Audience.PUBLIC
    status: Annotated[str, one_of(choices.Status.values)] = choices.Status.PUBLISHED


class NewCategoryRecordIn(RecordIn):
    """An item of an import that creates the categories the base does not know."""

    category: Annotated[str, StringConstraints(max_length=CATEGORY_MAX), FILLED] = Field(
        ..., description="a category's code or label; one the base does not have is created"
    )


class ItemIn(RecordIn):
    """An item, the version it was read at, and a note for its history."""

    id: ItemCode | None = Field(None, description="optional; if given, the same as the id in the path")
    supersedes: Annotated[str, codes_of("knowledge.items")] | None = Field(
        None, description="the id of the item this one replaces, in the base"
    )
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)] | None = Field(
        None, description="the item's current version (from GET); null or left out only to create an item"
    )
    note: Note = Field("", description="why, for the item's history")


@code_source("knowledge.categories.open")
def _open_category_names() -> list[str]:
    """The categories an item may be filed under, by code or by either label (as files name them)."""
    names: list[str] = []
    for code, label_zh, label_en in (
        Category.objects.filter(retired=False)
        .order_by("order", "code")
        .values_list("code", "label_zh", "label_en")
    ):
        names.extend(name for name in (code, label_zh, label_en) if name and name not in names)
    return names


@code_source("knowledge.items")
def _item_codes() -> list[str]:
    return list(Item.objects.order_by("code").values_list("code", flat=True))


document_model(RecordIn)
document_model(NewCategoryRecordIn)
document_model(ItemIn)
ITEM_BODY_DOC = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemIn"}}},
        "required": True,
    }
}


def _items_of(model: str) -> dict:
    return {"properties": {"items": {"items": {"x-anxin-model": model}}}}


class ImportIn(InputSchema):
    """With ``create_categories`` an item's category may be one the base does not know."""

    model_config = {
        "json_schema_extra": {
            "if": {"required": ["create_categories"], "properties": {"create_categories": {"const": True}}},
            "then": _items_of("NewCategoryRecordIn"),
            "else": _items_of("RecordIn"),
        }
    }

    # Checked row by row by the import (a 422 names every bad row by its line), not here.
    items: list[Any] = Field(
        ...,
        max_length=IMPORT_MAX,
        description="items in the file contract (as PUT /kb/items/{code} takes them, without version); "
        "each id once",
        json_schema_extra={"items": {"type": "object"}},
    )
    note: Note = Field("", description="why, for the history of every item the import changes")
    create_categories: Flag = Field(False, description="create the categories the base does not know")
    category_map: dict[FilledCategoryName, Annotated[str, codes_of("knowledge.categories.open")]] = Field(
        default_factory=dict,
        max_length=200,
        description='the items\' own categories mapped onto existing ones: {"care_navigation": "seek_care"}',
    )
