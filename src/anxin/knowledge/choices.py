"""The knowledge base's fixed vocabularies: audiences, statuses. Codes in files and the API; labels here.

Categories are rows (``models.Category``), managed by the command centre."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("可对外答复")
    AGENTS = "agents", _("仅供坐席")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class GapReason(models.TextChoices):
    NO_CONFIDENT_ANSWER = "no_confident_answer", _("无把握答案")
    NOT_USED = "not_used", _("有条目但未采用")
