from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "anxin.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")

    def ready(self) -> None:
        post_migrate.connect(_seed_categories, sender=self)


def _seed_categories(using: str = "default", **kwargs) -> None:
    from django.db import connections

    from anxin.knowledge.categories import seed_categories
    from anxin.knowledge.models import Category

    # A migrate back to before the table existed still sends the signal.
    if Category._meta.db_table in connections[using].introspection.table_names():
        seed_categories(using=using)
