"""The locked compound (封控小区) modelled on the Zhengzhou report (seed 004), and the showcase households.

Its numbers are exact and fixed, whatever --scale says: 15 buildings, 857 households, 2,122 people, 251 of
them aged 60 or over and 45 in special groups. A resident is "special" here when any of the fields in
SPECIAL_FIELDS is set; tests count them with ``special_q()``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from anxin.demo import names
from anxin.demo.geography import HousingPlanner, split_evenly
from anxin.demo.numbers import SHOWCASE_PHONES, birth_date_for_age
from anxin.demo.population import ELDERLY_WEIGHTS, SIZE_WEIGHTS, PopulationBuilder, set_quarantine
from anxin.people.identity import age_on
from anxin.people.models import Resident
from anxin.places.models import Place

LOCKED_BUILDINGS = 15
LOCKED_HOUSEHOLDS = 857
LOCKED_PEOPLE = 2122
LOCKED_ELDERLY = 251
LOCKED_SPECIAL = 45

# How the 45 special residents split: (kind, count).
SPECIAL_MIX: tuple[tuple[str, int], ...] = (
    ("disabled", 14),
    ("dialysis", 5),
    ("chemo", 3),
    ("pregnant", 6),
    ("quarantine_home", 8),
    ("quarantine_central", 4),
    ("confirmed", 5),
)
SPECIAL_FIELDS = ("disabled", "on_dialysis", "on_chemo", "pregnant_due_date", "quarantine_status")


def special_q() -> Q:
    """Residents in a special group: disabled, dialysis, chemotherapy, pregnant, or any quarantine status."""
    return (
        Q(disabled=True)
        | Q(on_dialysis=True)
        | Q(on_chemo=True)
        | Q(pregnant_due_date__isnull=False)
        | ~Q(quarantine_status="")
    )


@dataclass
class LockedCompound:
    compound: Place
    units: list[Place]
    households: list[list[Resident]]

    @property
    def residents(self) -> list[Resident]:
        return [r for household in self.households for r in household]


def plan_locked_compound(planner: HousingPlanner, grid: Place) -> tuple[Place, list[Place]]:
    per_building = split_evenly(planner.rng, LOCKED_HOUSEHOLDS, LOCKED_BUILDINGS)
    compound, by_building = planner.compound(
        grid, names.LOCKED_COMPOUND_NAME, per_building, floors=(18, 26), layout_columns=5, spread=0.0
    )
    return compound, [u for units in by_building for u in units]


def _adjust(rng: random.Random, values: list[int], target: int, low, high) -> None:
    """Nudge random entries by one, within [low(i), high(i)], until the values add up to ``target``."""
    total = sum(values)
    while total != target:
        index = rng.randrange(len(values))
        step = 1 if total < target else -1
        if low(index) <= values[index] + step <= high(index):
            values[index] += step
            total += step


def locked_shapes(rng: random.Random) -> list[tuple[int, int]]:
    """(size, aged 60+) per household, adding up exactly to 2,122 people and 251 elderly."""
    sizes = rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()), k=LOCKED_HOUSEHOLDS)
    _adjust(rng, sizes, LOCKED_PEOPLE, lambda i: 1, lambda i: 5)
    elderly = [min(s, rng.choices((0, 1, 2), weights=ELDERLY_WEIGHTS[s])[0]) for s in sizes]
    _adjust(rng, elderly, LOCKED_ELDERLY, lambda i: 0, lambda i: min(2, sizes[i]))
    return list(zip(sizes, elderly, strict=True))


def locked_households(builder: PopulationBuilder) -> list[list[Resident]]:
    return [builder.household(size, elderly) for size, elderly in locked_shapes(builder.rng)]


def assign_locked_specials(builder: PopulationBuilder, residents: list[Resident], today: date) -> None:
    """Exactly 45 residents get one special fact each; nobody else in the compound has one."""
    rng = builder.rng
    ages = {id(r): age_on(r.birth_date, today) for r in residents}
    chosen: set[int] = set()

    def candidates(test) -> list[Resident]:
        return [r for r in residents if id(r) not in chosen and test(r, ages[id(r)])]

    for kind, count in SPECIAL_MIX:
        if kind == "disabled":
            pool = candidates(lambda r, a: a >= 60) or candidates(lambda r, a: a >= 5)
        elif kind in ("dialysis", "chemo"):
            pool = candidates(lambda r, a: 45 <= a <= 75)
        elif kind == "pregnant":
            pool = candidates(lambda r, a: r.sex == "F" and 22 <= a <= 40 and r.relation in ("户主", "配偶"))
        else:
            pool = candidates(lambda r, a: True)
        picked = rng.sample(pool, count)
        for resident in picked:
            chosen.add(id(resident))
            if kind == "disabled":
                resident.disabled = True
            elif kind == "dialysis":
                resident.on_dialysis = True
                resident.chronic_conditions = ["ckd"]
            elif kind == "chemo":
                resident.on_chemo = True
                resident.chronic_conditions = ["cancer"]
            elif kind == "pregnant":
                resident.pregnant_due_date = today + timedelta(days=rng.randint(7, 150))
            else:
                set_quarantine(rng, resident, today, status=kind)
        if kind == "dialysis":
            # The dialysis patient whose number the login table prints (needs transport out of lockdown).
            showcase = picked[0]
            builder.phone_owner.pop(showcase.phone, None)
            showcase.phone = SHOWCASE_PHONES["dialysis_locked"]
            builder.phone_owner[showcase.phone] = showcase


def showcase_households(builder: PopulationBuilder, today: date) -> list[list[Resident]]:
    """Two households the README and the login table cite: an elderly woman living alone, and a young
    family with a 4-month-old whose grandmother gives her son's number."""
    rng, book = builder.rng, builder.book
    elderly_birth = birth_date_for_age(rng, today, 83)
    elderly = Resident(
        name="陈桂兰",
        sex="F",
        birth_date=elderly_birth,
        id_number=book.id_number(elderly_birth, "F"),
        phone=SHOWCASE_PHONES["elderly_alone"],
        relation="户主",
        lives_alone=True,
        chronic_conditions=["hypertension", "diabetes"],
    )
    family_phone = SHOWCASE_PHONES["infant_household"]
    father_birth = birth_date_for_age(rng, today, 32)
    mother_birth = birth_date_for_age(rng, today, 30)
    baby_birth = today - timedelta(days=118)
    granny_birth = birth_date_for_age(rng, today, 62)
    family = [
        Resident(name="张伟", sex="M", birth_date=father_birth, phone=family_phone, relation="户主"),
        Resident(name="李静", sex="F", birth_date=mother_birth, phone=book.mobile(), relation="配偶"),
        Resident(name="张沐阳", sex="M", birth_date=baby_birth, phone=family_phone, relation="子女"),
        Resident(
            name="王秀英",
            sex="F",
            birth_date=granny_birth,
            phone=family_phone,
            relation="父母",
            chronic_conditions=["hypertension"],
        ),
    ]
    for member in family:
        member.id_number = book.id_number(member.birth_date, member.sex)
    builder.phone_owner[elderly.phone] = elderly
    builder.phone_owner[family_phone] = family[0]
    builder.phone_owner[family[1].phone] = family[1]
    return [[elderly], family]
