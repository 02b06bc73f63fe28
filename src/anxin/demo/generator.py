"""Load, find and delete the demo district. The management command ``load_demo`` is a thin shell over this.

Everything is drawn from one random.Random(SEED) in a fixed order, so two loads on the same day produce the
same district, residents, staff and case history (ages and dates are relative to the load date).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.core.models import AccessLog
from anxin.demo import names
from anxin.demo.callers import SubjectPools, facility_names
from anxin.demo.cases import CasePlanner, case_count
from anxin.demo.compound import (
    LOCKED_PEOPLE,
    assign_locked_specials,
    locked_households,
    plan_locked_compound,
    showcase_households,
)
from anxin.demo.facilities import FacilityBuilder
from anxin.demo.geography import (
    DEMO_COMMUNITY_CODE,
    DEMO_GRID_CODE,
    HousingPlanner,
    Skeleton,
    build_skeleton,
)
from anxin.demo.monitoring import demo_monitoring_delete, demo_monitoring_load
from anxin.demo.numbers import NumberBook
from anxin.demo.playback import write_cases
from anxin.demo.population import PopulationBuilder, assign_chronic, assign_key_facts
from anxin.demo.staff import (
    DEMO_EMAIL_DOMAIN,
    DEMO_LOGINS,
    StaffBuilder,
    demo_email,
    is_demo_user,
    verified_demo_hash,
)
from anxin.facilities.models import Facility
from anxin.hotline.models import Callback, Case, CaseEvent, ClinicianAlert, Line, TriageOverride
from anxin.people.models import Resident
from anxin.places.models import Place, PlaceDuty

SEED = 20221218
RESIDENTS = 20_000  # at scale 1, including the locked compound and the showcase households
ROOT_PATH = f"/{names.DISTRICT_CODE}/"
DELETE_ORDER = (
    Place.Kind.UNIT,
    Place.Kind.BUILDING,
    Place.Kind.COMPOUND,
    Place.Kind.GRID,
    Place.Kind.COMMUNITY,
    Place.Kind.STREET,
    Place.Kind.DISTRICT,
)


def demo_present() -> bool:
    return Place.objects.filter(code=names.DISTRICT_CODE, kind=Place.Kind.DISTRICT).exists()


@dataclass
class LoadResult:
    password_hash: str
    residents: int
    cases: int


def _allocate(rng: random.Random, total: int, grids: list[Place], demo_grid: Place) -> list[int]:
    """Households per grid: villages are smaller, the demo grid mostly holds the locked compound."""
    weights = []
    for grid in grids:
        if grid is demo_grid:
            weights.append(0.3)
        elif grid.is_rural:
            weights.append(0.45)
        else:
            weights.append(rng.uniform(0.6, 1.4))
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


def _general_households(builder: PopulationBuilder, people: int) -> list[list[Resident]]:
    households = []
    remaining = people
    while remaining > 0:
        size, elderly = builder.sample_shape()
        size = min(size, remaining)
        households.append(builder.household(size, min(elderly, size)))
        remaining -= size
    return households


def _house(
    rng: random.Random, skeleton: Skeleton, general: list[list[Resident]], showcase: list[list[Resident]]
):
    """Lay out housing for every household and point each resident at its unit. Returns the locked
    compound and the planner (not yet written)."""
    planner = HousingPlanner(rng)
    locked_compound, locked_units = plan_locked_compound(planner, skeleton.demo_grid)
    counts = _allocate(rng, len(general), skeleton.grids, skeleton.demo_grid)
    queue = iter(general)
    for grid, count in zip(skeleton.grids, counts, strict=True):
        extra = showcase if grid is skeleton.demo_grid else []
        units = planner.grid_housing(
            grid,
            count + len(extra),
            first_name=names.SHOWCASE_COMPOUND_NAME if extra else None,
        )
        households = extra + [next(queue) for _ in range(count)]
        for household, unit in zip(households, units, strict=True):
            for resident in household:
                resident.household = unit
    return planner, locked_compound, locked_units


@transaction.atomic
def demo_load(*, scale: float = 1.0) -> LoadResult:
    """Create the demo district from scratch. Precondition: no demo data (see demo_present)."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    book = NumberBook(rng, area_code=names.DISTRICT_CODE)
    skeleton = build_skeleton(rng)

    builder = PopulationBuilder(rng, today, book)
    showcase = showcase_households(builder, today)
    general_people = max(0, round((RESIDENTS - LOCKED_PEOPLE - sum(map(len, showcase))) * scale))
    general = _general_households(builder, general_people)
    locked = locked_households(builder)
    locked_residents = [r for household in locked for r in household]
    general_residents = [r for household in general for r in household]
    assign_chronic(rng, general_residents, today)
    assign_key_facts(rng, general_residents, today)
    assign_chronic(rng, locked_residents, today)
    assign_locked_specials(builder, locked_residents, today)

    planner, locked_compound, locked_units = _house(rng, skeleton, general, showcase)
    for household, unit in zip(locked, locked_units, strict=True):
        for resident in household:
            resident.household = unit
    planner.plan.write()
    residents = [r for household in showcase for r in household] + general_residents + locked_residents
    for resident in residents:
        resident.refresh_risk(today)
    Resident.objects.bulk_create(residents, batch_size=500)

    facilities = FacilityBuilder(rng, skeleton, scale, book).build()
    staff_builder = StaffBuilder(rng, skeleton, book)
    staff = staff_builder.build()

    pools = SubjectPools(
        residents,
        today=today,
        phone_owner=builder.phone_owner,
        locked_path=locked_compound.path,
        demo_path=skeleton.demo_community.path,
        grids=skeleton.grids,
    )
    case_planner = CasePlanner(
        rng,
        staff=staff,
        pools=pools,
        facilities=facility_names(facilities),
        grids=skeleton.grids,
        book=book,
        today=today,
        demo_path=skeleton.demo_community.path,
    )
    cases = write_cases(case_planner.plans(case_count(scale)), staff.lines)
    demo_monitoring_load(today=today)
    return LoadResult(password_hash=staff_builder.password, residents=len(residents), cases=len(cases))


