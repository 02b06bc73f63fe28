from __future__ import annotations

from functools import wraps

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext

from anxin.core.errors import DomainError, InvalidInput


def domain_errors(view):
    """Render a DomainError as its 4xx page (or fragment, for htmx) instead of a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            template = "core/_error.html" if request.headers.get("HX-Request") else "core/error.html"
            return render(request, template, {"error": exc}, status=exc.status)

    return wrapper


def uploaded_file(request: HttpRequest, *, max_bytes: int) -> UploadedFile:
    """The form's ``file``, refused (InvalidInput on ``file``) when missing or larger than ``max_bytes``."""
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(gettext("请选择要导入的文件"), field="file")
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidInput(
            gettext("文件过大：最多 %(max)s MB") % {"max": max_bytes // 1024 // 1024}, field="file"
        )
    return upload
