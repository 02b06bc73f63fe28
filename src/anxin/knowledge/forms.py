"""The item edit form (knowledge/edit.html): posted fields to the file contract's mapping, and back.

Parsing only. ``records.parse_record`` judges every field, as it does for imports, so the page, the API and the
files accept the same items. Its error fields (``source.issuer``) are the form's inputs (``source_issuer``)
through ``input_for``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.core.text import clean_text, to_halfwidth
from anxin.knowledge.models import Item
from anxin.knowledge.records import ItemRecord

Posted = Mapping[str, Any]
NOTE_MAX = 200  # ItemVersion.note
VERSION_MAX_DIGITS = 9

# form input -> the record field parse_record names in its errors
TEXT_INPUTS = (
    "id",
    "title",
    "body",
    "category",
    "tags",
    "audience",
    "status",
    "source_issuer",
    "source_document",
    "source_url",
    "effective_from",
    "effective_until",
    "supersedes",
    "note",
)
_INPUT_OF_FIELD = {
    "source": "source_issuer",
    "source.issuer": "source_issuer",
    "source.document": "source_document",
    "source.url": "source_url",
}


def posted_text(post: Posted, name: str) -> str:
    value = post.get(name, "")
    return value if isinstance(value, str) else ""


def input_for(field: str | None) -> str | None:
    """The form input an error's field points at (``None``: the error is about the whole form)."""
    if field is None:
        return None
    return _INPUT_OF_FIELD.get(field, field)


def record_data(post: Posted, *, code: str | None = None) -> dict[str, object]:
    """The posted form as the mapping ``parse_record`` reads. An edit's ``code`` comes from its URL: the id of
    an existing item is not editable."""
    return {
        "id": code if code is not None else posted_text(post, "id"),
        "title": posted_text(post, "title"),
        "body": posted_text(post, "body"),
        "category": posted_text(post, "category"),
        "tags": posted_text(post, "tags"),
        "source": {
            "issuer": posted_text(post, "source_issuer"),
            "document": posted_text(post, "source_document"),
            "url": posted_text(post, "source_url"),
        },
        "effective_from": posted_text(post, "effective_from"),
        "effective_until": posted_text(post, "effective_until"),
        "supersedes": posted_text(post, "supersedes").strip(),
        "audience": posted_text(post, "audience"),
        "status": posted_text(post, "status"),
    }


def parse_expected_version(post: Posted) -> int:
    raw = to_halfwidth(posted_text(post, "expected_version")).strip()
    if not raw.isdigit() or len(raw) > VERSION_MAX_DIGITS:
        raise InvalidInput(gettext("表单缺少版本号，请刷新页面后重试"), field="version")
    return int(raw)


def parse_note(post: Posted) -> str:
    return clean_text(posted_text(post, "note"), field="note", max_length=NOTE_MAX)


def initial_form(record: ItemRecord) -> dict[str, str]:
    """The form's values for an item as it is saved."""
    return {
        "id": record.code,
        "title": record.title,
        "body": record.body,
        "category": record.category,
        "tags": ", ".join(record.tags),
        "audience": record.audience,
        "status": record.status,
        "source_issuer": record.source.issuer,
        "source_document": record.source.document,
        "source_url": record.source.url,
        "effective_from": record.effective_from.isoformat(),
        "effective_until": record.effective_until.isoformat() if record.effective_until else "",
        "supersedes": record.supersedes or "",
        "note": "",
    }


def posted_form(post: Posted, *, item: Item | None = None) -> dict[str, str]:
    """The form's values as posted, to show again beside the errors (nothing is lost on a failed save)."""
    form = {name: posted_text(post, name) for name in TEXT_INPUTS}
    if item is not None:
        form["id"] = item.code
    return form
