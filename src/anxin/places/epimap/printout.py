"""The gate printout: the compound map on one A3 or A4 sheet, as a list of boxes and labels in pixels.

Pure: it reads only a ``CompoundMap`` (unit numbers, statuses, head counts: no names, ID numbers or phones,
see selectors.py) and returns a ``Sheet``; ``raster.py`` draws the sheet as PNG or PDF. The sheet's labels are
every text that reaches the paper, so a test can read them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from anxin.core.i18n import gettext
from anxin.places.epimap.layout import Block, MapLayout, Metrics, columns_for_box, layout_compound
from anxin.places.epimap.status import MapRules, Tally

if TYPE_CHECKING:
    from anxin.places.epimap.selectors import CompoundMap

PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}  # mm, portrait
DPI = 200
MM_PER_INCH = 25.4
MARGIN = 10.0  # mm, all sides
TITLE = 7.0  # mm: font sizes are the height of the em square
SUBTITLE = 3.6
LEGEND_TEXT = 3.2
LEGEND_ROW = 7.0
LEGEND_MIN_ENTRY = 62.0  # mm: room for a swatch, the longest label and "857户 2122人"
FOOTER = 2.8
MAX_CELL_HEIGHT = 9.0  # mm: a compound of two buildings is not drawn a hand high
MIN_LABEL_PX = 5  # unit numbers smaller than this are left off: they would print as smudges
INK = "#1d2733"
MUTED = "#5d6b7a"
LINE = "#7b8794"
BODY = "#eef1f4"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    stroke: str | None = None
    line: float = 1.0


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float  # px, the em square
    fill: str = INK
    anchor: str = "mm"  # Pillow's text anchors: "lt" left-top, "mm" middle, "rm" right-middle, ...
    bold: bool = False


@dataclass(frozen=True)
class Sheet:
    width: int  # px
    height: int
    dpi: int
    title: str
    items: tuple[Box | Label, ...]

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, Label)]


@dataclass(frozen=True)
class _Frame:
    """Where things go on one page orientation, in px."""

    width: float
    height: float
    legend_columns: int
    legend_top: float
    legend_height: float
    map_top: float
    map_height: float


def _px(mm: float, dpi: int) -> float:
    return mm / MM_PER_INCH * dpi


def _frame(width_mm: float, height_mm: float, entries: int, dpi: int) -> _Frame:
    inner = width_mm - 2 * MARGIN
    columns = max(1, min(entries, int(inner // LEGEND_MIN_ENTRY)))
    rows = -(-entries // columns)
    legend_top = MARGIN + TITLE * 1.3 + SUBTITLE * 1.6
    legend_height = rows * LEGEND_ROW + 2
    map_top = legend_top + legend_height + 5
    map_bottom = height_mm - MARGIN - FOOTER * 2
    return _Frame(
        _px(width_mm, dpi),
        _px(height_mm, dpi),
        columns,
        _px(legend_top, dpi),
        _px(legend_height, dpi),
        _px(map_top, dpi),
        _px(map_bottom - map_top, dpi),
    )


def _text_width(text: str) -> float:
    """Width in ems, near enough to fit a unit number in its cell: CJK is one em, the rest about 0.6."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text) or 1.0


def _legend(cmap: CompoundMap, rules: MapRules, frame: _Frame, dpi: int) -> list[Box | Label]:
    entries: list[tuple[str, str | None, Tally]] = [
        (status.display_label, status.colour, cmap.counts[status.code]) for status in rules.statuses
    ]
    entries.append((gettext("合计"), None, cmap.total))
    left, width = _px(MARGIN, dpi), frame.width - 2 * _px(MARGIN, dpi)
    row, swatch, text = _px(LEGEND_ROW, dpi), _px(4.5, dpi), _px(LEGEND_TEXT, dpi)
    entry_width = width / frame.legend_columns
    items: list[Box | Label] = [Box(left, frame.legend_top, width, frame.legend_height, None, INK, 2)]
    for index, (label, colour, count) in enumerate(entries):
        column, line = index % frame.legend_columns, index // frame.legend_columns
        x = left + column * entry_width + _px(2, dpi)
        middle = frame.legend_top + _px(1, dpi) + line * row + row / 2
        if colour is not None:
            items.append(Box(x, middle - swatch / 2, swatch, swatch, colour, LINE, 2))
        items.append(Label(x + swatch + _px(1.5, dpi), middle, label, text, anchor="lm", bold=colour is None))
        counts = gettext("%(households)s户 %(people)s人") % {
            "households": count.households,
            "people": count.people,
        }
        items.append(Label(x + entry_width - _px(4, dpi), middle, counts, text, anchor="rm"))
    return items


