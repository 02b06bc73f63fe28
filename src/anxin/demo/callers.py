"""Who rings about whom in the demo history: pools of residents by key-population group, the caller for a
subject (the parent of a baby, the son whose number grandma gave), and the words that fill a summary."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from anxin.demo import names
from anxin.demo.compound import SPECIAL_FIELDS
from anxin.demo.scenarios import DEPARTMENTS, DRUGS, Scenario
from anxin.facilities.models import FacilityService
from anxin.people.identity import age_on
from anxin.people.models import Resident
from anxin.people.tags import CONDITION_LABELS
from anxin.places.models import Place

# Share of resident-subject cases drawn from the demo community, so its grid worker and family doctor
# logins have history to look at.
DEMO_COMMUNITY_SHARE = 0.3


@dataclass
class Caller:
    subject: Resident | None
    resident: Resident | None
    phone: str
    name: str
    subject_note: str = ""
    place: Place | None = None


def _is_special(r: Resident) -> bool:
    return any(getattr(r, f) for f in SPECIAL_FIELDS)


class SubjectPools:
    def __init__(
        self,
        residents: list[Resident],
        *,
        today: date,
        phone_owner: dict[str, Resident],
        locked_path: str,
        demo_path: str,
        grids: list[Place],
    ) -> None:
        self.today = today
        self.phone_owner = phone_owner
        self.demo_path = demo_path
        self.grids = grids
        self.by_phone: dict[str, list[Resident]] = {}
        self.pools: dict[str, list[Resident]] = {}
        for resident in residents:
            self.by_phone.setdefault(resident.phone, []).append(resident)
            for kind in self._kinds(resident, locked_path):
                self.pools.setdefault(kind, []).append(resident)

    def _kinds(self, r: Resident, locked_path: str) -> list[str]:
        age = age_on(r.birth_date, self.today)
        locked = r.household.path.startswith(locked_path)
        found = {
            "infant": age < 1,
            "toddler": 1 <= age <= 4,
            "child": 3 <= age <= 12,
            "adult": 18 <= age < 60,
            "elderly": age >= 60,
            "age80": age >= 80,
            "elderly_alone": r.lives_alone and age >= 60,
            "chronic_elderly": bool(r.chronic_conditions) and age >= 60,
            "pregnant": r.pregnant_due_date is not None,
            "dialysis": r.on_dialysis,
            "chemo": r.on_chemo,
            "discharged": r.discharged_on is not None,
            "disabled": r.disabled,
            "quarantine": bool(r.quarantine_status),
            "locked": locked and age >= 18 and not _is_special(r),
            "locked_chronic": locked and age >= 60 and bool(r.chronic_conditions),
            "locked_dialysis": locked and r.on_dialysis,
            "locked_pregnant": locked and r.pregnant_due_date is not None,
        }
        return [kind for kind, hit in found.items() if hit]

    def pick(self, rng: random.Random, kind: str) -> Resident | None:
        pool = self.pools.get(kind) or self.pools.get("adult") or []
        if not pool:
            return None
        if rng.random() < DEMO_COMMUNITY_SHARE:
            local = [r for r in pool if r.household.path.startswith(self.demo_path)]
            if local:
                return rng.choice(local)
        return rng.choice(pool)

    def caller_for(self, rng: random.Random, scenario: Scenario, subject: Resident | None, book) -> Caller:
        if subject is None:
            grid = rng.choice(self.grids)
            phone = book.landline() if rng.random() < 0.15 else book.mobile()
            sex = rng.choice("MF")
            return Caller(
                None, None, phone, names.surname(rng) + ("先生" if sex == "M" else "女士"), place=grid
            )
        if scenario.caller == "neighbour":
            sex = rng.choice("MF")
            age = age_on(subject.birth_date, self.today)
            return Caller(
                subject,
                None,
                book.mobile(),
                names.surname(rng) + ("先生" if sex == "M" else "女士"),
                subject_note=f"来电人为邻居；求助对象{age}岁，独居",
            )
        owner = self.phone_owner.get(subject.phone) or subject
        return Caller(subject, owner, subject.phone, names.caller_label(owner.name, owner.sex))


@dataclass
class FacilityNames:
    hospitals: dict[str, list[str]]  # service -> hospital names offering it
    centres: list[str]  # community centres with a fever clinic or room


def facility_names(plans) -> FacilityNames:
    hospitals: dict[str, list[str]] = {}
    centres: list[str] = []
    fever = {FacilityService.Service.FEVER_CLINIC, FacilityService.Service.FEVER_ROOM}
    for plan in plans:
        tier = plan.facility.tier
        if tier.endswith("hospital"):
            for service in plan.services:
                hospitals.setdefault(service, []).append(plan.facility.name)
        elif tier == "community_centre" and fever & set(plan.services):
            centres.append(plan.facility.name)
    return FacilityNames(hospitals, centres)


def fill(
    rng: random.Random, text: str, caller: Caller, today: date, facilities: FacilityNames, scenario
) -> str:
    """The scenario's words with this case's facts filled in."""
    subject = caller.subject
    age = age_on(subject.birth_date, today) if subject else rng.randint(25, 70)
    months = max(1, (today - subject.birth_date).days // 30) if subject else 6
    conditions = (
        list(subject.chronic_conditions) if subject and subject.chronic_conditions else ["hypertension"]
    )
    service = {
        "infant": "paediatrics",
        "toddler": "paediatrics",
        "child": "paediatrics",
        "pregnant": "obstetrics",
        "locked_pregnant": "obstetrics",
        "dialysis": "dialysis",
        "locked_dialysis": "dialysis",
    }.get(scenario.subject, "fever_clinic")
    hospitals = (
        facilities.hospitals.get(service) or facilities.hospitals.get("fever_clinic") or ["区人民医院"]
    )
    weeks = (
        40 - (subject.pregnant_due_date - today).days // 7 if subject and subject.pregnant_due_date else 32
    )
    who = "我"
    if subject and caller.resident is not subject:
        who = "我爸" if subject.sex == "M" else "我妈"
    building = compound = "小区"
    if subject:
        unit = subject.household
        compound = unit.parent.parent.name
        building = f"{unit.parent.name}{unit.name}"
    values = {
        "age": age,
        "months": months,
        "weeks": max(8, min(40, weeks)),
        "days": rng.randint(2, 5),
        "temp": f"{rng.uniform(38.1, 38.9):.1f}",
        "high": f"{rng.uniform(39.0, 40.3):.1f}",
        "spo2": f"{rng.randint(86, 92)}%",
        "who": who,
        "condition": CONDITION_LABELS[conditions[0]],
        "drug": rng.choice(DRUGS.get(conditions[0], ("常用药",))),
        "compound": compound,
        "building": building,
        "hospital": rng.choice(hospitals),
        "centre": rng.choice(facilities.centres) if facilities.centres else "社区健康服务中心",
        "name": subject.name if subject else "",
        "dept": rng.choice(DEPARTMENTS),
    }
    return text.format(**values)
