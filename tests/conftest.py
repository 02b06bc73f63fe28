"""The small named cast every permission test uses: one district, two communities, a user per role."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone, translation

from anxin.accounts.models import ApiToken, User
from anxin.accounts.roles import Role
from anxin.facilities.models import Facility, FacilityService
from anxin.hotline.models import Line, Shift
from anxin.people.models import Resident
from anxin.places.models import Place, PlaceDuty
from tests.factories import make_place, make_resident, make_user


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """The English pages need the compiled catalogs (*.mo), which git ignores and scripts/setup builds; build
    them here when they are missing or older than their .po, so ``pytest`` alone works on a fresh clone."""
    stale = [
        po
        for base in django_settings.LOCALE_PATHS
        for po in Path(base).glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        # compilemessages also compiles every locale/ below the working directory: run it in the package.
        with contextlib.chdir(Path(django_settings.LOCALE_PATHS[0]).parent):
            call_command("compilemessages", verbosity=0)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """LocaleMiddleware leaves a request's language active in the thread after the response; start every test
    in the default language (Simplified Chinese), whatever an English request before it chose."""
    translation.deactivate()


@pytest.fixture
def sample_items(db):
    """Ten knowledge items (tests/knowledge/samples.py): current, superseded, draft, agents-only."""
    from anxin.knowledge.services import items_import
    from tests.knowledge.samples import sample_rows

    return items_import(rows=sample_rows())


@pytest.fixture(autouse=True)
def _fresh_meaning_vectors():
    """Each test's database has its own items: the meaning index must not remember the last test's vectors."""
    from anxin.knowledge.dense import reload_vectors

    reload_vectors()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    district: Place
    street: Place
    community_a: Place
    community_b: Place
    grid_a: Place
    grid_b: Place
    unit_a1: Place
    unit_a2: Place
    unit_b1: Place
    agent: User
    agent2: User
    clinician: User
    counsellor: User
    grid_worker_a: User
    grid_worker_b: User
    family_doctor_a: User
    volunteer_a: User
    command: User
    admin: User
    medical_line: Line
    psych_line: Line
    wang: Resident  # 78, lives alone, hypertension, community A
    wang_wife: Resident
    baby: Resident  # 3 months old, community A
    li: Resident  # community B
    fever_clinic: Facility
    fever_room: Facility


def _units(parent: Place, prefix: str) -> tuple[Place, Place]:
    compound = make_place(f"{prefix}C", f"{prefix}花园", Place.Kind.COMPOUND, parent, lat=22.65, lon=114.02)
    building = make_place(f"{prefix}C1", "1栋", Place.Kind.BUILDING, compound)
    return (
        make_place(f"{prefix}C1-101", "101", Place.Kind.UNIT, building, floor=1),
        make_place(f"{prefix}C1-102", "102", Place.Kind.UNIT, building, floor=1),
    )


@pytest.fixture
def world(db) -> World:
    district = make_place("440309", "龙华区", Place.Kind.DISTRICT, lat=22.69, lon=114.04)
    street = make_place("440309001", "观湖街道", Place.Kind.STREET, district)
    community_a = make_place(
        "440309001001", "松元厦社区", Place.Kind.COMMUNITY, street, lat=22.70, lon=114.05
    )
    community_b = make_place("440309001002", "鹭湖社区", Place.Kind.COMMUNITY, street, lat=22.72, lon=114.06)
    grid_a = make_place("440309001001G1", "松元厦第一网格", Place.Kind.GRID, community_a)
    grid_b = make_place("440309001002G1", "鹭湖第一网格", Place.Kind.GRID, community_b)
    unit_a1, unit_a2 = _units(grid_a, "A")
    unit_b1, _ = _units(grid_b, "B")

    agent = make_user("agent", Role.AGENT, [district], display_name="黄医生")
    agent2 = make_user("agent2", Role.AGENT, [district], display_name="陈医生")
    clinician = make_user("clinician", Role.CLINICIAN, [district], display_name="刘主任")
    counsellor = make_user("counsellor", Role.COUNSELLOR, [district], display_name="邵老师")
    grid_worker_a = make_user("grid_a", Role.GRID_WORKER, [community_a], display_name="张网格员")
    grid_worker_b = make_user("grid_b", Role.GRID_WORKER, [community_b], display_name="赵网格员")
    family_doctor_a = make_user("doctor_a", Role.FAMILY_DOCTOR, [community_a], display_name="吴家庭医生")
    volunteer_a = make_user("volunteer_a", Role.VOLUNTEER, [community_a], display_name="志愿者小周")
    command = make_user("command", Role.COMMAND, [district], display_name="指挥部")
    admin = make_user("admin", Role.ADMIN, [district], display_name="管理员")
    PlaceDuty.objects.create(place=grid_a, user=grid_worker_a, duty=PlaceDuty.Duty.GRID_WORKER)
    PlaceDuty.objects.create(place=community_a, user=family_doctor_a, duty=PlaceDuty.Duty.FAMILY_DOCTOR)

    medical_line = Line.objects.create(
        code="medical",
        name="24小时医疗咨询热线",
        kind=Line.Kind.MEDICAL,
        number="0755-23332333",
        place=district,
    )
    medical_line.members.set([agent, agent2, clinician])
    psych_line = Line.objects.create(
        code="psych", name="12355心理援助热线", kind=Line.Kind.PSYCH, number="12355", place=district
    )
    psych_line.members.set([counsellor])
    for name, starts, ends in (
        ("早班", "08:00", "16:00"),
        ("中班", "16:00", "00:00"),
        ("夜班", "00:00", "08:00"),
    ):
        shift = Shift.objects.create(line=medical_line, name=name, starts=starts, ends=ends)
        shift.members.set([agent, clinician])

    wang = make_resident(
        "王建国",
        unit_a1,
        birth=date(1948, 3, 2),
        phone="13800138000",
        lives_alone=True,
        chronic_conditions=["hypertension"],
    )
    wang_wife = make_resident("李秀英", unit_a1, birth=date(1950, 6, 1), phone="13800138001", male=False)
    baby = make_resident(
        "王小宝", unit_a2, birth=timezone.localdate() - timedelta(days=90), phone="13900139000"
    )
    li = make_resident("李四", unit_b1, birth=date(1985, 1, 20), phone="13700137000")

    fever_clinic = Facility.objects.create(
        code="H1",
        name="龙华区人民医院",
        tier=Facility.Tier.DISTRICT_HOSPITAL,
        place=street,
        lat=22.71,
        lon=114.05,
        opening_hours={"always": True},
    )
    FacilityService.objects.create(facility=fever_clinic, service=FacilityService.Service.FEVER_CLINIC)
    fever_room = Facility.objects.create(
        code="C1",
        name="松元厦社康",
        tier=Facility.Tier.COMMUNITY_CENTRE,
        place=community_a,
        lat=22.701,
        lon=114.051,
        opening_hours={"periods": [{"open": "08:00", "close": "22:00"}]},
    )
    FacilityService.objects.create(facility=fever_room, service=FacilityService.Service.FEVER_ROOM)
    fever_room.grids.set([grid_a])

    return World(
        district,
        street,
        community_a,
        community_b,
        grid_a,
        grid_b,
        unit_a1,
        unit_a2,
        unit_b1,
        agent,
        agent2,
        clinician,
        counsellor,
        grid_worker_a,
        grid_worker_b,
        family_doctor_a,
        volunteer_a,
        command,
        admin,
        medical_line,
        psych_line,
        wang,
        wang_wife,
        baby,
        li,
        fever_clinic,
        fever_room,
    )


@pytest.fixture
def token_for():
    """token_for(user) -> HTTP headers carrying a fresh API token for that user."""

    def build(user: User) -> dict[str, str]:
        _, raw = ApiToken.issue(user=user, name="test")
        return {"Authorization": f"Bearer {raw}"}

    return build
