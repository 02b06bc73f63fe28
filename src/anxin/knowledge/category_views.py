"""/kb/categories/: the command centre's list of the headings items are filed under — create, relabel,
reorder, retire. Plain forms that post and come back (no script needed); a refused form is shown again with
what was typed and the reason beside the field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from anxin.core.errors import DomainError
from anxin.core.views import domain_errors
from anxin.knowledge.categories import (
    category_create,
    category_get,
    category_item_counts,
    category_list,
    category_update,
    parse_category,
    require_manager,
)

FORM_FIELDS = ("code", "label_zh", "label_en", "order", "retired")


def _posted(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FORM_FIELDS}


def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    counts = category_item_counts()
    rows = [{"category": c, "items": counts.get(c.code, 0)} for c in category_list()]
    context = {"rows": rows, "new": {}, "error": None, "error_code": None, **extra}
    return render(request, "knowledge/categories.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def category_index(request: HttpRequest) -> HttpResponse:
    """The list; a POST creates a category."""
    require_manager(request.user)
    if request.method == "GET":
        return _page(request)
    posted = _posted(request)
    try:
        category = category_create(code=posted["code"], data=parse_category(posted), by=request.user)
    except DomainError as exc:
        return _page(request, status=exc.status, new=posted, error=exc, error_code="")
    messages.success(request, gettext("已新建分类：%(label)s") % {"label": category.label_zh})
    return redirect("knowledge:categories")


@login_required
@require_POST
@domain_errors
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    require_manager(request.user)
    category_get(code)
    posted = _posted(request)
    try:
        category = category_update(code=code, data=parse_category(posted), by=request.user)
    except DomainError as exc:
        return _page(request, status=exc.status, error=exc, error_code=code, edited=posted)
    messages.success(request, gettext("已保存分类：%(label)s") % {"label": category.label_zh})
    return redirect("knowledge:categories")