def _block(
    block: Block, metrics: Metrics, rules: MapRules, scale: float, x0: float, y0: float
) -> list[Box | Label]:
    def at(x: float, y: float) -> tuple[float, float]:
        return (x0 + x * scale, y0 + y * scale)

    body_x, body_y = at(block.x + metrics.floor_w, block.y + metrics.head_h)
    name_x, name_y = at(block.x + metrics.floor_w, block.y + metrics.head_h / 2)
    small = metrics.cell_h * 0.55 * scale
    items: list[Box | Label] = [
        Label(name_x, name_y, block.building.name, metrics.head_h * 0.62 * scale, anchor="lm", bold=True),
        Box(
            body_x,
            body_y,
            block.doors * metrics.cell_w * scale,
            len(block.rows) * metrics.cell_h * scale,
            BODY,
        ),
    ]
    if small >= MIN_LABEL_PX:
        for row in block.rows:
            if row.floor is not None:
                x, y = at(block.x + metrics.floor_w - 3, row.y + metrics.cell_h / 2)
                items.append(Label(x, y, str(row.floor), small, MUTED, anchor="rm"))
    for cell in block.cells:
        status = rules.status(cell.unit.status)
        x, y = at(cell.x, cell.y)
        items.append(Box(x, y, cell.w * scale, cell.h * scale, status.colour, LINE, max(1.0, scale * 0.6)))
        size = min(small, cell.w * 0.85 * scale / _text_width(cell.unit.label))
        if size >= MIN_LABEL_PX:
            centre = at(cell.x + cell.w / 2, cell.y + cell.h / 2)
            items.append(Label(*centre, cell.unit.label, size, status.ink))
    return items


def _map(layout: MapLayout, rules: MapRules, frame: _Frame, scale: float, dpi: int) -> list[Box | Label]:
    left = _px(MARGIN, dpi)
    x0 = left + (frame.width - 2 * left - layout.width * scale) / 2
    items: list[Box | Label] = []
    for block in layout.blocks:
        items += _block(block, layout.metrics, rules, scale, x0, frame.map_top)
    return items


def _best_page(cmap: CompoundMap, paper: str, entries: int, dpi: int) -> tuple[_Frame, MapLayout, float]:
    """Portrait or landscape, and blocks to a row: whichever draws the map largest."""
    short, long = PAPERS[paper]
    metrics = Metrics()
    best: tuple[_Frame, MapLayout, float] | None = None
    for width_mm, height_mm in ((short, long), (long, short)):
        frame = _frame(width_mm, height_mm, entries, dpi)
        box_width = frame.width - 2 * _px(MARGIN, dpi)
        columns, scale = columns_for_box(cmap.buildings, box_width, frame.map_height, metrics)
        if best is None or scale > best[2]:
            best = (frame, layout_compound(cmap.buildings, columns=columns, metrics=metrics), scale)
    assert best is not None
    frame, layout, scale = best
    return frame, layout, min(scale, _px(MAX_CELL_HEIGHT, dpi) / metrics.cell_h)


def print_sheet(
    cmap: CompoundMap, paper: str, *, rules: MapRules, printed_at: datetime, dpi: int = DPI
) -> Sheet:
    """One sheet of ``paper`` ("a4" or "a3"): title, legend with counts, the map, and a footer."""
    frame, layout, scale = _best_page(cmap, paper, len(rules.statuses) + 1, dpi)
    title = gettext("%(name)s 疫情分布图") % {"name": cmap.name}
    left = _px(MARGIN, dpi)
    when = gettext("截至 %(time)s") % {"time": printed_at.strftime("%Y-%m-%d %H:%M")}
    subtitle = f"{cmap.trail}    {when}" if cmap.trail else when
    items: list[Box | Label] = [
        Box(0, 0, frame.width, frame.height, "#ffffff"),
        Label(left, left, title, _px(TITLE, dpi), anchor="lt", bold=True),
        Label(left, left + _px(TITLE * 1.3, dpi), subtitle, _px(SUBTITLE, dpi), MUTED, anchor="lt"),
    ]
    items += _legend(cmap, rules, frame, dpi)
    if layout.blocks:
        items += _map(layout, rules, frame, scale, dpi)
    else:
        items.append(
            Label(left, frame.map_top, gettext("该小区尚未登记楼栋"), _px(SUBTITLE, dpi), anchor="lt")
        )
    footer = gettext("本图不含姓名、身份证号和电话，仅供社区防疫服务使用。")
    items.append(Label(left, frame.height - left, footer, _px(FOOTER, dpi), MUTED, anchor="ld"))
    sheet_title = f"{title} {printed_at:%Y-%m-%d}"
    return Sheet(round(frame.width), round(frame.height), dpi, sheet_title, tuple(items))
