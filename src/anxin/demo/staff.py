"""Demo staff: one login per role, the hotlines with three shifts each, grid workers and family doctors.

Every demo user carries the marker e-mail domain DEMO_EMAIL_DOMAIN, which is how --reset finds them and how
a re-run refuses to touch a real account that happens to be called "admin". All share one printed password,
hashed once (hashing is deliberately slow).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import time

from django.contrib.auth.hashers import check_password, make_password

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.demo import names
from anxin.demo.geography import Skeleton
from anxin.demo.numbers import NumberBook
from anxin.hotline.models import Line, Shift
from anxin.places.models import Place, PlaceDuty

DEMO_PASSWORD = "anxin-demo-2026"  # noqa: S105 - printed on purpose: it only ever guards synthetic data
DEMO_EMAIL_DOMAIN = "demo.anxin.invalid"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str
    covers: str  # "district" or "community" (the demo community with the locked compound)
    lines: tuple[str, ...] = ()


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("agent", Role.AGENT, "黄敏", "district", ("medical", "citizen", "community", "elderly")),
    DemoLogin("clinician", Role.CLINICIAN, "刘建华", "district", ("medical",)),
    DemoLogin("counsellor", Role.COUNSELLOR, "邵文静", "district", ("psych",)),
    DemoLogin("grid", Role.GRID_WORKER, "焦志明", "community"),
    DemoLogin("doctor", Role.FAMILY_DOCTOR, "吴丽萍", "community"),
    DemoLogin("volunteer", Role.VOLUNTEER, "周晓彤", "community"),
    DemoLogin("command", Role.COMMAND, "指挥部值班员", "district"),
    DemoLogin("admin", Role.ADMIN, "系统管理员", "district"),
)

# code, name, kind, number, staff per shift by role
LINES: tuple[tuple[str, str, str, str, dict[str, int]], ...] = (
    ("medical", "24小时医疗咨询热线", Line.Kind.MEDICAL, "0755-21000120", {Role.AGENT: 4, Role.CLINICIAN: 2}),
    ("psych", "12355心理援助热线", Line.Kind.PSYCH, "12355", {Role.COUNSELLOR: 2}),
    ("citizen", "12345市民热线", Line.Kind.CITIZEN, "12345", {Role.AGENT: 3}),
    ("community", "社区暖心热线", Line.Kind.COMMUNITY, "0755-21000345", {Role.AGENT: 2}),
    ("elderly", "80岁以上老人专线", Line.Kind.ELDERLY, "0755-21000080", {Role.AGENT: 2}),
)
SHIFTS: tuple[tuple[str, time, time], ...] = (
    ("早班", time(8, 0), time(16, 0)),
    ("中班", time(16, 0), time(0, 0)),
    ("夜班", time(0, 0), time(8, 0)),
)
VOLUNTEERS = 10


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def is_demo_user(user: User) -> bool:
    return user.email.endswith("@" + DEMO_EMAIL_DOMAIN)


@dataclass
class Staff:
    logins: dict[str, User]
    lines: dict[str, Line]
    shifts: dict[str, list[tuple[Shift, list[User]]]]  # line code -> [(shift, members)]
    grid_worker_of: dict[str, User]  # grid code -> user
    family_doctor_of: dict[str, User]  # community code -> user
    users: list[User] = field(default_factory=list)


class StaffBuilder:
    def __init__(self, rng: random.Random, skeleton: Skeleton, book: NumberBook) -> None:
        self.rng = rng
        self.skeleton = skeleton
        self.book = book
        self.password = make_password(DEMO_PASSWORD)
        self.users: list[User] = []
        self.places: list[tuple[User, Place]] = []

    def _user(self, username: str, role: str, display_name: str, covers: list[Place]) -> User:
        user = User(
            username=username,
            role=role,
            display_name=display_name,
            email=demo_email(username),
            phone=self.book.mobile(),
            password=self.password,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        self.users.append(user)
        self.places.extend((user, place) for place in covers)
        return user

    def _person(self) -> str:
        return names.person_name(self.rng, self.rng.choice("MF"), self.rng.randint(1968, 1998))

    def build(self) -> Staff:
        sk = self.skeleton
        logins = {
            login.username: self._user(
                login.username,
                login.role,
                login.display_name,
                [sk.district if login.covers == "district" else sk.demo_community],
            )
            for login in DEMO_LOGINS
        }
        line_staff: dict[str, list[list[User]]] = {}
        for code, _, _, _, per_shift in LINES:
            line_staff[code] = []
            number = 0
            for _ in SHIFTS:
                crew = []
                for role, count in per_shift.items():
                    for _ in range(count):
                        number += 1
                        crew.append(self._user(f"{code}{number:02d}", role, self._person(), [sk.district]))
                line_staff[code].append(crew)
        grid_worker_of: dict[str, User] = {}
        for grid in sk.grids:
            if grid is sk.demo_grid:
                grid_worker_of[grid.code] = logins["grid"]
            else:
                grid_worker_of[grid.code] = self._user(
                    f"grid_{grid.code}", Role.GRID_WORKER, self._person(), [grid]
                )
        family_doctor_of: dict[str, User] = {}
        for community in sk.communities:
            if community is sk.demo_community:
                family_doctor_of[community.code] = logins["doctor"]
            else:
                family_doctor_of[community.code] = self._user(
                    f"doctor_{community.code}", Role.FAMILY_DOCTOR, self._person(), [community]
                )
        urban = [c for c in sk.communities if not c.is_rural and c is not sk.demo_community]
        for number, community in enumerate(self.rng.sample(urban, VOLUNTEERS), start=1):
            self._user(f"volunteer{number:02d}", Role.VOLUNTEER, self._person(), [community])

        User.objects.bulk_create(self.users)
        through = User.places.through
        through.objects.bulk_create([through(user_id=u.pk, place_id=p.pk) for u, p in self.places])
        PlaceDuty.objects.bulk_create(
            [
                PlaceDuty(place=grid, user=grid_worker_of[grid.code], duty=PlaceDuty.Duty.GRID_WORKER)
                for grid in sk.grids
            ]
            + [
                PlaceDuty(place=c, user=family_doctor_of[c.code], duty=PlaceDuty.Duty.FAMILY_DOCTOR)
                for c in sk.communities
            ]
        )
        lines, shifts = self._lines(logins, line_staff)
        return Staff(logins, lines, shifts, grid_worker_of, family_doctor_of, self.users)

    def _lines(self, logins: dict[str, User], line_staff: dict[str, list[list[User]]]):
        lines: dict[str, Line] = {}
        shifts: dict[str, list[tuple[Shift, list[User]]]] = {}
        for code, name, kind, number, _ in LINES:
            line = Line.objects.create(
                code=code, name=name, kind=kind, number=number, place=self.skeleton.district
            )
            # The demo logins sit on every shift of their lines, so the desk shows them on duty at any hour.
            extra = [logins[login.username] for login in DEMO_LOGINS if code in login.lines]
            members = extra + [u for crew in line_staff[code] for u in crew]
            line.members.set(members)
            lines[code] = line
            shifts[code] = []
            for (shift_name, starts, ends), crew in zip(SHIFTS, line_staff[code], strict=True):
                shift = Shift.objects.create(line=line, name=shift_name, starts=starts, ends=ends)
                shift.members.set(extra + crew)
                shifts[code].append((shift, extra + crew))
        return lines, shifts


def verified_demo_hash(candidates: list[User]) -> str:
    """A hash of DEMO_PASSWORD: an existing demo login's, if it checks (one slow check), else a new one."""
    for user in candidates:
        if user.password and check_password(DEMO_PASSWORD, user.password):
            return user.password
    return make_password(DEMO_PASSWORD)
