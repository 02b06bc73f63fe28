"""The knowledge base pages (/kb/). Thin: parse the request, call one service or selector, render a template.

Partials start with ``_``; the list page includes the same results partial that the live search swaps in.
Writes go through ``services.item_save`` and ``services.items_import``, as the API and ``anxin kb`` do. A
failed save re-renders the form with what was typed and the reason next to the field, and writes nothing.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxin.accounts.models import User
from anxin.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from anxin.core.text import clean_text
from anxin.core.views import domain_errors, uploaded_file
from anxin.knowledge import forms, page_selectors
from anxin.knowledge.categories import (
    MAP_TEXT_MAX,
    category_choices,
    category_filter_choices,
    check_category_map,
    parse_map_lines,
)
from anxin.knowledge.choices import Audience, Status
from anxin.knowledge.dense import dense_enabled, embedding_progress
from anxin.knowledge.formats import MAX_FILE_BYTES, FileUnreadable, write_jsonl, write_xlsx
from anxin.knowledge.models import Item
from anxin.knowledge.records import BODY_MAX, parse_record
from anxin.knowledge.render import render_markdown
from anxin.knowledge.selectors import QUERY_MAX, item_versions
from anxin.knowledge.services import ImportRejected, item_as_record, item_save, items_import
from anxin.knowledge.uploads import SUFFIXES, read_upload

LIST_PAGE_SIZE = 50
IMPORT_NOTE_MAX = 200
# Codes that are page addresses under /kb/: an item with one of these could not be opened (see urls.py).
RESERVED_CODES = frozenset({"new", "preview", "import", "categories", "gaps"})
# /kb/export.<fmt> -> (writer, content type)
EXPORT_FORMATS = {
    "jsonl": (write_jsonl, "application/x-ndjson; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# The edit form's inputs as the error summary names them (the models' verbose names where there is one).
FIELD_LABELS = {
    "id": gettext_lazy("编号"),
    "title": gettext_lazy("标题"),
    "body": gettext_lazy("正文"),
    "category": gettext_lazy("分类"),
    "tags": gettext_lazy("标签"),
    "audience": gettext_lazy("受众"),
    "status": gettext_lazy("状态"),
    "source_issuer": gettext_lazy("发布机构"),
    "source_document": gettext_lazy("文件名称或文号"),
    "source_url": gettext_lazy("网址"),
    "effective_from": gettext_lazy("生效日期"),
    "effective_until": gettext_lazy("失效日期"),
    "supersedes": gettext_lazy("替代条目"),
    "note": gettext_lazy("修改说明"),
    "version": gettext_lazy("版本"),
    "file": gettext_lazy("文件"),
}
CHOICES = {
    "audiences": Audience.choices,
    "statuses": Status.choices,
}


def _wants_partial(request: HttpRequest) -> bool:
    # htmx restoring a page missing from its history cache asks for the whole page, HX-Request and all.
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _require_read(user: User) -> None:
    if not user.can("knowledge.read"):
        raise Forbidden(gettext("当前角色不能查阅知识库"))


def _require_edit(user: User) -> None:
    if not user.can("knowledge.edit"):
        raise Forbidden(gettext("当前角色不能维护知识库"))


def _choice(value: str | None, codes) -> str:
    """A filter's code, or "" (no filter) for anything that is not one of the codes."""
    return value if value in codes else ""


# --- list and search ---


