"""Builders for test data. IDs are generated valid (GB 11643 check digit)."""

from __future__ import annotations

import itertools
from datetime import date

from anxin.accounts.models import User
from anxin.hotline import services
from anxin.hotline.models import Case
from anxin.people.identity import id_check_char
from anxin.people.models import Resident
from anxin.places.models import Place

_sequence = itertools.count(1)


def make_id_number(birth: date, *, male: bool = True, area: str = "440309") -> str:
    seq = next(_sequence) % 500
    order = seq * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_char(first17)


def make_place(code: str, name: str, kind: str, parent: Place | None = None, **extra) -> Place:
    return Place.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


def make_user(username: str, role: str, places: list[Place], **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-123", role=role, **extra)
    user.places.set(places)
    return user


def make_resident(
    name: str, household: Place, *, birth: date, phone: str = "", male: bool = True, **extra
) -> Resident:
    resident = Resident(
        name=name,
        id_number=make_id_number(birth, male=male),
        birth_date=birth,
        sex="M" if male else "F",
        phone=phone,
        household=household,
        **extra,
    )
    resident.refresh_risk()
    resident.save()
    return resident


def open_case(world, **overrides) -> Case:
    """A P3 home-visit case about 王建国 (community A), opened by the agent through the service."""
    fields = {
        "by": world.agent,
        "line": world.medical_line,
        "summary": "老人发烧三天，38.8度",
        "category": "medical_consult",
        "urgency": "P3",
        "disposition": "home_visit",
        "caller_phone": "13800138000",
        "caller_resident": world.wang,
        "subject_resident": world.wang,
    }
    fields.update(overrides)
    return services.case_open(**fields)
