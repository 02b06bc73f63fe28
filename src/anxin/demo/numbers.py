"""Synthetic but valid numbers: resident ID numbers (GB 11643), mobiles, landlines; never repeated."""

from __future__ import annotations

import random
from datetime import date, timedelta

from anxin.people.identity import id_check_char

# Mobile prefixes of the three carriers (and the newer 19x/17x blocks).
_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 180 181 182 183 185 186 187 188 189 191 195 198 199"
)
MOBILE_PREFIXES = tuple(_PREFIXES.split())

# Numbers the README and the printed login table cite, so they are fixed rather than drawn from the seed.
SHOWCASE_PHONES = {
    "elderly_alone": "13800000080",
    "infant_household": "13800000003",
    "dialysis_locked": "13800000015",
}


class NumberBook:
    """Hands out unique ID numbers and phone numbers from one seeded generator."""

    def __init__(self, rng: random.Random, *, area_code: str) -> None:
        self.rng = rng
        self.area_code = area_code
        self._ids: set[str] = set()
        self._phones: set[str] = set(SHOWCASE_PHONES.values())

    def id_number(self, birth: date, sex: str) -> str:
        """An 18-digit number whose sequence digit's parity matches ``sex`` (odd = male)."""
        for _ in range(1000):
            order = self.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{self.area_code}{birth:%Y%m%d}{order:03d}"
            number = first17 + id_check_char(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number
        raise RuntimeError(f"no free ID sequence left for {birth}")  # 500 per day and sex: never in practice

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(0, 10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def landline(self) -> str:
        return f"0755-2{self.rng.randrange(0, 10**7):07d}"


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def birth_date_for_age(rng: random.Random, today: date, age: int) -> date:
    """A birth date giving exactly ``age`` today, at least a week (15 days past infancy) from a birthday.

    The margin keeps the derived tags (60+, 80+, under 3) stable for a while after the demo is loaded.
    """
    low = 7 if age == 0 else 15
    return years_ago(today, age) - timedelta(days=rng.randint(low, 350))
