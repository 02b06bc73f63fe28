"""Households and key-population facts for the demo residents (unsaved Resident objects).

Shapes are tuned so that a district-sized sample shows the prevalence the brief asks for: about 18 % aged
60+, 2-3 % aged 80+, about 8 % of the elderly living alone, about 3 % under 3, about 1 % pregnant, a quarter
of adults over 40 with a chronic condition, about 1.5 % disabled, and a few on dialysis or chemotherapy,
recently discharged or in quarantine. Every count comes from the seeded generator, so a reload is identical.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from anxin.demo import names
from anxin.demo.numbers import NumberBook, birth_date_for_age
from anxin.people.identity import age_on
from anxin.people.models import Resident

ELDERLY_AGE = 60

# Household size -> weight, and for each size the weights of 0, 1 and 2 members aged 60+.
SIZE_WEIGHTS = {1: 21, 2: 30, 3: 25, 4: 16, 5: 8}
ELDERLY_WEIGHTS = {
    1: (81, 19, 0),
    2: (64, 11, 25),
    3: (75, 17, 8),
    4: (60, 20, 20),
    5: (38, 28, 34),
}

# Chronic conditions (codes from anxin.people.tags.CONDITION_LABELS) and their relative frequency.
CONDITION_WEIGHTS = {
    "hypertension": 46,
    "diabetes": 24,
    "heart_disease": 10,
    "copd": 7,
    "stroke": 5,
    "ckd": 3,
    "cancer": 3,
    "mental_illness": 1,
    "immunosuppressed": 1,
}

RATES = {
    "pregnant": 0.010,
    "disabled": 0.015,
    "dialysis": 0.0006,
    "chemo": 0.0005,
    "discharged": 0.002,
    "quarantine": 0.003,
}


class PopulationBuilder:
    """Builds households of unsaved residents; remembers who owns each phone (the first to get it)."""

    def __init__(self, rng: random.Random, today: date, book: NumberBook) -> None:
        self.rng = rng
        self.today = today
        self.book = book
        self.phone_owner: dict[str, Resident] = {}

    # -- shapes -----------------------------------------------------------------------------------------
    def sample_shape(self) -> tuple[int, int]:
        size = self.rng.choices(list(SIZE_WEIGHTS), weights=list(SIZE_WEIGHTS.values()))[0]
        elderly = self.rng.choices((0, 1, 2), weights=ELDERLY_WEIGHTS[size])[0]
        return size, min(elderly, size)

    def elder_age(self) -> int:
        band = self.rng.choices((60, 70, 80, 90), weights=(55, 31, 12, 2))[0]
        return self.rng.randint(band + (1 if band == 60 else 0), band + 9 if band < 90 else 98)

    def kid_age(self, parent_age: int) -> int:
        oldest = min(17, parent_age - 21)
        if oldest < 3 or self.rng.random() < 0.09:
            return self.rng.randint(0, max(0, min(2, oldest)))
        return self.rng.randint(3, oldest)

    # -- people -----------------------------------------------------------------------------------------
    def person(
        self, *, sex: str, age: int, relation: str, family: str | None = None, phone: str | None = None
    ) -> Resident:
        birth = birth_date_for_age(self.rng, self.today, age)
        resident = Resident(
            name=names.person_name(self.rng, sex, birth.year, family),
            id_number=self.book.id_number(birth, sex),
            birth_date=birth,
            sex=sex,
            relation=relation,
            phone="",
        )
        if phone is None:
            phone = self.book.mobile()
            self.phone_owner[phone] = resident
        resident.phone = phone
        return resident

    def household(self, size: int, elderly: int) -> list[Resident]:
        """``size`` people of whom exactly ``elderly`` (0-2) are 60 or older; the others are under 59."""
        rng = self.rng
        family = names.surname(rng)
        members: list[Resident] = []
        rest = size - elderly
        elders: list[Resident] = []
        head_relation = "户主" if rest == 0 else "父母"
        if elderly == 2:
            age = self.elder_age()
            wife_age = min(98, max(ELDERLY_AGE + 1, age - rng.randint(-2, 6)))
            husband = self.person(sex="M", age=age, relation=head_relation, family=family)
            share = rng.random() < 0.3
            wife = self.person(
                sex="F",
                age=wife_age,
                relation="配偶" if rest == 0 else "父母",
                phone=husband.phone if share else None,
            )
            elders = [husband, wife]
        elif elderly == 1:
            sex = "F" if rng.random() < 0.58 else "M"
            elders = [self.person(sex=sex, age=self.elder_age(), relation=head_relation, family=family)]
        members.extend(elders)
        if elders and rest == 0 and len(elders) == 1:
            elders[0].lives_alone = True
        if rest:
            members.extend(self._younger(rest, elders, family))
        if elders and rest:
            # Elderly people often give a son's or daughter's number instead of their own.
            adult = members[len(elders)]
            for elder in elders:
                if rng.random() < 0.45:
                    self._give_phone(elder, adult.phone)
        return members

    def _give_phone(self, resident: Resident, phone: str) -> None:
        if self.phone_owner.get(resident.phone) is resident:
            del self.phone_owner[resident.phone]
        resident.phone = phone

    def _younger(self, count: int, elders: list[Resident], family: str) -> list[Resident]:
        rng = self.rng
        if elders:
            eldest = max(age_on(e.birth_date, self.today) for e in elders)
            first_age = min(58, max(22, eldest - rng.randint(24, 36)))
            son = rng.random() < 0.6
            first = self.person(
                sex="M" if son else "F", age=first_age, relation="户主", family=family if son else None
            )
        elif count == 1:
            return [
                self.person(sex=rng.choice("MF"), age=rng.randint(20, 58), relation="户主", family=family)
            ]
        else:
            first_age = rng.randint(24, 50) if count >= 3 or rng.random() < 0.5 else rng.randint(22, 58)
            first = self.person(sex=rng.choice("MF"), age=first_age, relation="户主", family=family)
        out = [first]
        kids_family = first.name[0] if first.sex == "M" else None
        single_parent = count == 2 and rng.random() < (0.3 if elders else 0.25)
        if count >= 2 and not single_parent:
            spouse_sex = "F" if first.sex == "M" else "M"
            spouse_age = min(58, max(20, first_age + rng.randint(-4, 4)))
            spouse = self.person(sex=spouse_sex, age=spouse_age, relation="配偶")
            if spouse_sex == "M":
                kids_family = spouse.name[0]
            out.append(spouse)
        parents = list(out)
        youngest_parent = min(age_on(p.birth_date, self.today) for p in parents)
        for _ in range(count - len(out)):
            age = self.kid_age(youngest_parent)
            guardian = rng.choice(parents)
            own_phone = age >= 16
            kid = self.person(
                sex=rng.choice("MF"),
                age=age,
                relation="孙子女" if elders and rng.random() < 0.1 else "子女",
                family=kids_family or names.surname(rng),
                phone=None if own_phone else guardian.phone,
            )
            out.append(kid)
        return out


def _pick(rng: random.Random, pool: list[Resident], count: int) -> list[Resident]:
    return rng.sample(pool, min(count, len(pool)))


def _conditions(rng: random.Random, count: int) -> list[str]:
    codes = list(CONDITION_WEIGHTS)
    weights = list(CONDITION_WEIGHTS.values())
    chosen: list[str] = []
    while len(chosen) < count:
        code = rng.choices(codes, weights=weights)[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def assign_chronic(rng: random.Random, residents: list[Resident], today: date) -> None:
    """About a quarter of adults over 40, rising with age, get one to three chronic conditions."""
    for resident in residents:
        age = age_on(resident.birth_date, today)
        if age < 40:
            continue
        chance = 0.13 if age < 60 else 0.40 if age < 80 else 0.55
        if rng.random() < chance:
            count = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
            resident.chronic_conditions = _conditions(rng, count)


def assign_key_facts(rng: random.Random, residents: list[Resident], today: date) -> None:
    """Pregnancy, dialysis, chemotherapy, disability, recent discharge and quarantine, at fixed rates."""
    total = len(residents)
    ages = {id(r): age_on(r.birth_date, today) for r in residents}

    def count(rate: float) -> int:
        return max(1, round(total * rate))

    mothers = [
        r for r in residents if r.sex == "F" and 22 <= ages[id(r)] <= 42 and r.relation in ("户主", "配偶")
    ]
    for resident in _pick(rng, mothers, count(RATES["pregnant"])):
        resident.pregnant_due_date = today + timedelta(days=rng.randint(7, 270))

    over_40 = [r for r in residents if ages[id(r)] >= 40 and r.pregnant_due_date is None]
    for resident in _pick(rng, over_40, count(RATES["dialysis"])):
        resident.on_dialysis = True
        resident.chronic_conditions = ["ckd", *(c for c in resident.chronic_conditions if c != "ckd")]
    for resident in _pick(rng, [r for r in over_40 if not r.on_dialysis], count(RATES["chemo"])):
        resident.on_chemo = True
        resident.chronic_conditions = ["cancer", *(c for c in resident.chronic_conditions if c != "cancer")]

    elderly = [r for r in residents if ages[id(r)] >= ELDERLY_AGE]
    younger = [r for r in residents if 5 <= ages[id(r)] < ELDERLY_AGE and r.pregnant_due_date is None]
    disabled_total = count(RATES["disabled"])
    disabled_old = round(disabled_total * 0.7)
    for resident in _pick(rng, elderly, disabled_old) + _pick(rng, younger, disabled_total - disabled_old):
        resident.disabled = True

    for resident in _pick(rng, elderly + over_40, count(RATES["discharged"])):
        resident.discharged_on = today - timedelta(days=rng.randint(1, 13))

    for resident in _pick(rng, residents, count(RATES["quarantine"])):
        set_quarantine(rng, resident, today)


def set_quarantine(rng: random.Random, resident: Resident, today: date, status: str | None = None) -> None:
    status = (
        status
        or rng.choices(
            (Resident.Quarantine.HOME, Resident.Quarantine.CENTRAL, Resident.Quarantine.CONFIRMED),
            weights=(50, 25, 25),
        )[0]
    )
    start = today - timedelta(days=rng.randint(0, 6))
    length = {Resident.Quarantine.HOME: 7, Resident.Quarantine.CENTRAL: 5}.get(status, 10)
    resident.quarantine_status = status
    resident.quarantine_from = start
    resident.quarantine_until = start + timedelta(days=length)
