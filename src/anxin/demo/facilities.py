"""Demo facilities: hospitals, community health centres (社康), clinics, and the township's rural tier.

Counts of centres and clinics follow --scale; hospitals, the township health centre and the village
clinics are fixed. Each facility serves the grids near it (Facility.grids), which makes the medical grids
(医格) that the fever-clinic finder and the screen pop use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from anxin.demo import names
from anxin.demo.geography import Skeleton, clamp_point
from anxin.facilities.geo import distance_km
from anxin.facilities.models import Facility, FacilityService
from anxin.places.models import Place

S = FacilityService.Service
ALWAYS = {"always": True}
WEEK = [1, 2, 3, 4, 5, 6, 7]
CENTRES = 90
CLINICS = 200


def daily(opens: str, closes: str, days: list[int] | None = None) -> dict:
    return {"periods": [{"days": days or WEEK, "open": opens, "close": closes}]}


CLINIC_HOURS = (
    {
        "periods": [
            {"days": [1, 2, 3, 4, 5, 6], "open": "08:30", "close": "12:00"},
            {"days": [1, 2, 3, 4, 5, 6], "open": "14:00", "close": "18:00"},
        ]
    },
    daily("08:00", "20:00"),
    daily("08:00", "21:30"),
)

# (name, tier, street index or -1 for the township, services, hours): fixed whatever the scale.
HOSPITALS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    (
        "龙华区人民医院",
        Facility.Tier.DISTRICT_HOSPITAL,
        2,
        (S.FEVER_CLINIC, S.PAEDIATRICS, S.OBSTETRICS, S.DIALYSIS, S.ICU, S.EMS_STATION),
    ),
    (
        "龙华区中心医院",
        Facility.Tier.DISTRICT_HOSPITAL,
        5,
        (S.FEVER_CLINIC, S.PAEDIATRICS, S.OBSTETRICS, S.DIALYSIS, S.ICU, S.EMS_STATION),
    ),
    ("龙华区妇幼保健院", Facility.Tier.DISTRICT_HOSPITAL, 1, (S.FEVER_CLINIC, S.PAEDIATRICS, S.OBSTETRICS)),
    ("龙华区中医院", Facility.Tier.DISTRICT_HOSPITAL, 3, (S.FEVER_CLINIC, S.DIALYSIS, S.EMS_STATION)),
    (
        "市人民医院龙华医学中心",
        Facility.Tier.TERTIARY_HOSPITAL,
        1,
        (S.FEVER_CLINIC, S.PAEDIATRICS, S.OBSTETRICS, S.DIALYSIS, S.ICU, S.EMS_STATION),
    ),
    ("市儿童医院龙华院区", Facility.Tier.TERTIARY_HOSPITAL, 0, (S.FEVER_CLINIC, S.PAEDIATRICS, S.ICU)),
    ("新兴镇卫生院", Facility.Tier.TOWNSHIP_CENTRE, -1, (S.FEVER_CLINIC, S.EMS_STATION)),
    (
        "龙华区人民医院新兴院区",
        Facility.Tier.DISTRICT_HOSPITAL,
        -1,
        (S.FEVER_CLINIC, S.DIALYSIS, S.ICU, S.EMS_STATION),
    ),
)


@dataclass
class FacilityPlan:
    facility: Facility
    services: tuple[str, ...]
    grids: list[Place]


class FacilityBuilder:
    def __init__(self, rng: random.Random, skeleton: Skeleton, scale: float, book) -> None:
        self.rng = rng
        self.skeleton = skeleton
        self.scale = scale
        self.book = book
        self.plans: list[FacilityPlan] = []
        self.urban_grids = [g for g in skeleton.grids if not g.is_rural]
        self.village_grids = [g for g in skeleton.grids if g.is_rural]
        self.community_of = {g.code: g.parent for g in skeleton.grids}
        self.street_of = {c.code: c.parent for c in skeleton.communities}

    def _facility(self, code: str, name: str, tier: str, grid: Place, spread: float = 0.0015) -> Facility:
        rng = self.rng
        point = clamp_point(grid.lat + rng.uniform(-spread, spread), grid.lon + rng.uniform(-spread, spread))
        community = self.community_of[grid.code]
        street = self.street_of[community.code]
        return Facility(
            code=code,
            name=name,
            tier=tier,
            place=grid,
            address=f"{names.DISTRICT_NAME}{street.name}{community.name}{rng.choice(names.ROADS)}{rng.randint(1, 399)}号",
            phone=self.book.landline(),
            lat=point[0],
            lon=point[1],
        )

    def _near(self, facility: Facility, grids: list[Place], km: float) -> list[Place]:
        return [g for g in grids if distance_km((facility.lat, facility.lon), (g.lat, g.lon)) <= km]

    def build(self) -> list[FacilityPlan]:
        self._hospitals()
        self._centres()
        self._clinics()
        self._village_clinics()
        Facility.objects.bulk_create([p.facility for p in self.plans])
        FacilityService.objects.bulk_create(
            [FacilityService(facility=p.facility, service=s) for p in self.plans for s in p.services]
        )
        through = Facility.grids.through
        through.objects.bulk_create(
            [through(facility_id=p.facility.pk, place_id=g.pk) for p in self.plans for g in p.grids],
            batch_size=500,
        )
        return self.plans

    def _hospitals(self) -> None:
        streets = self.skeleton.streets
        for number, (name, tier, street_index, services) in enumerate(HOSPITALS, start=1):
            if street_index < 0:
                grids = self.village_grids
            else:
                street = streets[street_index]
                grids = [
                    g for g in self.urban_grids if self.street_of[self.community_of[g.code].code] is street
                ]
            facility = self._facility(
                f"{names.DISTRICT_CODE}-H{number:02d}", name, tier, self.rng.choice(grids)
            )
            facility.opening_hours = ALWAYS
            if tier == Facility.Tier.TERTIARY_HOSPITAL:
                served = self._near(facility, self.urban_grids, 5.0)
            else:
                served = grids
            self.plans.append(FacilityPlan(facility, services, served))

    def _centres(self) -> None:
        rng = self.rng
        count = max(1, round(CENTRES * self.scale))
        urban = [c for c in self.skeleton.communities if not c.is_rural]
        # Every community gets one centre before any gets a second; the demo community comes first.
        order = [self.skeleton.demo_community] + [c for c in urban if c is not self.skeleton.demo_community]
        seen: dict[str, int] = {}
        for number in range(1, count + 1):
            community = order[(number - 1) % len(order)] if number <= len(order) else rng.choice(urban)
            nth = seen.get(community.code, 0) + 1
            seen[community.code] = nth
            own_grids = self.skeleton.grids_of[community.code]
            short = community.name.removesuffix("社区")
            name = f"{short}社区健康服务中心" if nth == 1 else f"{short}{rng.choice(names.ROADS)}社康站"
            facility = self._facility(
                f"{names.DISTRICT_CODE}-CC{number:03d}",
                name,
                Facility.Tier.COMMUNITY_CENTRE,
                own_grids[-1] if nth == 1 else rng.choice(own_grids),
            )
            roll = rng.random()
            services: list[str] = []
            if roll < 0.3 or number == 1:
                services.append(S.FEVER_CLINIC)
                facility.opening_hours = (
                    ALWAYS if rng.random() < 0.4 or number == 1 else daily("08:00", "22:00")
                )
            elif roll < 0.9:
                services.append(S.FEVER_ROOM)
                facility.opening_hours = daily("08:00", rng.choice(("21:00", "22:00")))
            else:
                facility.opening_hours = daily("08:00", "17:30", [1, 2, 3, 4, 5, 6])
            if rng.random() < 0.15:
                services.append(S.PAEDIATRICS)
            served = own_grids + [
                g for g in self._near(facility, self.urban_grids, 1.5) if g not in own_grids
            ]
            self.plans.append(FacilityPlan(facility, tuple(services), served))

    def _clinics(self) -> None:
        rng = self.rng
        for number in range(1, max(1, round(CLINICS * self.scale)) + 1):
            grid = rng.choice(self.urban_grids)
            style = rng.choice(names.CLINIC_STYLES)
            place_word = self.community_of[grid.code].name.removesuffix("社区")
            name = style.format(
                surname=names.surname(rng), given=names.given_name(rng, "M", 1970), place=place_word
            )
            facility = self._facility(
                f"{names.DISTRICT_CODE}-CL{number:03d}", name, Facility.Tier.CLINIC, grid
            )
            facility.opening_hours = rng.choice(CLINIC_HOURS)
            services: list[str] = []
            if rng.random() < 0.6:
                services.append(S.FEVER_ROOM)
            if "儿科" in name:
                services.append(S.PAEDIATRICS)
            served = [grid] + [g for g in self._near(facility, self.urban_grids, 0.8) if g is not grid]
            self.plans.append(FacilityPlan(facility, tuple(services), served))

    def _village_clinics(self) -> None:
        for number, grid in enumerate(self.village_grids, start=1):
            village = self.community_of[grid.code].name
            facility = self._facility(
                f"{names.DISTRICT_CODE}-VC{number:02d}",
                f"{village}卫生室",
                Facility.Tier.VILLAGE_CLINIC,
                grid,
                0.001,
            )
            facility.opening_hours = daily("08:00", "18:00")
            services = (S.FEVER_ROOM,) if self.rng.random() < 0.8 else ()
            self.plans.append(FacilityPlan(facility, services, [grid]))
