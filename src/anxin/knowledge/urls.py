"""/kb/: the knowledge base pages. The fixed pages come before ``<code>/``; codes ``new``, ``preview``,
``import``, ``categories`` and ``gaps`` would be shadowed by them, so the create page refuses those codes (views.RESERVED_CODES)."""

from __future__ import annotations

from django.urls import path, register_converter

from anxin.knowledge import category_views, gap_views, views


class ItemCodeConverter:
    """An item's code as records.CODE allows it (letters, digits, ``_``, ``.``, ``-``; 64 at most)."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ItemCodeConverter, "kbcode")

app_name = "knowledge"
urlpatterns = [
    path("", views.item_index, name="list"),
    path("new/", views.item_create, name="new"),
    path("preview/", views.item_preview, name="preview"),
    path("import/", views.item_import, name="import"),
    path("export.<slug:fmt>", views.item_export, name="export"),
    path("gaps/", gap_views.gap_index, name="gaps"),
    path("gaps.xlsx", gap_views.gap_export, name="gaps-export"),
    path("categories/", category_views.category_index, name="categories"),
    path("categories/<kbcode:code>/", category_views.category_edit, name="category"),
    path("<kbcode:code>/", views.item_detail, name="item"),
    path("<kbcode:code>/edit/", views.item_edit, name="edit"),
    path("<kbcode:code>/v/<int:number>/", views.item_version, name="version"),
]