@login_required
@require_GET
@domain_errors
def item_index(request: HttpRequest) -> HttpResponse:
    """The list, or with ``q`` the search results; htmx asks for the results partial only, as one types."""
    user = request.user
    _require_read(user)
    editor = user.can("knowledge.edit")
    q = request.GET.get("q", "")[: QUERY_MAX + 1].strip()
    categories = category_filter_choices()
    category = _choice(request.GET.get("category"), {code for code, _ in categories})
    status = _choice(request.GET.get("status"), Status.values) if editor else ""
    today = timezone.localdate()
    context: dict[str, Any] = {
        "q": q,
        "category": category,
        "status": status,
        "can_edit": editor,
        "meaning": embedding_progress() if editor and dense_enabled() else None,
        "today": today,
        "page": None,
        "rows": [],
        "error": None,
        "categories": categories,
        **CHOICES,
    }
    http_status = 200
    try:
        if q:
            context["rows"] = page_selectors.item_search_for_page(
                user=user, text=q, category=category, status=status, today=today
            )
        else:
            items = page_selectors.item_list_for_page(
                user=user, category=category, status=status, today=today
            )
            page = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
            context["page"] = page
            context["rows"] = page_selectors.item_rows(page.object_list, today=today)
    except DomainError as exc:
        context["error"] = exc
        http_status = exc.status
    params = request.GET.copy()
    params.pop("page", None)
    context["page_query"] = params.urlencode()
    template = "knowledge/_results.html" if _wants_partial(request) else "knowledge/index.html"
    return render(request, template, context, status=http_status)


# --- one item and its history ---


@login_required
@require_GET
@domain_errors
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    item = page_selectors.item_get_for_page(code=code, user=user)
    today = timezone.localdate()
    context = {
        "item": item,
        "content": item,
        "row": page_selectors.item_rows([item], today=today)[0],
        "today": today,
        "body_html": render_markdown(item.body),
        "supersedes": page_selectors.item_supersedes_for_page(item, user=user),
        "supersedes_code": item.supersedes.code if item.supersedes_id else "",
        "replacements": page_selectors.item_replacements_for_page(item, user=user),
        "versions": item_versions(item),
        "can_edit": user.can("knowledge.edit"),
    }
    return render(request, "knowledge/item.html", context)


