from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from anxin.core.errors import DomainError


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
