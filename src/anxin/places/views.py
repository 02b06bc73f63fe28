"""The compound map pages (/map/). Thin: parse the request, call the epimap selectors, render.

The live map is the ``_map.html`` partial, which the page includes and which polls itself every
``POLL_SECONDS``: it sends the stamp of what it shows, and gets 204 (htmx leaves the page alone) while nothing
changed, else the partial rendered afresh from the database. The printout is drawn from the same read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from hashlib import blake2b
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from anxin.core.errors import DomainError, NotFound
from anxin.core.views import domain_errors
from anxin.places.epimap.layout import Metrics, columns_for_width, layout_compound
from anxin.places.epimap.printout import PAPERS, print_sheet
from anxin.places.epimap.raster import FontMissing, render_pdf, render_png
from anxin.places.epimap.selectors import (
    compound_get_for_user,
    compound_map_read,
    compound_summaries,
    compounds_for_user,
    household_read,
)
from anxin.places.epimap.status import map_rules
from anxin.places.epimap.svg import map_svg
from anxin.places.models import Place

POLL_SECONDS = 30
LIST_PAGE_SIZE = 20
NAME_QUERY_MAX = 50
# The page's map is at most this wide (layout units, about px) before the next building starts a new row.
PAGE_MAP_WIDTH = 1100
PRINT_RENDERERS = {"pdf": (render_pdf, "application/pdf"), "png": (render_png, "image/png")}
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_-]")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _household_href(compound: Place) -> Callable[[int], str]:
    """unit id -> the household panel's URL, from one ``reverse`` instead of one per household."""
    pattern = reverse("places:household", args=[compound.pk, 0]).removesuffix("/0/") + "/{}/"
    return pattern.format


def _map_context(request: HttpRequest, compound: Place) -> dict[str, Any]:
    rules = map_rules()
    cmap = compound_map_read(request.user, compound, rules=rules)
    layout = layout_compound(
        cmap.buildings, columns=columns_for_width(cmap.buildings, PAGE_MAP_WIDTH, Metrics())
    )
    svg = map_svg(
        layout,
        rules,
        title=gettext("%(name)s 疫情分布图") % {"name": compound.name},
        unit_href=_household_href(compound),
    )
    return {
        "compound": compound,
        "cmap": cmap,
        # Every text in it is escaped by svg.map_svg.
        "svg": mark_safe(svg),  # noqa: S308
        "legend": [(status, cmap.counts[status.code]) for status in rules.statuses],
        "stamp": blake2b(f"{svg}{cmap.counts}".encode(), digest_size=8).hexdigest(),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
@require_GET
@domain_errors
def compound_list(request: HttpRequest) -> HttpResponse:
    """The compounds the user covers, a page at a time, each with its households by status."""
    name = request.GET.get("q", "").strip()[:NAME_QUERY_MAX]
    compounds = compounds_for_user(request.user, name=name).select_related("parent__parent")
    page = Paginator(compounds, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rules = map_rules()
    summaries = compound_summaries(request.user, list(page.object_list), rules=rules)
    rows = [
        {
            "compound": compound,
            "counts": [(status, summaries[compound.pk][status.code]) for status in rules.statuses],
            "households": sum(t.households for t in summaries[compound.pk].values()),
            "people": sum(t.people for t in summaries[compound.pk].values()),
        }
        for compound in page.object_list
    ]
    return render(request, "places/map_list.html", {"q": name, "page": page, "rows": rows})


@login_required
@require_GET
@domain_errors
def compound_map(request: HttpRequest, compound_id: int) -> HttpResponse:
    compound = compound_get_for_user(request.user, compound_id)
    context = _map_context(request, compound) | {"print_papers": [("a4", "A4"), ("a3", "A3")]}
    return render(request, "places/map.html", context)


@login_required
@require_GET
@never_cache
@domain_errors
def compound_map_live(request: HttpRequest, compound_id: int) -> HttpResponse:
    """The map partial, polled by the page; 204 when it would show what the page has (``stamp``)."""
    compound = compound_get_for_user(request.user, compound_id)
    context = _map_context(request, compound)
    if request.GET.get("stamp") == context["stamp"]:
        return HttpResponse(status=204)
    return render(request, "places/_map.html", context)


@login_required
@require_GET
@domain_errors
def household_panel(request: HttpRequest, compound_id: int, unit_id: int) -> HttpResponse:
    """One household's residents (masked ID numbers and phones): the panel beside the map, or a page."""
    compound = compound_get_for_user(request.user, compound_id)
    household = household_read(request.user, compound, unit_id)
    template = "places/_household.html" if _is_htmx(request) else "places/household.html"
    return render(request, template, {"compound": compound, "household": household})


@login_required
@require_GET
@never_cache
@domain_errors
def compound_print(request: HttpRequest, compound_id: int, paper: str, fmt: str) -> HttpResponse:
    """The gate printout, ``paper`` a3 or a4, ``fmt`` pdf or png: no names, ID numbers or phones."""
    if paper not in PAPERS or fmt not in PRINT_RENDERERS:
        raise NotFound(gettext("只能打印 A3 或 A4 的 PDF 或 PNG"))
    compound = compound_get_for_user(request.user, compound_id)
    rules = map_rules()
    cmap = compound_map_read(request.user, compound, rules=rules)
    sheet = print_sheet(cmap, paper, rules=rules, printed_at=timezone.localtime())
    renderer, content_type = PRINT_RENDERERS[fmt]
    try:
        body = renderer(sheet)
    except FontMissing as exc:
        return render(request, "core/error.html", {"error": DomainError(str(exc))}, status=503)
    response = HttpResponse(body, content_type=content_type)
    filename = _UNSAFE_FILENAME.sub("_", f"epimap-{compound.code}-{cmap.today:%Y%m%d}-{paper}")
    response["Content-Disposition"] = f'inline; filename="{filename}.{fmt}"'
    return response
