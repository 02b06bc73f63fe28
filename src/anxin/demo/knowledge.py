"""The knowledge base the demo starts with: the items shipped in anxin/knowledge/content, imported once."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from anxin.knowledge.formats import read_items
from anxin.knowledge.models import Item
from anxin.knowledge.services import items_import


def content_folder() -> Path:
    return Path(str(resources.files("anxin.knowledge") / "content"))


def demo_knowledge_load() -> int:
    """Import the shipped items unless the base already has items; the number imported."""
    if Item.objects.exists():
        return 0
    report = items_import(rows=read_items(content_folder()), note="anxin demo")
    return report.created
