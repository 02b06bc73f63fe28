"""Knowledge items, their versions and their use.

``Item.code`` is the item's id in files and the API (``"id"`` there); the integer primary key stays internal
and doubles as the full-text row id. The ``search_*`` columns hold the analysed terms (knowledge.index writes
them, and mirrors them into SQLite's FTS5 table or PostgreSQL's ``search_head`` and ``search_body_vector`` column. Those two are
created in migration 0002, outside the model, because neither backend has the other's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.knowledge.choices import Audience, Category, Status


class ItemContent(models.Model):
    """What an editor writes; an item and each of its versions carry the same fields."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    category = models.CharField(_("分类"), max_length=24, choices=Category.choices)
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
