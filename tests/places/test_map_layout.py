"""Where buildings, floors and households go on the compound map, and the SVG drawn from it. Pure geometry."""

from __future__ import annotations

import itertools
import re

import pytest

from anxin.places.epimap.layout import (
    BuildingSpot,
    Metrics,
    UnitSpot,
    columns_for_box,
    columns_for_width,
    door_of,
    layout_compound,
)
from anxin.places.epimap.status import map_rules
from anxin.places.epimap.svg import map_svg

M = Metrics()
_ids = itertools.count(1)


def unit(label: str, floor: int | None, status: str = "plain", people: int = 2) -> UnitSpot:
    return UnitSpot(next(_ids), label, floor, status, people)


def tower(name: str, floors: int, doors: int = 4) -> BuildingSpot:
    units = [unit(f"{f}{d:02d}", f) for f in range(1, floors + 1) for d in range(1, doors + 1)]
    return BuildingSpot(next(_ids), name, tuple(units))


def cells_by_label(layout) -> dict[str, object]:
    return {cell.unit.label: cell for block in layout.blocks for cell in block.cells}


@pytest.mark.parametrize(
    ("label", "floor", "door"),
    [
        ("1802", 18, 2),
        ("101", 1, 1),
        ("2601", 26, 1),
        ("110", 1, 10),
        ("1楼", 1, None),
        ("B101", 1, None),
        ("1802", None, None),
        ("1802", 17, None),
        ("18", 18, None),
        ("18020", 18, None),
        ("-101", -1, None),
    ],
)
def test_it_reads_the_door_from_the_unit_number(label, floor, door):
    assert door_of(label, floor) == door


def test_floors_run_top_down_to_the_ground_with_doors_in_their_columns():
    building = BuildingSpot(1, "1栋", (unit("301", 3), unit("303", 3), unit("102", 1)))
    block = layout_compound([building], columns=1).blocks[0]
    assert [row.floor for row in block.rows] == [3, 2, 1]
    assert block.doors == 3
    cells = {c.unit.label: c for c in block.cells}
    left = block.x + M.floor_w
    assert (cells["301"].x, cells["303"].x, cells["102"].x) == (left, left + 2 * M.cell_w, left + M.cell_w)
    assert cells["301"].y < cells["102"].y
    assert cells["301"].y == block.rows[0].y and cells["102"].y == block.rows[2].y


def test_labels_without_a_door_fill_the_free_columns_and_unknown_floors_go_last():
    building = BuildingSpot(
        1, "2号", (unit("102", 1), unit("1楼", 1), unit("商铺", 1), unit("物业", None), unit("门卫", None))
    )
    block = layout_compound([building], columns=1).blocks[0]
    columns = {c.unit.label: round((c.x - block.x - M.floor_w) / M.cell_w) for c in block.cells}
    assert columns == {"102": 1, "1楼": 0, "商铺": 2, "物业": 0, "门卫": 1}
    assert [row.floor for row in block.rows] == [1, None]


def test_blocks_stand_in_rows_with_their_ground_floors_aligned():
    buildings = [tower("1栋", 3), tower("2栋", 6), tower("3栋", 2)]
    layout = layout_compound(buildings, columns=2)
    first, second, third = layout.blocks
    assert first.y + first.h == second.y + second.h
    assert first.x < second.x and third.x == first.x and third.y > second.y + second.h
    assert layout.width == first.w + M.gap_x + second.w
    assert layout.height == second.h + M.gap_y + third.h


def test_no_two_households_overlap_and_all_lie_inside_the_map():
    layout = layout_compound([tower(f"{n}栋", 5 + n) for n in range(1, 8)], columns=3)
    seen = set()
    for block in layout.blocks:
        for cell in block.cells:
            assert (cell.x, cell.y) not in seen
            seen.add((cell.x, cell.y))
            assert cell.x >= 0 and cell.x + cell.w <= layout.width
            assert cell.y >= 0 and cell.y + cell.h <= layout.height
    assert len(seen) == sum(len(b.cells) for b in layout.blocks)


def test_the_columns_fit_the_width_or_the_box():
    buildings = [tower(f"{n}栋", 24) for n in range(1, 16)]
    one = layout_compound(buildings[:1], columns=1).width
    assert columns_for_width(buildings, 5 * one + 4 * M.gap_x, M) == 5
    assert columns_for_width(buildings, 5 * one + 4 * M.gap_x - 1, M) == 4
    assert columns_for_width(buildings, 10, M) == 1
    portrait, _ = columns_for_box(buildings, 1000, 1414, M)
    landscape, _ = columns_for_box(buildings, 1414, 1000, M)
    assert landscape > portrait


def test_a_compound_without_buildings_lays_out_empty():
    layout = layout_compound([], columns=3)
    assert (layout.width, layout.height, layout.blocks) == (0.0, 0.0, ())


def test_the_svg_links_each_household_in_its_colour():
    rules = map_rules()
    building = BuildingSpot(9, "1栋", (unit("101", 1, "confirmed", 3), unit("102", 1)))
    red = building.units[0]
    svg = map_svg(
        layout_compound([building], columns=1), rules, title="A花园", unit_href=lambda u: f"/h/{u}/"
    )
    link = re.search(
        rf'<a class="epimap-unit" data-unit="{red.unit_id}" data-status="confirmed" href="/h/{red.unit_id}/">.*?</a>',
        svg,
    )
    assert link and 'fill="#d32f2f"' in link[0] and ">101</text>" in link[0]
    assert "1栋 101 · 确诊病例 · 3人" in link[0]
    assert svg.count('class="epimap-unit"') == 2


def test_the_svg_escapes_names_and_labels():
    building = BuildingSpot(1, '<b>"1栋"</b>', (unit("<i>", 1),))
    svg = map_svg(layout_compound([building], columns=1), map_rules(), title="<A&B>")
    assert "<b>" not in svg and "<i>" not in svg and "<A&B>" not in svg
    assert "&lt;b&gt;&quot;1栋&quot;&lt;/b&gt;" in svg and 'aria-label="&lt;A&amp;B&gt;"' in svg
    assert "<a " not in svg  # no unit_href: shapes, not links
