"""The knowledge base's vocabularies: categories, audiences, statuses. Codes in files and the API; labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    HOME_CARE = "home_care", _("居家治疗")
    SEEK_CARE = "seek_care", _("就医指引")
    FEVER_CLINIC = "fever_clinic", _("发热门诊")
    MEDICINES = "medicines", _("用药指导")
    ANTIGEN = "antigen", _("抗原与核酸检测")
    VACCINATION = "vaccination", _("疫苗接种")
    RECOVERY = "recovery", _("康复与再感染")
    SPECIAL_GROUPS = "special_groups", _("重点人群")
    CHRONIC = "chronic", _("慢病与长处方")
    DELIVERY = "delivery", _("药品配送与代购")
    REFERRAL = "referral", _("分级诊疗与转诊")
    MENTAL_HEALTH = "mental_health", _("心理援助")
    QUARANTINE = "quarantine", _("隔离与防控政策")
    SUPPLIES = "supplies", _("封控期间生活保障")
    PRICES = "prices", _("价格与市场监管投诉")
    HOTLINE = "hotline", _("热线与办事指引")


class Audience(models.TextChoices):
    PUBLIC = "public", _("可对外答复")
    AGENTS = "agents", _("仅供坐席")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")
