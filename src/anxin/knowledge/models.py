"""Knowledge items, their versions and their use.

``Item.code`` is the item's id in files and the API (``"id"`` there); the integer primary key stays internal
and doubles as the full-text row id. The ``search_*`` columns hold the analysed terms (knowledge.index writes
them, and mirrors them into SQLite's FTS5 table or PostgreSQL's ``search_head`` and ``search_body_vector`` column. Those two are
created in migration 0002, outside the model, because neither backend has the other's.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from anxin.knowledge.choices import Audience, GapReason, Status

CATEGORY_CODE_MAX = 40
# How long a process trusts its copy of the category labels: another process (the worker, a second server)
# may relabel a category, and every page shows labels, so they are read once per this many seconds at most.
_LABELS_MAX_AGE = 2.0


class Category(models.Model):
    """A heading items are filed under (居家治疗, 发热门诊, ...). The command centre manages them; an item names
    one by ``code``. A retired category keeps its items but takes no new ones."""

    code = models.CharField(_("编号"), max_length=CATEGORY_CODE_MAX, unique=True)
    label_zh = models.CharField(_("中文名称"), max_length=40, unique=True)
    label_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    retired = models.BooleanField(_("已停用"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_zh}"

    @property
    def label(self) -> str:
        """The label in the active language: English when asked for and written, Chinese otherwise."""
        return label_in_language(self.label_zh, self.label_en)


def label_in_language(label_zh: str, label_en: str) -> str:
    language = translation.get_language() or ""
    return label_en if language.startswith("en") and label_en else label_zh


class _Labels:
    """code -> (label_zh, label_en), reread when older than _LABELS_MAX_AGE; ``forget`` after a write."""

    def __init__(self) -> None:
        self._labels: dict[str, tuple[str, str]] = {}
        self._read_at = -_LABELS_MAX_AGE

    def get(self) -> dict[str, tuple[str, str]]:
        now = time.monotonic()
        if now - self._read_at >= _LABELS_MAX_AGE:
            rows = Category.objects.values_list("code", "label_zh", "label_en")
            self._labels = {code: (zh, en) for code, zh, en in rows}
            self._read_at = now
        return self._labels

    def forget(self) -> None:
        self._read_at = -_LABELS_MAX_AGE


category_labels = _Labels()


def category_label(code: str) -> str:
    """The label of a category code in the active language; the code itself if no such category exists."""
    zh, en = category_labels.get().get(code, (code, ""))
    return label_in_language(zh, en)


class ItemContent(models.Model):
    """What an editor writes; an item and each of its versions carry the same fields."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    category = models.CharField(_("分类"), max_length=CATEGORY_CODE_MAX)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    audience = models.CharField(_("受众"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    source_issuer = models.CharField(_("发布机构"), max_length=200, blank=True)
    source_document = models.CharField(_("文件名称或文号"), max_length=300, blank=True)
    source_url = models.CharField(_("网址"), max_length=500, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)

    class Meta:
        abstract = True

    @property
    def category_label(self) -> str:
        return category_label(self.category)


class Item(ItemContent):
    code = models.CharField(_("编号"), max_length=64, unique=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("替代条目"),
    )
    version = models.PositiveIntegerField(default=1)
    use_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Written by knowledge.index only: space-separated terms (see knowledge.search.analysis).
    search_title = models.TextField(blank=True, default="", editable=False)
    search_keywords = models.TextField(blank=True, default="", editable=False)
    search_body = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)
    # Written by knowledge.dense only: the meaning of the title, tags and body (float32, L2-normalised, the shared
    # encoder's passage vector) and the item version it was computed for; None until the task has run.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def is_effective(self, today) -> bool:
        return in_force(self.effective_from, self.effective_until, today)


def in_force(effective_from, effective_until, today) -> bool:
    return effective_from <= today and (effective_until is None or today <= effective_until)


class ItemVersion(ItemContent):
    """Every saved state of an item, append-only: version 1 is the first import or creation."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    supersedes_code = models.CharField(max_length=64, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="knowledge_version_unique")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"


class ItemUse(models.Model):
    """An agent answered a case with an item (the item's ``use_count`` counts these)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="uses")
    version = models.PositiveIntegerField()
    case = models.ForeignKey(
        "hotline.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version} @ {self.used_at:%Y-%m-%d %H:%M}"


class Term(models.Model):
    """How many indexed items carry a term: the rarity the ranking weighs terms by."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term} {self.df}"


class Gap(models.Model):
    """A question the desk did not answer from the base: a case opened without an item, whether because the
    search had no confident answer or because the agent used none of what it found (knowledge.gaps)."""

    case = models.ForeignKey(
        "hotline.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The caller's words with phone and ID numbers and the names on the case masked (core.masking).
    text = models.TextField()
    reason = models.CharField(max_length=24, choices=GapReason.choices)
    best_item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    best_similarity = models.FloatField(null=True, blank=True)
    searched_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The shared encoder's query vector (float32), for grouping by meaning; None without the model.
    vector = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-searched_at"]

    def __str__(self) -> str:
        return f"{self.searched_at:%Y-%m-%d %H:%M} {self.reason} {self.text[:20]}"
