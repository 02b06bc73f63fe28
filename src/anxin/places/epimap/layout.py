"""Where each building, floor and household goes on the compound map. Pure geometry: no Django, no drawing.

Every building is a block: its name on top, then one row per floor from the top floor down, the floor number
at the left of the row, and one cell per household in the row. A unit whose label reads as floor + door
("1802" on floor 18) sits in its door's column, so doors line up down the tower and an unregistered flat shows
as a gap; other labels fill the row from the left. Blocks stand in a grid, bottoms aligned like a street.
Coordinates are abstract units (``Metrics``); renderers scale them to pixels or to the SVG viewBox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A door number beyond this is not read from a label (a mistyped "18020" would make a block 20 doors wide).
MAX_DOOR = 16


@dataclass(frozen=True)
class UnitSpot:
    unit_id: int
    label: str
    floor: int | None
    status: str
    people: int


@dataclass(frozen=True)
class BuildingSpot:
    building_id: int
    name: str
    units: tuple[UnitSpot, ...]


@dataclass(frozen=True)
class Metrics:
    cell_w: float = 40.0
    cell_h: float = 18.0
    floor_w: float = 24.0  # the floor numbers left of the rows
    head_h: float = 22.0  # the building's name above its top floor
    gap_x: float = 28.0  # between blocks
    gap_y: float = 24.0


@dataclass(frozen=True)
class Cell:
    unit: UnitSpot
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Row:
    floor: int | None  # None: units whose floor is not recorded
    y: float  # top of the row


@dataclass(frozen=True)
class Block:
    building: BuildingSpot
    x: float
    y: float
    w: float
    h: float
    doors: int
    rows: tuple[Row, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    columns: int
    metrics: Metrics
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class _Plan:
    """One building's rows and each unit's (row, column), before the block is placed."""

    building: BuildingSpot
    floors: tuple[int | None, ...]
    spots: tuple[tuple[UnitSpot, int, int], ...]
    doors: int

    def size(self, m: Metrics) -> tuple[float, float]:
        return (m.floor_w + self.doors * m.cell_w, m.head_h + len(self.floors) * m.cell_h)


def door_of(label: str, floor: int | None) -> int | None:
    """The door number a unit's label gives after its floor ("1802" on floor 18 is door 2), or None."""
    if floor is None or floor < 1:
        return None
    prefix = str(floor)
    rest = label[len(prefix) :] if label.startswith(prefix) else ""
    if not (rest.isascii() and rest.isdigit()):
        return None
    door = int(rest)
    return door if 1 <= door <= MAX_DOOR else None


def _floors(units: Sequence[UnitSpot]) -> tuple[int | None, ...]:
    """Rows top-down: every floor from the highest to the ground (or the lowest basement), then unknown."""
    known = [u.floor for u in units if u.floor is not None]
    rows: list[int | None] = list(range(max(known), min(min(known), 1) - 1, -1)) if known else []
    if len(known) < len(units) or not rows:
        rows.append(None)
    return tuple(rows)


def _columns(units: Sequence[UnitSpot]) -> list[tuple[UnitSpot, int]]:
    """(unit, column) for the units of one floor: doors first, then the rest in the free columns."""
    taken: set[int] = set()
    placed: list[tuple[UnitSpot, int]] = []
    loose: list[UnitSpot] = []
    for unit in units:
        door = door_of(unit.label, unit.floor)
        if door is not None and door - 1 not in taken:
            taken.add(door - 1)
            placed.append((unit, door - 1))
        else:
            loose.append(unit)
    column = 0
    for unit in loose:
        while column in taken:
            column += 1
        taken.add(column)
        placed.append((unit, column))
    return placed


def _plan(building: BuildingSpot) -> _Plan:
    floors = _floors(building.units)
    row_of = {floor: index for index, floor in enumerate(floors)}
    by_floor: dict[int | None, list[UnitSpot]] = {}
    for unit in building.units:
        by_floor.setdefault(unit.floor, []).append(unit)
    spots = tuple(
        (unit, row_of[floor], column) for floor, units in by_floor.items() for unit, column in _columns(units)
    )
    doors = max((column for _, _, column in spots), default=0) + 1
    return _Plan(building, floors, spots, doors)


def _grid(sizes: Sequence[tuple[float, float]], columns: int) -> tuple[list[float], list[float]]:
    """Column widths and row heights of blocks placed ``columns`` to a row."""
    widths = [max(w for w, _ in sizes[c::columns]) for c in range(min(columns, len(sizes)))]
    heights = [max(h for _, h in sizes[r : r + columns]) for r in range(0, len(sizes), columns)]
    return widths, heights


def _extent(sizes: Sequence[tuple[float, float]], columns: int, m: Metrics) -> tuple[float, float]:
    if not sizes:
        return (0.0, 0.0)
    widths, heights = _grid(sizes, columns)
    return (sum(widths) + m.gap_x * (len(widths) - 1), sum(heights) + m.gap_y * (len(heights) - 1))


def _sizes(buildings: Sequence[BuildingSpot], m: Metrics) -> list[tuple[float, float]]:
    return [_plan(b).size(m) for b in buildings]


def columns_for_width(buildings: Sequence[BuildingSpot], width: float, metrics: Metrics) -> int:
    """The most blocks to a row that stay within ``width`` (at least one)."""
    sizes = _sizes(buildings, metrics)
    fitting = [c for c in range(1, len(sizes) + 1) if _extent(sizes, c, metrics)[0] <= width]
    return max(fitting, default=1)


def columns_for_box(
    buildings: Sequence[BuildingSpot], width: float, height: float, metrics: Metrics
) -> tuple[int, float]:
    """(blocks to a row, scale) that draw the map largest inside a width × height box."""
    sizes = _sizes(buildings, metrics)
    best = (1, 0.0)
    for columns in range(1, len(sizes) + 1):
        w, h = _extent(sizes, columns, metrics)
        scale = min(width / w, height / h)
        if scale > best[1]:
            best = (columns, scale)
    return best


def _block(plan: _Plan, x: float, bottom: float, m: Metrics) -> Block:
    w, h = plan.size(m)
    y = bottom - h
    body_x, body_y = x + m.floor_w, y + m.head_h
    rows = tuple(Row(floor, body_y + index * m.cell_h) for index, floor in enumerate(plan.floors))
    cells = tuple(
        Cell(unit, body_x + column * m.cell_w, body_y + row * m.cell_h, m.cell_w, m.cell_h)
        for unit, row, column in plan.spots
    )
    return Block(plan.building, x, y, w, h, plan.doors, rows, cells)


def layout_compound(
    buildings: Sequence[BuildingSpot], *, columns: int, metrics: Metrics | None = None
) -> MapLayout:
    """Blocks ``columns`` to a row, in the order given."""
    m = metrics or Metrics()
    plans = [_plan(b) for b in buildings]
    sizes = [p.size(m) for p in plans]
    columns = max(1, min(columns, len(plans) or 1))
    if not plans:
        return MapLayout(0.0, 0.0, columns, m, ())
    widths, heights = _grid(sizes, columns)
    lefts = [sum(widths[:c]) + m.gap_x * c for c in range(len(widths))]
    bottoms = [sum(heights[: r + 1]) + m.gap_y * r for r in range(len(heights))]
    blocks = tuple(_block(plan, lefts[i % columns], bottoms[i // columns], m) for i, plan in enumerate(plans))
    width, height = _extent(sizes, columns, m)
    return MapLayout(width, height, columns, m, blocks)
