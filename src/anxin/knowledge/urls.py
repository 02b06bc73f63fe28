"""/kb/: the knowledge base pages. The fixed pages come before ``<code>/``; codes ``new``, ``preview`` and
``import`` would be shadowed by them, so the create page refuses those codes (views.RESERVED_CODES)."""

from __future__ import annotations

from django.urls import path, register_converter

from anxin.knowledge import views


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
    path("<kbcode:code>/", views.item_detail, name="item"),
    path("<kbcode:code>/edit/", views.item_edit, name="edit"),
    path("<kbcode:code>/v/<int:number>/", views.item_version, name="version"),
]