@login_required
@require_GET
@domain_errors
def item_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One saved version as it read then (the item's current access rules apply)."""
    user = request.user
    item = page_selectors.item_get_for_page(code=code, user=user)
    version = item_versions(item).filter(number=number).first()
    if version is None:
        raise NotFound(gettext("没有这个版本"), field="number")
    supersedes = page_selectors.item_supersedes_for_page(item, user=user)
    context = {
        "item": item,
        "version": version,
        "content": version,
        "today": timezone.localdate(),
        "body_html": render_markdown(version.body),
        "supersedes": supersedes if supersedes and supersedes.code == version.supersedes_code else None,
        "supersedes_code": version.supersedes_code,
        "versions": item_versions(item),
    }
    return render(request, "knowledge/version.html", context)


# --- writing ---


def _form_context(
    *,
    item: Item | None,
    form: dict[str, str],
    expected_version: str,
    error: DomainError | None = None,
) -> dict[str, Any]:
    error_input = forms.input_for(error.field) if error is not None else None
    return {
        "item": item,
        "form": form,
        "expected_version": expected_version,
        "error": error,
        "error_input": error_input,
        "error_label": FIELD_LABELS.get(error_input or "", ""),
        "conflict": error is not None and error.status == 409,
        "preview_html": render_markdown(form.get("body", "")),
        "categories": category_choices(keep=item.category if item is not None else ""),
        **CHOICES,
    }


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def item_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_edit(user)
    if request.method == "GET":
        form = {
            "audience": Audience.PUBLIC,
            "status": Status.DRAFT,
            "effective_from": timezone.localdate().isoformat(),
        }
        context = _form_context(item=None, form=form, expected_version="")
        return render(request, "knowledge/edit.html", context)
    try:
        note = forms.parse_note(request.POST)
        record = parse_record(forms.record_data(request.POST))
        if record.code in RESERVED_CODES:
            raise InvalidInput(gettext("这个编号是页面地址，请换一个"), field="id")
        if page_selectors.item_code_taken(record.code):
            raise InvalidInput(gettext("编号已被使用"), field="id")
        item = item_save(record=record, by=user, note=note)
    except DomainError as exc:
        context = _form_context(
            item=None, form=forms.posted_form(request.POST), expected_version="", error=exc
        )
        return render(request, "knowledge/edit.html", context, status=exc.status)
    messages.success(request, gettext("已创建条目（第 %(n)s 版）") % {"n": item.version})
    return redirect("knowledge:item", code=item.code)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def item_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    _require_edit(user)
    item = page_selectors.item_get_for_page(code=code, user=user)
    if request.method == "GET":
        form = forms.initial_form(item_as_record(item))
        context = _form_context(item=item, form=form, expected_version=str(item.version))
        return render(request, "knowledge/edit.html", context)
    try:
        expected = forms.parse_expected_version(request.POST)
        note = forms.parse_note(request.POST)
        record = parse_record(forms.record_data(request.POST, code=item.code))
        saved = item_save(record=record, by=user, expected_version=expected, note=note)
    except DomainError as exc:
        # The version the form started from stays: saving again without reloading conflicts again.
        context = _form_context(
            item=item,
            form=forms.posted_form(request.POST, item=item),
            expected_version=forms.posted_text(request.POST, "expected_version"),
            error=exc,
        )
        if context["conflict"]:
            context["latest"] = page_selectors.item_get_for_page(code=code, user=user)
        return render(request, "knowledge/edit.html", context, status=exc.status)
    if saved.version == expected:
        messages.info(request, gettext("内容没有变化，未生成新版本"))
    else:
        messages.success(request, gettext("已保存为第 %(n)s 版") % {"n": saved.version})
    return redirect("knowledge:item", code=saved.code)


@login_required
@require_POST
@domain_errors
def item_preview(request: HttpRequest) -> HttpResponse:
    """The edit form's body rendered as it will be shown (htmx posts the form as the editor types)."""
    _require_edit(request.user)
    try:
        body = clean_text(forms.posted_text(request.POST, "body"), field="body", max_length=BODY_MAX)
    except InvalidInput as exc:
        return render(request, "knowledge/_preview.html", {"error": exc}, status=exc.status)
    return render(request, "knowledge/_preview.html", {"preview_html": render_markdown(body)})


# --- files ---


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def item_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of items: all are written, or none (then every bad row is listed)."""
    user = request.user
    _require_edit(user)
    context: dict[str, Any] = {"suffixes": ",".join(SUFFIXES), "max_mb": MAX_FILE_BYTES // 1024 // 1024}
    if request.method == "GET":
        return render(request, "knowledge/import.html", context)
    upload = None
    try:
        upload = uploaded_file(request, max_bytes=MAX_FILE_BYTES)
        name = upload.name or ""
        note = (gettext("网页导入：%(name)s") % {"name": name})[:IMPORT_NOTE_MAX]
        create, mapping = _category_options(request, context)
        try:
            report = items_import(
                rows=read_upload(name, upload.read()),
                by=user,
                note=note,
                create_categories=create,
                category_map=mapping,
            )
        except FileUnreadable as exc:
            raise InvalidInput(str(exc), field="file") from exc
    except ImportRejected as exc:
        context.update(rejected=exc.report, file_name=upload.name if upload else "")
        return render(request, "knowledge/import.html", context, status=exc.status)
    except DomainError as exc:
        context["error"] = exc
        return render(request, "knowledge/import.html", context, status=exc.status)
    context.update(report=report, file_name=name)
    return render(request, "knowledge/import.html", context)


def _category_options(request: HttpRequest, context: dict[str, Any]) -> tuple[bool, dict[str, str]]:
    """The import form's "create the file's new categories" box and its map, kept in ``context`` for a retry."""
    create = request.POST.get("create_categories") == "on"
    map_text = request.POST.get("category_map", "")
    context.update(create_categories=create, category_map=map_text[:MAP_TEXT_MAX])
    return create, check_category_map(parse_map_lines(map_text))


@login_required
@require_GET
@domain_errors
def item_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The items this user may read, as a file ``anxin kb import`` and the import page read back."""
    user = request.user
    _require_read(user)
    if fmt not in EXPORT_FORMATS:
        raise NotFound(gettext("只能导出为 .jsonl 或 .xlsx"), field="format")
    writer, content_type = EXPORT_FORMATS[fmt]
    records = [item_as_record(item) for item in page_selectors.item_list_for_export(user=user)]
    out = BytesIO()
    writer(records, out)
    response = HttpResponse(out.getvalue(), content_type=content_type)
    filename = f"anxin-kb-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
