"""The interactive map as inline SVG, from a layout. Pure: a string out, every text escaped.

Each household is a link (``unit_href``) whose ``data-status`` names its status and whose fill is the status's
colour from the rule file; the page's script opens the household panel when one is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from anxin.core.i18n import gettext
from anxin.places.epimap.layout import Block, Cell, MapLayout, Metrics
from anxin.places.epimap.status import MapRules, MapStatus

PAD = 4.0
UNIT_FONT = 9.5
FLOOR_FONT = 9.0
NAME_FONT = 12.0
# The page may shrink the map to fit its column, but not below this share of its size: a phone scrolls it
# sideways instead, so the unit numbers stay readable.
MIN_SHOWN_SCALE = 0.85
# Colours as SVG presentation attributes, not a <style> element: the pages' Content-Security-Policy allows no
# inline style, and the stylesheet (epimap.css) can still override them.
UNIT_STROKE = "#7b8794"
BODY_FILL = "#eef1f4"
FLOOR_INK = "#5d6b7a"


def _n(value: float) -> str:
    """A coordinate, short: 12.0 -> "12", 12.25 -> "12.2"."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class _Render:
    """What every cell of one render shares, translated once rather than 857 times."""

    statuses: dict[str, MapStatus]
    labels: dict[str, str]
    title: str  # "%(building)s %(unit)s · %(status)s · %(people)s人" in the active language
    unit_href: Callable[[int], str] | None


def _cell(cell: Cell, building: str, r: _Render) -> str:
    unit = cell.unit
    status = r.statuses[unit.status]
    title = r.title % {
        "building": building,
        "unit": unit.label,
        "status": r.labels[status.code],
        "people": unit.people,
    }
    body = (
        f'<title>{escape(title)}</title><rect x="{_n(cell.x + 1)}" y="{_n(cell.y + 1)}" '
        f'width="{_n(cell.w - 2)}" height="{_n(cell.h - 2)}" fill="{status.colour}" stroke="{UNIT_STROKE}" '
        f'stroke-width=".6"/>'
        f'<text x="{_n(cell.x + cell.w / 2)}" y="{_n(cell.y + cell.h / 2)}" fill="{status.ink}">'
        f"{escape(unit.label)}</text>"
    )
    attributes = f'class="epimap-unit" data-unit="{unit.unit_id}" data-status="{status.code}"'
    if r.unit_href is None:
        return f"<g {attributes}>{body}</g>"
    return f'<a {attributes} href="{escape(r.unit_href(unit.unit_id))}">{body}</a>'


def _block(block: Block, metrics: Metrics, r: _Render) -> str:
    m = metrics
    name = escape(block.building.name)
    body_x, body_y = block.x + m.floor_w, block.y + m.head_h
    parts = [
        f'<g class="epimap-block" data-building="{block.building.building_id}">',
        f'<text class="epimap-name" x="{_n(body_x)}" y="{_n(block.y + m.head_h / 2)}" font-size="{NAME_FONT}" '
        f'font-weight="700" text-anchor="start">{name}</text>',
        f'<rect class="epimap-body" x="{_n(body_x)}" y="{_n(body_y)}" fill="{BODY_FILL}" '
        f'width="{_n(block.doors * m.cell_w)}" height="{_n(len(block.rows) * m.cell_h)}"/>',
    ]
    parts += [
        f'<text class="epimap-floor" x="{_n(body_x - 4)}" y="{_n(row.y + m.cell_h / 2)}" '
        f'font-size="{FLOOR_FONT}" text-anchor="end" fill="{FLOOR_INK}">{row.floor}</text>'
        for row in block.rows
        if row.floor is not None
    ]
    parts += [_cell(cell, block.building.name, r) for cell in block.cells]
    parts.append("</g>")
    return "".join(parts)


def map_svg(
    layout: MapLayout, rules: MapRules, *, title: str, unit_href: Callable[[int], str] | None = None
) -> str:
    """The whole map; ``unit_href(unit_id)`` makes each household a link (omitted: plain shapes)."""
    width, height = layout.width + 2 * PAD, layout.height + 2 * PAD
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="epimap-svg" role="group" aria-label="{escape(title)}" '
        f'viewBox="{_n(-PAD)} {_n(-PAD)} {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'data-min-width="{_n(width * MIN_SHOWN_SCALE)}" '
        f'font-size="{UNIT_FONT}" text-anchor="middle" dominant-baseline="central">'
    )
    render = _Render(
        statuses={status.code: status for status in rules.statuses},
        labels={status.code: status.display_label for status in rules.statuses},
        title=gettext("%(building)s %(unit)s · %(status)s · %(people)s人"),
        unit_href=unit_href,
    )
    blocks = [_block(block, layout.metrics, render) for block in layout.blocks]
    return head + "".join(blocks) + "</svg>"