@transaction.atomic
def demo_delete() -> None:
    """Remove the demo district and everything hanging off it, children before parents (PROTECT)."""
    users = User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)
    lines = Line.objects.filter(place__path__startswith=ROOT_PATH)
    residents = Resident.objects.filter(household__path__startswith=ROOT_PATH)
    cases = Case.objects.filter(
        Q(place__path__startswith=ROOT_PATH)
        | Q(assigned_place__path__startswith=ROOT_PATH)
        | Q(line__in=lines)
        | Q(assigned_line__in=lines)
        | Q(owner__in=users)
        | Q(handler__in=users)
        | Q(caller_resident__in=residents)
        | Q(subject_resident__in=residents)
    )
    demo_monitoring_delete()
    case_ids = list(cases.values_list("pk", flat=True))
    for start in range(0, len(case_ids), 500):
        batch = case_ids[start : start + 500]
        CaseEvent.objects.filter(case_id__in=batch).delete()
        Callback.objects.filter(case_id__in=batch).delete()
        ClinicianAlert.objects.filter(case_id__in=batch).delete()
        TriageOverride.objects.filter(case_id__in=batch).delete()
        Case.objects.filter(pk__in=batch).delete()
    AccessLog.objects.filter(user__in=users).delete()
    lines.delete()
    Facility.objects.filter(place__path__startswith=ROOT_PATH).delete()
    residents.delete()
    for kind in DELETE_ORDER:
        Place.objects.filter(path__startswith=ROOT_PATH, kind=kind).delete()
    users.delete()


@transaction.atomic
def demo_ensure_logins(*, known_hash: str | None = None) -> list[str]:
    """Make sure every demo login exists, is active and unlocked, and has the demo password.

    Returns warnings (in Chinese) for usernames held by accounts that are not demo accounts; those are
    never touched.
    """
    places = {
        p.code: p
        for p in Place.objects.filter(code__in=[names.DISTRICT_CODE, DEMO_COMMUNITY_CODE, DEMO_GRID_CODE])
    }
    district, community, grid = (
        places[c] for c in (names.DISTRICT_CODE, DEMO_COMMUNITY_CODE, DEMO_GRID_CODE)
    )
    existing = {u.username: u for u in User.objects.filter(username__in=[x.username for x in DEMO_LOGINS])}
    ours = [u for u in existing.values() if is_demo_user(u)]
    hashed = known_hash or verified_demo_hash(ours[:1])
    warnings = []
    for login in DEMO_LOGINS:
        user = existing.get(login.username)
        if user is not None and not is_demo_user(user):
            warnings.append(f"用户名 {login.username} 已被非演示账号使用，未修改其密码。")
            continue
        if user is None:
            user = _create_login(login, hashed, district if login.covers == "district" else community)
            _attach_login(login, user, district, community, grid)
            continue
        changes: dict[str, object] = {}
        if user.password != hashed:
            changes["password"] = hashed
        if not user.is_active or user.failed_logins or user.locked_until:
            changes.update(is_active=True, failed_logins=0, locked_until=None)
        if changes:
            User.objects.filter(pk=user.pk).update(**changes)
    return warnings


def _create_login(login, hashed: str, place: Place) -> User:
    user = User.objects.create(
        username=login.username,
        role=login.role,
        display_name=login.display_name,
        email=demo_email(login.username),
        password=hashed,
        is_staff=login.role == Role.ADMIN,
        is_superuser=login.role == Role.ADMIN,
    )
    user.places.set([place])
    return user


def _attach_login(login, user: User, district: Place, community: Place, grid: Place) -> None:
    """Put a re-created login back on its lines, shifts and duties."""
    for line in Line.objects.filter(code__in=login.lines, place=district):
        line.members.add(user)
        for shift in line.shifts.all():
            shift.members.add(user)
    if login.role == Role.GRID_WORKER:
        PlaceDuty.objects.update_or_create(
            place=grid, duty=PlaceDuty.Duty.GRID_WORKER, defaults={"user": user}
        )
    if login.role == Role.FAMILY_DOCTOR:
        PlaceDuty.objects.update_or_create(
            place=community, duty=PlaceDuty.Duty.FAMILY_DOCTOR, defaults={"user": user}
        )
