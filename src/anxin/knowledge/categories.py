"""Categories as data: reading them, the command centre's writes, and a file's own categories on import.

A file names a category by its code or by its Chinese or English label. On import a category the base does not
know is a row error, unless the import maps it onto an existing category (``--category-map``) or creates it
(``--create-categories``: the file's code, or for a Chinese heading a code spelt in pinyin, with the heading as
its label). A retired category takes no new items, though a map may still send its name elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from pypinyin import lazy_pinyin

from anxin.accounts.models import User
from anxin.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.core.i18n import gettext
from anxin.core.text import clean_text, to_halfwidth
from anxin.knowledge.models import CATEGORY_CODE_MAX, Category, Item, category_labels

CATEGORY_CODE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{CATEGORY_CODE_MAX - 1}}}$")
LABEL_ZH_MAX = 40
LABEL_EN_MAX = 80
ORDER_MAX = 1_000_000
ORDER_STEP = 10


# The categories every base starts with (code, Chinese label, English label), in this order; they were the
# fixed list before categories became rows. Seeded after every migrate, never overwritten: a county relabels.
SEEDED = (
    ("home_care", "居家治疗", "Home care"),
    ("seek_care", "就医指引", "Seeking care"),
    ("fever_clinic", "发热门诊", "Fever clinic"),
    ("medicines", "用药指导", "Medication advice"),
    ("antigen", "抗原与核酸检测", "Antigen and PCR testing"),
    ("vaccination", "疫苗接种", "Vaccination"),
    ("recovery", "康复与再感染", "Recovery and reinfection"),
    ("special_groups", "重点人群", "Key populations"),
    ("chronic", "慢病与长处方", "Chronic illness and long prescriptions"),
    ("delivery", "药品配送与代购", "Medicine delivery and proxy purchase"),
    ("referral", "分级诊疗与转诊", "Tiered care and referral"),
    ("mental_health", "心理援助", "Mental health support"),
    ("quarantine", "隔离与防控政策", "Quarantine and control policy"),
    ("supplies", "封控期间生活保障", "Supplies during lockdown"),
    ("prices", "价格与市场监管投诉", "Prices and market regulation complaints"),
    ("hotline", "热线与办事指引", "Hotlines and service guides"),
)


def seed_categories(*, using: str = "default") -> int:
    """The seeded categories the base lacks, created; how many (0 once they are there)."""
    present = set(Category.objects.using(using).values_list("code", flat=True))
    missing = [
        Category(code=code, label_zh=zh, label_en=en, order=ORDER_STEP * (position + 1))
        for position, (code, zh, en) in enumerate(SEEDED)
        if code not in present
    ]
    Category.objects.using(using).bulk_create(missing)
    category_labels.forget()
    return len(missing)


# --- reading -------------------------------------------------------------------------------------------


def category_list(*, include_retired: bool = True) -> list[Category]:
    categories = Category.objects.all()
    if not include_retired:
        categories = categories.filter(retired=False)
    return list(categories)


def category_get(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise NotFound(gettext("分类不存在"), field="code")
    return category


def category_choices(*, keep: str = "") -> list[tuple[str, str]]:
    """(code, label) of the categories new items may take, and ``keep`` (an item's own, even if retired)."""
    return [(c.code, c.label) for c in category_list() if not c.retired or c.code == keep]


def category_filter_choices() -> list[tuple[str, str]]:
    """Every category, retired ones marked: lists filter by what items carry, not only by what is open."""
    retired = gettext("（已停用）")
    return [(c.code, c.label + (retired if c.retired else "")) for c in category_list()]


def category_item_counts() -> dict[str, int]:

    rows = Item.objects.values("category").annotate(n=Count("id")).values_list("category", "n")
    return dict(rows)


class _Lookup:
    """A category by any name a file may use for it: its code (any case) or either label (full-width folded).
    A code always wins: a label spelt like another category's code does not shadow it."""

    def __init__(self, categories: Iterable[Category]) -> None:
        categories = list(categories)
        self._by_name: dict[str, Category] = {_name_key(c.code): c for c in categories}
        for category in categories:
            for name in (category.label_zh, category.label_en):
                if name:
                    self._by_name.setdefault(_name_key(name), category)

    def find(self, value: str) -> Category | None:
        return self._by_name.get(_name_key(value))


def _name_key(value: str) -> str:
    return to_halfwidth(value).strip().casefold()


# --- the command centre's writes -------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    label_zh: str
    label_en: str = ""
    order: int | None = None
    retired: bool = False


def parse_category_code(value: object) -> str:
    if not isinstance(value, str) or not CATEGORY_CODE.match(value.strip()):
        raise InvalidInput(
            gettext("分类编号只能包含字母、数字、下划线、连字符和点，最多 %(max)s 个字符")
            % {"max": CATEGORY_CODE_MAX},
            field="code",
        )
    return value.strip()


def parse_category(data: Mapping[str, object]) -> CategoryInput:
    order = data.get("order")
    if order in (None, ""):
        order = None
    else:
        try:
            order = int(str(order).strip())
        except ValueError:
            order = -1
        if not 0 <= order <= ORDER_MAX:
            raise InvalidInput(gettext("排序必须是 0 到 %(max)s 的整数") % {"max": ORDER_MAX}, field="order")
    retired = data.get("retired", False)
    if isinstance(retired, str):
        retired = retired.strip().lower() in ("1", "true", "on", "yes")
    elif not isinstance(retired, bool):
        raise InvalidInput(gettext("必须是 true 或 false"), field="retired")
    return CategoryInput(
        label_zh=clean_text(data.get("label_zh"), field="label_zh", max_length=LABEL_ZH_MAX, required=True),
        label_en=clean_text(data.get("label_en"), field="label_en", max_length=LABEL_EN_MAX),
        order=order,
        retired=retired,
    )


def require_manager(by: User) -> None:
    """Categories are the command centre's: only a role that edits the knowledge base manages them."""
    if not by.can("knowledge.edit"):
        raise Forbidden(gettext("当前角色不能管理知识库分类"))


def _next_order() -> int:
    return (Category.objects.aggregate(top=Max("order"))["top"] or 0) + ORDER_STEP


def _code_taken(code: str) -> Conflict:
    return Conflict(gettext("分类编号已存在：%(code)s") % {"code": code}, field="code")


def _label_taken(label_zh: str) -> Conflict:
    return Conflict(gettext("已有同名分类：%(label)s") % {"label": label_zh}, field="label_zh")


def _check_label_free(label_zh: str, *, code: str) -> None:
    if Category.objects.filter(label_zh=label_zh).exclude(code=code).exists():
        raise _label_taken(label_zh)


@transaction.atomic
def category_create(*, code: str, data: CategoryInput, by: User) -> Category:
    require_manager(by)
    code = parse_category_code(code)
    if Category.objects.filter(code=code).exists():
        raise _code_taken(code)
    _check_label_free(data.label_zh, code=code)
    category = Category(
        code=code,
        label_zh=data.label_zh,
        label_en=data.label_en,
        order=_next_order() if data.order is None else data.order,
        retired=data.retired,
        updated_by=by,
    )
    _save_unique(category, code=code, label_zh=data.label_zh)
    category_labels.forget()
    return category


def _save_unique(category: Category, *, code: str, label_zh: str) -> None:
    """Save, or a Conflict when another request took the code or the label since it was checked."""
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        if Category.objects.filter(code=code).exclude(pk=category.pk).exists():
            raise _code_taken(code) from None
        raise _label_taken(label_zh) from None


@transaction.atomic
def category_update(*, code: str, data: CategoryInput, by: User) -> Category:
    """New labels, order or retirement. Items are searched by their category's Chinese label too, so a new
    label reindexes the category's items."""
    from anxin.knowledge import index

    require_manager(by)
    category = Category.objects.select_for_update().filter(code=code).first()
    if category is None:
        raise NotFound(gettext("分类不存在"), field="code")
    _check_label_free(data.label_zh, code=code)
    relabelled = category.label_zh != data.label_zh
    category.label_zh, category.label_en, category.retired = data.label_zh, data.label_en, data.retired
    if data.order is not None:
        category.order = data.order
    category.updated_at, category.updated_by = timezone.now(), by
    _save_unique(category, code=code, label_zh=data.label_zh)
    category_labels.forget()
    if relabelled:
        index.index_items(list(Item.objects.filter(category=code)))
    return category


# --- a file's own categories ---------------------------------------------------------------------------


@dataclass
class Resolution:
    """What an import does with the categories its rows name."""

    codes: dict[str, str] = field(default_factory=dict)  # a row's value -> the code its item gets
    created: list[Category] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # a row's value -> why it cannot be filed


def check_category_map(mapping: Mapping[str, object]) -> dict[str, str]:
    """A map read from a file, its targets checked: each must be a category the base has and has not retired.

    Raises InvalidInput naming the entry; the map is an argument, so a bad one stops the import before any row.
    """
    lookup = _Lookup(category_list())
    checked: dict[str, str] = {}
    for source, target in mapping.items():
        where = f"category-map: {source}"
        if not isinstance(target, str) or not str(source).strip():
            raise InvalidInput(gettext("每项须是“文件中的分类 → 已有分类”"), field=where)
        category = lookup.find(target)
        if category is None:
            raise InvalidInput(gettext("没有这个分类：%(code)s") % {"code": target}, field=where)
        if category.retired:
            raise InvalidInput(gettext("分类已停用：%(code)s") % {"code": category.code}, field=where)
        checked[_name_key(str(source))] = category.code
    return checked


def resolve_categories(
    values: Iterable[str], *, create: bool = False, mapping: Mapping[str, str] | None = None
) -> Resolution:
    """The code for every category value rows carry; new categories to create; or why a value is refused.

    ``mapping`` is a checked map (``check_category_map``); it comes first, so a file may also re-file items
    of a category the base knows.
    """
    mapping = mapping or {}
    existing = category_list()
    lookup = _Lookup(existing)
    taken = {c.code.casefold() for c in existing}
    next_order = max((c.order for c in existing), default=0) + ORDER_STEP
    resolution = Resolution()
    for value in dict.fromkeys(values):
        key = _name_key(value)
        category = lookup.find(value)
        if key in mapping:
            resolution.codes[value] = mapping[key]
        elif category is not None and not category.retired:
            resolution.codes[value] = category.code
        elif category is not None:
            resolution.errors[value] = gettext("分类已停用：%(code)s") % {"code": category.code}
        elif create and len(value) > LABEL_ZH_MAX:
            resolution.errors[value] = gettext("分类名称过长（至多%(max)d字）：%(code)s") % {
                "max": LABEL_ZH_MAX,
                "code": value,
            }
        elif create:
            new = Category(code=_new_code(value, taken), label_zh=value, order=next_order)
            next_order += ORDER_STEP
            taken.add(new.code.casefold())
            lookup = _Lookup([*existing, *resolution.created, new])
            resolution.created.append(new)
            resolution.codes[value] = new.code
        else:
            resolution.errors[value] = gettext("未知分类：%(code)s") % {"code": value}
    return resolution


def _new_code(value: str, taken: set[str]) -> str:
    """The file's code if it is one; for a heading such as 医保报销 its pinyin, yi_bao_bao_xiao."""
    text = to_halfwidth(value).strip()
    if CATEGORY_CODE.match(text):
        base = text
    else:
        spelt = "_".join(
            lazy_pinyin(text, errors=lambda chars: [c for c in chars if c.isascii() and c.isalnum()])
        )
        base = re.sub(r"[^a-z0-9_]+", "_", spelt.lower()).strip("_") or "category"
        base = base[:CATEGORY_CODE_MAX]
    code, number = base, 1
    while code.casefold() in taken:
        number += 1
        suffix = f"_{number}"
        code = base[: CATEGORY_CODE_MAX - len(suffix)] + suffix
    return code


def create_planned(categories: list[Category], *, by: User | None) -> None:
    """The categories an import planned (``Resolution.created``), inside the import's transaction."""
    now = timezone.now()
    for category in categories:
        category.updated_at, category.updated_by = now, by
    Category.objects.bulk_create(categories)
    category_labels.forget()


_MAP_LINE = re.compile(r"\s*(?:=>|->|=|→|,|，|\t)\s*")
MAP_TEXT_MAX = 20_000


def parse_map_lines(text: str) -> dict[str, str]:
    """The import page's map, one ``文件中的分类 = 已有分类`` per line (``→``, ``,`` or a tab also separate)."""
    text = clean_text(text, field="category_map", max_length=MAP_TEXT_MAX)
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _MAP_LINE.split(line.strip(), maxsplit=1)
        if len(parts) != 2 or not all(parts):
            raise InvalidInput(
                gettext("第 %(line)s 行须写成“文件中的分类 = 已有分类”") % {"line": number},
                field="category_map",
            )
        mapping[parts[0]] = parts[1]
    return mapping
