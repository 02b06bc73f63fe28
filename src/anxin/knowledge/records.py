"""One knowledge item as files carry it (JSON Lines, Markdown front matter, an Excel row), checked.

``parse_record`` turns a mapping from any of the formats into an ``ItemRecord`` or raises ``InvalidInput``
naming the field and the reason; ``record_to_dict`` is the inverse, the form every export writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.core.text import clean_text, to_halfwidth
from anxin.knowledge.choices import Audience, Status

# The file contract: these keys and no others. `id` is the item's code, stable across re-imports.
FIELDS = (
    "id",
    "title",
    "body",
    "category",
    "tags",
    "source",
    "effective_from",
    "effective_until",
    "supersedes",
    "audience",
    "status",
)
REQUIRED = ("id", "title", "body", "category", "source", "effective_from")
SOURCE_FIELDS = ("issuer", "document", "url")

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
URL = re.compile(r"^https?://[^\s<>\"]+$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")

TITLE_MAX = 200
BODY_MAX = 20_000
TAG_MAX = 30
TAGS_MAX = 20
CATEGORY_MAX = 40


@dataclass(frozen=True)
class Source:
    issuer: str = ""
    document: str = ""
    url: str = ""


@dataclass(frozen=True)
class ItemRecord:
    code: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]
    source: Source
    effective_from: date
    effective_until: date | None = None
    supersedes: str | None = None
    audience: str = Audience.PUBLIC
    status: str = Status.PUBLISHED


def parse_record(data: Mapping[str, object]) -> ItemRecord:
    if not isinstance(data, Mapping):
        raise InvalidInput(gettext("每条必须是 JSON 对象"), field=None)
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        raise InvalidInput(gettext("未知字段"), field=str(unknown[0]))
    for key in REQUIRED:
        if data.get(key) in (None, "", [], {}):
            raise InvalidInput(gettext("缺少此字段"), field=key)
    code = parse_code(data["id"], field="id")
    effective_from = parse_date(data["effective_from"], field="effective_from")
    effective_until = parse_date(data.get("effective_until"), field="effective_until", required=False)
    if effective_until is not None and effective_until < effective_from:
        raise InvalidInput(gettext("不能早于生效日期"), field="effective_until")
    supersedes = None
    if data.get("supersedes") not in (None, ""):
        supersedes = parse_code(data["supersedes"], field="supersedes")
        if supersedes == code:
            raise InvalidInput(gettext("不能替代自己"), field="supersedes")
    return ItemRecord(
        code=code,
        title=clean_text(data["title"], field="title", max_length=TITLE_MAX, required=True),
        body=clean_text(data["body"], field="body", max_length=BODY_MAX, required=True),
        # A code or a label as the file writes it; knowledge.categories resolves it against the base's categories.
        category=clean_text(data["category"], field="category", max_length=CATEGORY_MAX, required=True),
        tags=parse_tags(data.get("tags")),
        source=parse_source(data["source"]),
        effective_from=effective_from,
        effective_until=effective_until,
        supersedes=supersedes,
        audience=_choice(data.get("audience") or Audience.PUBLIC, Audience, field="audience"),
        status=_choice(data.get("status") or Status.PUBLISHED, Status, field="status"),
    )


def parse_code(value: object, *, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not CODE.match(value.strip()):
        raise InvalidInput(gettext("编号只能包含字母、数字、下划线、连字符和点，最多 64 个字符"), field=field)
    return value.strip()


def parse_date(value: object, *, field: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(gettext("缺少此字段"), field=field)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InvalidInput(gettext("必须是日期，如 2023-01-08"), field=field)
    match = _DATE.match(to_halfwidth(value).strip())
    if not match:
        raise InvalidInput(gettext("必须是日期，如 2023-01-08"), field=field)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise InvalidInput(gettext("日期不存在"), field=field) from exc


def parse_tags(value: object) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [tag for tag in _TAG_SEPARATORS.split(value) if tag]
    if not isinstance(value, list | tuple):
        raise InvalidInput(gettext("必须是标签列表"), field="tags")
    # YAML and spreadsheets turn a tag like 12315 into a number; it is still the tag "12315".
    value = [str(tag) if isinstance(tag, int | float) and not isinstance(tag, bool) else tag for tag in value]
    tags = [clean_text(tag, field="tags", max_length=TAG_MAX) for tag in value]
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    if len(tags) > TAGS_MAX:
        raise InvalidInput(gettext("标签最多 %(max)s 个") % {"max": TAGS_MAX}, field="tags")
    return tuple(tags)


def parse_source(value: object) -> Source:
    if isinstance(value, str):
        value = {"document": value}
    if not isinstance(value, Mapping):
        raise InvalidInput(gettext("必须是含 issuer、document、url 的对象"), field="source")
    unknown = [key for key in value if key not in SOURCE_FIELDS]
    if unknown:
        raise InvalidInput(gettext("未知字段"), field=f"source.{unknown[0]}")
    issuer = clean_text(value.get("issuer"), field="source.issuer", max_length=200)
    document = clean_text(value.get("document"), field="source.document", max_length=300)
    url = clean_text(value.get("url"), field="source.url", max_length=500)
    if not issuer and not document:
        raise InvalidInput(gettext("须写明发布机构或文件名称"), field="source")
    if url and not URL.match(url):
        raise InvalidInput(gettext("必须是 http:// 或 https:// 开头的网址"), field="source.url")
    return Source(issuer=issuer, document=document, url=url)


def _choice(value: object, choices, *, field: str) -> str:
    """A code ("public") or its Chinese label ("可对外答复"), as spreadsheets often carry labels."""
    if isinstance(value, str):
        text = value.strip()
        for code, label in choices.choices:
            if text in (code, str(label), _chinese(label)):
                return code
    raise InvalidInput(
        gettext("不是可选值：%(value)s") % {"value": str(value)[:40]},
        field=field,
    )


def _chinese(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def record_to_dict(record: ItemRecord) -> dict[str, object]:
    data: dict[str, object] = {
        "id": record.code,
        "title": record.title,
        "body": record.body,
        "category": record.category,
        "tags": list(record.tags),
        "source": {
            "issuer": record.source.issuer,
            "document": record.source.document,
            "url": record.source.url,
        },
        "effective_from": record.effective_from.isoformat(),
    }
    if record.effective_until is not None:
        data["effective_until"] = record.effective_until.isoformat()
    if record.supersedes:
        data["supersedes"] = record.supersedes
    data["audience"] = record.audience
    data["status"] = record.status
    return data
