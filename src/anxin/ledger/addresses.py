"""Building and household labels as ledgers write them, to the keys that find a place, and the names and
codes of places the import creates. Pure: no Django.

With the suffixes of rules/columns.toml, "3栋", "3", "03号楼" and "3幢" are one building, and "1203", "1203室"
and "12-03" one household (floor 12, door 3). A label that is not a number ("A座") is matched as written.
Codes follow the demo's scheme (demo/geography.py): building ``<compound>B03``, household ``<building>-1203``
(``<building>-2-1203`` behind entrance 2); a label that is not a number gets a short digest instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from anxin.core.text import to_halfwidth
from anxin.ledger.columns import column_rules


def _alternatives(suffixes: tuple[str, ...]) -> str:
    return "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    building: re.Pattern[str]
    entrance: re.Pattern[str]
    room: re.Pattern[str]
    room_with_entrance: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    rules = column_rules()
    building, entrance = _alternatives(rules.building_suffixes), _alternatives(rules.entrance_suffixes)
    room = _alternatives(rules.room_suffixes)
    return _Patterns(
        building=re.compile(rf"^0*(\d{{1,4}})(?:{building})?$"),
        entrance=re.compile(rf"^0*(\d{{1,3}})(?:{entrance})?$"),
        room=re.compile(rf"^0*(\d{{1,3}})-?(\d{{2}})(?:{room})?$"),
        room_with_entrance=re.compile(rf"^0*(\d{{1,3}})(?:{entrance})-?(.+)$"),
    )


def _clean(label: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(label or ""))


def building_number(label: str) -> int | None:
    match = _patterns().building.match(_clean(label))
    return int(match[1]) if match else None


def building_key(label: str) -> str:
    """ "3栋" -> "3"; a label that is not a number is its own key."""
    number = building_number(label)
    return str(number) if number is not None else _clean(label)


def entrance_key(label: str) -> str:
    text = _clean(label)
    match = _patterns().entrance.match(text)
    return str(int(match[1])) if match else text


@dataclass(frozen=True)
class Room:
    entrance: str  # "" or the entrance's key ("2")
    floor: int | None
    door: int | None
    label: str  # as written, for a room that is not floor + door

    @property
    def key(self) -> str:
        number = f"{self.floor}-{self.door}" if self.floor is not None else self.label
        return f"{self.entrance}|{number}"

    @property
    def room_label(self) -> str:
        """ "1203" for floor 12, door 3; else the label as written."""
        return f"{self.floor}{self.door:02d}" if self.floor is not None else self.label


def parse_room(room: str, entrance: str = "") -> Room:
    """A household from the 门牌 and 单元 cells; a 门牌 like "2单元1203" carries its own entrance. Also reads
    an existing household's name, which the import wrote the same way."""
    patterns = _patterns()
    text = _clean(room)
    inner = patterns.room_with_entrance.match(text)
    if inner and not entrance:
        entrance, text = inner[1], inner[2]
    key = entrance_key(entrance) if entrance else ""
    match = patterns.room.match(text)
    if match:
        return Room(key, int(match[1]), int(match[2]), "")
    return Room(key, None, None, text)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8].upper()


def building_code(compound_code: str, label: str) -> str:
    number = building_number(label)
    return f"{compound_code}B{number:02d}" if number is not None else f"{compound_code}B{digest(label)}"


def unit_code(building: str, room: Room) -> str:
    if room.floor is None:
        return f"{building}-{digest(room.key)}"
    number = f"{room.floor:02d}{room.door:02d}"
    return f"{building}-{room.entrance}-{number}" if room.entrance else f"{building}-{number}"


def building_name(label: str) -> str:
    number = building_number(label)
    return column_rules().building_name.format(number=number) if number is not None else _clean(label)


def unit_name(room: Room) -> str:
    if room.entrance:
        return column_rules().unit_name.format(entrance=room.entrance, room=room.room_label)
    return room.room_label
