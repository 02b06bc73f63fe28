"""The demo district's places: district → streets/township → communities/villages → grids → compounds →
buildings → units. Built in memory level by level and written with bulk_create, one level at a time.

bulk_create skips Place.save(), so every place gets its ``path`` here from ``place_path``; parents are
saved (and have a pk) before their children are written.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from anxin.demo import names
from anxin.places.models import Place, place_path

# Every demo point lies in this box (roughly Longhua district).
LAT_RANGE = (22.650, 22.750)
LON_RANGE = (113.980, 114.100)
GRID_ORDINALS = "一二三"
# The demo community (first community of the first street) and its first grid, which holds the locked
# compound; the grid worker and family doctor demo logins are assigned here.
DEMO_COMMUNITY_CODE = f"{names.DISTRICT_CODE}001001"
DEMO_GRID_CODE = f"{DEMO_COMMUNITY_CODE}G1"


def clamp_point(lat: float, lon: float) -> tuple[float, float]:
    return (
        round(min(max(lat, LAT_RANGE[0]), LAT_RANGE[1]), 6),
        round(min(max(lon, LON_RANGE[0]), LON_RANGE[1]), 6),
    )


def square(lat: float, lon: float, half: float) -> list[list[float]]:
    return [
        [round(lat - half, 6), round(lon - half, 6)],
        [round(lat - half, 6), round(lon + half, 6)],
        [round(lat + half, 6), round(lon + half, 6)],
        [round(lat + half, 6), round(lon - half, 6)],
    ]


def new_place(
    code: str,
    name: str,
    kind: str,
    parent: Place | None,
    *,
    point: tuple[float, float] | None = None,
    polygon: list[list[float]] | None = None,
    rural: bool = False,
    floor: int | None = None,
) -> Place:
    return Place(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=place_path(parent, code),
        is_rural=rural,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        polygon=polygon,
        floor=floor,
    )


@dataclass
class Skeleton:
    district: Place
    streets: list[Place]
    township: Place
    communities: list[Place]  # urban communities, then villages
    grids: list[Place]
    grids_of: dict[str, list[Place]]  # community code -> its grids
    demo_community: Place
    demo_grid: Place

    @property
    def villages(self) -> list[Place]:
        return [c for c in self.communities if c.is_rural]


def build_skeleton(rng: random.Random) -> Skeleton:
    """District, six streets and a township, 56 communities and 8 villages, and their grids (saved)."""
    district = new_place(
        names.DISTRICT_CODE,
        names.DISTRICT_NAME,
        Place.Kind.DISTRICT,
        None,
        point=names.DISTRICT_POINT,
        polygon=square(*names.DISTRICT_POINT, 0.05),
    )
    district.save()
    streets = []
    for index, (street_name, centre, _) in enumerate(names.STREETS, start=1):
        streets.append(
            new_place(f"{district.code}{index:03d}", street_name, Place.Kind.STREET, district, point=centre)
        )
    township = new_place(
        f"{district.code}100",
        names.TOWNSHIP_NAME,
        Place.Kind.STREET,
        district,
        point=names.TOWNSHIP_POINT,
        rural=True,
    )
    Place.objects.bulk_create([*streets, township])

    communities: list[Place] = []
    for street, (_, centre, community_names) in zip(streets, names.STREETS, strict=True):
        for index, community_name in enumerate(community_names, start=1):
            point = clamp_point(
                centre[0] + rng.uniform(-0.014, 0.014), centre[1] + rng.uniform(-0.014, 0.014)
            )
            communities.append(
                new_place(
                    f"{street.code}{index:03d}",
                    f"{community_name}社区",
                    Place.Kind.COMMUNITY,
                    street,
                    point=point,
                    polygon=square(*point, 0.004),
                )
            )
    for index, village_name in enumerate(names.VILLAGES, start=1):
        centre = names.TOWNSHIP_POINT
        point = clamp_point(centre[0] + rng.uniform(-0.008, 0.008), centre[1] + rng.uniform(-0.012, 0.006))
        communities.append(
            new_place(
                f"{township.code}{index:03d}",
                f"{village_name}村",
                Place.Kind.COMMUNITY,
                township,
                point=point,
                polygon=square(*point, 0.003),
                rural=True,
            )
        )
    Place.objects.bulk_create(communities)
    demo_community = communities[0]  # 观湖街道 · 鹭湖社区, see names.DEMO_COMMUNITY
    assert demo_community.code == DEMO_COMMUNITY_CODE  # noqa: S101 - the logins and README rely on it

    grids: list[Place] = []
    grids_of: dict[str, list[Place]] = {}
    for community in communities:
        if community.is_rural:
            count = 1
        elif community is demo_community:
            count = 3
        else:
            count = rng.choices((1, 2, 3), weights=(30, 45, 25))[0]
        grids_of[community.code] = []
        for index in range(1, count + 1):
            point = clamp_point(
                community.lat + rng.uniform(-0.003, 0.003), community.lon + rng.uniform(-0.003, 0.003)
            )
            short = community.name.removesuffix("社区")
            grid = new_place(
                f"{community.code}G{index}",
                f"{short}网格" if community.is_rural else f"{short}第{GRID_ORDINALS[index - 1]}网格",
                Place.Kind.GRID,
                community,
                point=point,
                polygon=square(*point, 0.0015),
                rural=community.is_rural,
            )
            grids.append(grid)
            grids_of[community.code].append(grid)
    Place.objects.bulk_create(grids)
    return Skeleton(
        district=district,
        streets=streets,
        township=township,
        communities=communities,
        grids=grids,
        grids_of=grids_of,
        demo_community=demo_community,
        demo_grid=grids_of[demo_community.code][0],
    )


@dataclass
class HousingPlan:
    """Unsaved compounds, buildings and units; write() saves them level by level."""

    compounds: list[Place] = field(default_factory=list)
    buildings: list[Place] = field(default_factory=list)
    units: list[Place] = field(default_factory=list)

    def write(self) -> None:
        Place.objects.bulk_create(self.compounds)
        Place.objects.bulk_create(self.buildings)
        Place.objects.bulk_create(self.units, batch_size=500)


class HousingPlanner:
    """Lays out compounds, buildings and occupied units (with floors) for a given number of households."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.plan = HousingPlan()
        self._compound_names: set[str] = set()
        self._next_compound: dict[str, int] = {}

    def _compound_name(self) -> str:
        while True:
            name = self.rng.choice(names.COMPOUND_PREFIXES) + self.rng.choice(names.COMPOUND_SUFFIXES)
            if name not in self._compound_names:
                self._compound_names.add(name)
                return name

    def compound(
        self,
        grid: Place,
        name: str,
        building_households: list[int],
        *,
        floors: tuple[int, int] = (7, 33),
        per_floor: int = 4,
        spread: float = 0.0025,
        layout_columns: int = 0,
    ) -> tuple[Place, list[list[Place]]]:
        """One compound; ``building_households[i]`` occupied units in building i. Returns units per building."""
        rng = self.rng
        index = self._next_compound.get(grid.code, 0) + 1
        self._next_compound[grid.code] = index
        self._compound_names.add(name)
        point = clamp_point(grid.lat + rng.uniform(-spread, spread), grid.lon + rng.uniform(-spread, spread))
        compound = new_place(
            f"{grid.code}C{index:02d}",
            name,
            Place.Kind.COMPOUND,
            grid,
            point=point,
            polygon=square(*point, 0.0012),
            rural=grid.is_rural,
        )
        self.plan.compounds.append(compound)
        units_by_building = []
        for number, households in enumerate(building_households, start=1):
            if layout_columns:  # a regular block layout, for the compound map
                row, column = divmod(number - 1, layout_columns)
                spot = (point[0] + 0.0009 - row * 0.0006, point[1] - 0.001 + column * 0.0005)
            else:
                spot = (point[0] + rng.uniform(-0.0008, 0.0008), point[1] + rng.uniform(-0.0008, 0.0008))
            building = new_place(
                f"{compound.code}B{number:02d}",
                f"{number}号" if grid.is_rural else f"{number}栋",
                Place.Kind.BUILDING,
                compound,
                point=clamp_point(*spot),
                rural=grid.is_rural,
            )
            self.plan.buildings.append(building)
            storeys = max(rng.randint(*floors), math.ceil(households / per_floor))
            slots = sorted(rng.sample(range(storeys * per_floor), households))
            units = []
            for slot in slots:
                floor, door = divmod(slot, per_floor)
                floor += 1
                label = f"{floor}楼" if grid.is_rural else f"{floor}{door + 1:02d}"
                units.append(
                    new_place(
                        f"{building.code}-{floor:02d}{door + 1:02d}",
                        label,
                        Place.Kind.UNIT,
                        building,
                        floor=floor,
                        rural=grid.is_rural,
                    )
                )
            self.plan.units.extend(units)
            units_by_building.append(units)
        return compound, units_by_building

    def grid_housing(self, grid: Place, households: int, *, first_name: str | None = None) -> list[Place]:
        """Units for ``households`` households in one grid: urban compounds of towers, or village houses."""
        if households <= 0:
            return []
        rng = self.rng
        units: list[Place] = []
        if grid.is_rural:
            groups = max(1, min(4, math.ceil(households / 25)))
            for group, share in enumerate(split_evenly(rng, households, groups)):
                houses = split_evenly(rng, share, max(1, math.ceil(share / 1.6)))
                village = grid.name.removesuffix("网格")
                _, by_house = self.compound(
                    grid,
                    f"{village}{names.VILLAGE_GROUPS[group]}",
                    [min(3, h) for h in houses],
                    floors=(1, 3),
                    per_floor=1,
                    spread=0.003,
                )
                units.extend(u for house in by_house for u in house)
            # A house holds at most three households; anything left over gets its own house.
            missing = households - len(units)
            if missing > 0:
                _, extra = self.compound(
                    grid, f"{grid.name.removesuffix('网格')}新村", [1] * missing, floors=(1, 2), per_floor=1
                )
                units.extend(u for house in extra for u in house)
            return units
        compounds = max(1, min(4, math.ceil(households / 50)))
        for number, share in enumerate(split_evenly(rng, households, compounds)):
            if share == 0:
                continue
            buildings = max(1, math.ceil(share / rng.randint(12, 30)))
            name = first_name if number == 0 and first_name else self._compound_name()
            _, by_building = self.compound(grid, name, split_evenly(rng, share, buildings))
            units.extend(u for building in by_building for u in building)
        return units


def split_evenly(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` non-negative integers of roughly equal size (random jitter)."""
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares
