"""Reads for the compound map, scoped like every other read: a compound outside the places a user covers is
"not found", and residents come through ``people.selectors.resident_qs_for_user``.

The map itself (``CompoundMap``) never holds a resident's name, ID number or phone: those columns are not even
read. The gate printout is drawn from it alone, so it cannot print them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, NotFound
from anxin.people.models import Resident
from anxin.people.selectors import resident_qs_for_user
from anxin.people.tags import ResidentFacts
from anxin.places.epimap.layout import BuildingSpot, UnitSpot
from anxin.places.epimap.status import MapRules, MapStatus, Tally, household_status, map_rules, tally
from anxin.places.models import Place
from anxin.places.selectors import place_ancestors, place_within_q

# Resident columns the map never reads (the tags need none of them).
PERSONAL_FIELDS = frozenset({"name", "id_number", "phone"})


@dataclass(frozen=True)
class CompoundMap:
    compound_id: int
    name: str
    trail: str  # the places above it, below the district: "观湖街道 / 鹭湖社区 / 鹭湖第一网格"
    today: date
    buildings: tuple[BuildingSpot, ...]
    counts: dict[str, Tally]  # every status, in rule order

    @property
    def total(self) -> Tally:
        return Tally(
            sum(t.households for t in self.counts.values()), sum(t.people for t in self.counts.values())
        )


@dataclass(frozen=True)
class Household:
    unit: Place
    building: Place
    status: MapStatus
    residents: list[Resident]


def _require_read(user: User) -> None:
    if not user.can("resident.read"):
        raise Forbidden(gettext("当前角色无权查看小区疫情图"))


def compound_get_for_user(user: User, compound_id: int) -> Place:
    _require_read(user)
    try:
        compound = Place.objects.get(pk=compound_id, kind=Place.Kind.COMPOUND)
    except Place.DoesNotExist:
        compound = None
    if compound is None or not user.covers_path(compound.path):
        raise NotFound(gettext("小区不存在或不在您负责的区域"))
    return compound


def compounds_for_user(user: User, *, name: str = "") -> QuerySet[Place]:
    """Compounds inside the places the user covers, in place order; ``name`` narrows them by name."""
    _require_read(user)
    compounds = Place.objects.filter(kind=Place.Kind.COMPOUND).filter(
        place_within_q(user.covered_paths(), "path")
    )
    if name:
        compounds = compounds.filter(name__icontains=name)
    return compounds.order_by("path")


def _units_of(compound_ids: list[int]) -> QuerySet[Place]:
    # Through the buildings' ids rather than a join on parent__parent, so both levels use the parent index.
    buildings = Place.objects.filter(parent_id__in=compound_ids, kind=Place.Kind.BUILDING).values("id")
    return Place.objects.filter(kind=Place.Kind.UNIT, parent_id__in=buildings)


@cache
def _fact_columns() -> tuple[str, ...]:
    """The Resident columns behind ``Resident.facts()`` (its fields share ResidentFacts' names): loading only
    these makes a resident row a third of the cost, and leaves the personal ones unread."""
    columns = {f.name for f in Resident._meta.concrete_fields} - PERSONAL_FIELDS
    return tuple(f.name for f in dataclasses.fields(ResidentFacts) if f.name in columns)


def _households(
    user: User, units: QuerySet[Place], today: date, rules: MapRules
) -> dict[int, tuple[str, int]]:
    """{unit id: (status code, people)} for the units that have residents."""
    rows = (
        resident_qs_for_user(user)
        .filter(household_id__in=units.values("id"))
        .only("household_id", *_fact_columns())
        .order_by()
    )
    tags: dict[int, list[list[str]]] = {}
    for resident in rows.iterator(chunk_size=2000):
        tags.setdefault(resident.household_id, []).append(resident.tags(today))
    return {unit: (household_status(members, rules), len(members)) for unit, members in tags.items()}


def _trail(compound: Place) -> str:
    above = place_ancestors(compound)[1:]
    return " / ".join(p.name for p in reversed(above) if p.kind != Place.Kind.DISTRICT)


def compound_map_read(
    user: User, compound: Place, *, today: date | None = None, rules: MapRules | None = None
) -> CompoundMap:
    """Buildings, units and each household's status today. Precondition: ``compound_get_for_user`` gave it."""
    today = today or timezone.localdate()
    rules = rules or map_rules()
    buildings = list(
        Place.objects.filter(parent=compound, kind=Place.Kind.BUILDING)
        .order_by("path")
        .values_list("id", "name")
    )
    units = _units_of([compound.pk])
    households = _households(user, units, today, rules)
    unit_rows: dict[int, list[UnitSpot]] = {building_id: [] for building_id, _ in buildings}
    fallback = (rules.fallback.code, 0)
    for unit_id, label, floor, building_id in units.order_by("path").values_list(
        "id", "name", "floor", "parent_id"
    ):
        status, people = households.get(unit_id, fallback)
        unit_rows[building_id].append(UnitSpot(unit_id, label, floor, status, people))
    spots = tuple(BuildingSpot(b, name, tuple(unit_rows[b])) for b, name in buildings)
    counts = tally(((u.status, u.people) for b in spots for u in b.units), rules)
    return CompoundMap(compound.pk, compound.name, _trail(compound), today, spots, counts)


def compound_summaries(
    user: User, compounds: list[Place], *, today: date | None = None, rules: MapRules | None = None
) -> dict[int, dict[str, Tally]]:
    """Each compound's counts by status, for the compounds of one list page (one query for all of them)."""
    today = today or timezone.localdate()
    rules = rules or map_rules()
    units = _units_of([c.pk for c in compounds])
    households = _households(user, units, today, rules)
    fallback = (rules.fallback.code, 0)
    per_compound: dict[int, list[tuple[str, int]]] = {c.pk: [] for c in compounds}
    for unit_id, compound_id in units.order_by().values_list("id", "parent__parent_id"):
        per_compound[compound_id].append(households.get(unit_id, fallback))
    return {compound_id: tally(pairs, rules) for compound_id, pairs in per_compound.items()}


def household_read(
    user: User, compound: Place, unit_id: int, *, today: date | None = None, rules: MapRules | None = None
) -> Household:
    """One household of a compound: its unit, building, status and residents (for the panel the map opens)."""
    today = today or timezone.localdate()
    rules = rules or map_rules()
    try:
        unit = Place.objects.select_related("parent").get(pk=unit_id, kind=Place.Kind.UNIT)
    except Place.DoesNotExist:
        unit = None
    if unit is None or not unit.path.startswith(compound.path):
        raise NotFound(gettext("该户不存在或不在此小区"))
    residents = list(resident_qs_for_user(user).filter(household=unit).order_by("id"))
    status = rules.status(household_status((r.tags(today) for r in residents), rules))
    return Household(unit, unit.parent, status, residents)
