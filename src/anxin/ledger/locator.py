"""Where a ledger row's resident lives: the compound, building and household under the import's place.

Everything under the place is read once (three queries) before the first row; rows then find their household
in dictionaries. A building or household the file names that does not exist yet is planned here and created
by ``services`` in the import's transaction (``create_planned``), so a dry run creates nothing.

The place of an import is a compound (the 小区 column is optional and, when present, must name it) or a grid
or community whose file has a 小区 column naming compounds that already exist under it. Compounds are never
created by an import: a new compound needs its grid, which a ledger row does not say.
"""

from __future__ import annotations

from dataclasses import dataclass

from anxin.core.bulk import bulk_insert
from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.core.text import to_halfwidth
from anxin.ledger.addresses import (
    Room,
    building_code,
    building_key,
    building_name,
    digest,
    parse_room,
    unit_code,
    unit_name,
)
from anxin.places.models import Place, place_path

BUILDING_FIELDS = ("id", "code", "name", "path", "parent_id", "is_rural")
IMPORT_PLACE_KINDS = (Place.Kind.COMPOUND, Place.Kind.GRID, Place.Kind.COMMUNITY)


def name_key(name: str) -> str:
    return "".join(to_halfwidth(name or "").split())


@dataclass(frozen=True)
class NewUnit:
    compound_id: int
    building: str  # building key
    building_label: str
    room: Room


# A household: the pk of one that exists, or the plan for one the import creates.
UnitRef = int | NewUnit


class Locator:
    def __init__(self, place: Place) -> None:
        if place.kind not in IMPORT_PLACE_KINDS:
            raise InvalidInput(gettext("只能导入到小区、网格或社区"), field="place")
        self.place = place
        self.compounds: dict[int, Place] = {}
        self.by_name: dict[str, list[Place]] = {}
        self.buildings: dict[tuple[int, str], Place] = {}
        self.units: dict[tuple[int, str], int] = {}
        self.unit_parent: dict[int, int] = {}
        self.planned: dict[tuple[int, str, str], NewUnit] = {}
        self._load()

    @property
    def needs_compound_column(self) -> bool:
        return self.place.kind != Place.Kind.COMPOUND

    def _load(self) -> None:
        within = Place.objects.filter(path__startswith=self.place.path).order_by()
        compounds = (
            [self.place]
            if self.place.kind == Place.Kind.COMPOUND
            else list(within.filter(kind=Place.Kind.COMPOUND))
        )
        for compound in compounds:
            self.compounds[compound.pk] = compound
            self.by_name.setdefault(name_key(compound.name), []).append(compound)
        for building in within.filter(kind=Place.Kind.BUILDING).only(*BUILDING_FIELDS):
            if building.parent_id in self.compounds:
                self.buildings.setdefault((building.parent_id, building_key(building.name)), building)
        building_ids = {b.pk for b in self.buildings.values()}
        units = within.filter(kind=Place.Kind.UNIT).values_list("id", "name", "parent_id")
        for pk, name, parent_id in units:
            if parent_id in building_ids:
                self.units.setdefault((parent_id, parse_room(name).key), pk)
                self.unit_parent[pk] = parent_id

    # --- one row ---

    def compound_for(self, label: str) -> Place:
        key = name_key(label)
        if self.place.kind == Place.Kind.COMPOUND:
            if key and key != name_key(self.place.name):
                raise InvalidInput(
                    gettext("小区“%(value)s”与导入的小区“%(place)s”不一致")
                    % {"value": label, "place": self.place.name},
                    field="compound",
                )
            return self.place
        if not key:
            raise InvalidInput(gettext("不能为空"), field="compound")
        found = self.by_name.get(key, [])
        if not found:
            raise InvalidInput(
                gettext("“%(place)s”下没有小区“%(value)s”") % {"place": self.place.name, "value": label},
                field="compound",
            )
        if len(found) > 1:
            raise InvalidInput(
                gettext("“%(place)s”下有多个小区叫“%(value)s”：请按网格分别导入")
                % {"place": self.place.name, "value": label},
                field="compound",
            )
        return found[0]

    def locate(self, *, compound: str, building: str, room: Room) -> UnitRef:
        """The household's pk, or the plan for a new one; InvalidInput (field compound) if the compound is
        not found."""
        target = self.compound_for(compound)
        bkey = building_key(building)
        existing_building = self.buildings.get((target.pk, bkey))
        if existing_building is not None:
            pk = self.units.get((existing_building.pk, room.key))
            if pk is not None:
                return pk
        plan_key = (target.pk, bkey, room.key)
        planned = self.planned.get(plan_key)
        if planned is None:
            planned = NewUnit(target.pk, bkey, building, room)
            self.planned[plan_key] = planned
        return planned

    # --- creating what was planned (inside the import's transaction) ---

    def create_planned(self) -> tuple[dict[NewUnit, int], int]:
        """Create the planned buildings and households: ({plan: household pk}, places created)."""
        if not self.planned:
            return {}, 0
        buildings, created = self._create_buildings()
        units: list[tuple[NewUnit, Place]] = []
        for plan in self.planned.values():
            building = buildings[(plan.compound_id, plan.building)]
            code = unit_code(building.code, plan.room)
            unit = Place(
                code=code,
                name=unit_name(plan.room),
                kind=Place.Kind.UNIT,
                parent=building,
                path=place_path(building, code),
                is_rural=building.is_rural,
                floor=plan.room.floor,
            )
            units.append((plan, unit))
        _free_codes([unit for _, unit in units])
        # Tens of thousands of households: inserted without bulk_create's per-value cost, their pks read back
        # by code (codes are unique).
        bulk_insert(Place, (unit for _, unit in units))
        pks = _pks_by_code([unit.code for _, unit in units])
        return {plan: pks[unit.code] for plan, unit in units}, created + len(units)

    def _create_buildings(self) -> tuple[dict[tuple[int, str], Place], int]:
        wanted = {(p.compound_id, p.building): p.building_label for p in self.planned.values()}
        created = []
        for (compound_id, bkey), label in wanted.items():
            if (compound_id, bkey) in self.buildings:
                continue
            compound = self.compounds[compound_id]
            code = building_code(compound.code, label)
            building = Place(
                code=code,
                name=building_name(label),
                kind=Place.Kind.BUILDING,
                parent=compound,
                path=place_path(compound, code),
                is_rural=compound.is_rural,
            )
            created.append(building)
            self.buildings[(compound_id, bkey)] = building
        _free_codes(created)
        Place.objects.bulk_create(created, batch_size=500)
        return self.buildings, len(created)

    @property
    def places_planned(self) -> int:
        buildings = {(p.compound_id, p.building) for p in self.planned.values()} - set(self.buildings)
        return len(buildings) + len(self.planned)


def _pks_by_code(codes: list[str], batch: int = 1000) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), batch):
        chunk = codes[start : start + batch]
        found.update(Place.objects.filter(code__in=chunk).order_by().values_list("code", "id"))
    return found


def _free_codes(places: list[Place], batch: int = 1000) -> None:
    """Give a place whose code is taken (codes are unique across the tree) a code with a digest suffix; the
    path follows the code."""
    taken: set[str] = set()
    for start in range(0, len(places), batch):
        codes = [p.code for p in places[start : start + batch]]
        taken.update(Place.objects.filter(code__in=codes).values_list("code", flat=True))
    for place in places:
        if place.code in taken:
            place.code = f"{place.code}-{digest(place.path + place.name)}"
            place.path = place_path(place.parent, place.code)
