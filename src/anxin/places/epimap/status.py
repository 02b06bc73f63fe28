"""A household's colour on the compound map, from rules/map_status.toml. Pure: tests call it without a database."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anxin.core.i18n import gettext
from anxin.people.tags import TAG_LABELS

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "map_status.toml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class MapStatus:
    code: str
    label: str  # a msgid, listed in epimap/labels.py
    colour: str
    ink: str
    tags: frozenset[str]

    @property
    def display_label(self) -> str:
        return gettext(self.label)


@dataclass(frozen=True)
class MapRules:
    version: str
    statuses: tuple[MapStatus, ...]  # most severe first; the last one has no tags and takes everyone else

    @property
    def fallback(self) -> MapStatus:
        return self.statuses[-1]

    def status(self, code: str) -> MapStatus:
        for status in self.statuses:
            if status.code == code:
                return status
        raise KeyError(code)


@dataclass(frozen=True)
class Tally:
    households: int = 0
    people: int = 0


def _status(spec: dict, known_tags: frozenset[str] | None) -> MapStatus:
    code = str(spec["code"])
    if not _CODE.match(code):
        raise ValueError(f"map status code {code!r} is not a lower-case identifier")
    for key in ("colour", "ink"):
        if not _COLOUR.match(str(spec[key])):
            raise ValueError(f"map status {code}: {key} {spec[key]!r} is not #rrggbb")
    tags = frozenset(str(tag) for tag in spec.get("tags", []))
    unknown = tags - known_tags if known_tags is not None else set()
    if unknown:
        raise ValueError(f"map status {code} names unknown tags: {sorted(unknown)}")
    return MapStatus(code, str(spec["label"]), str(spec["colour"]), str(spec["ink"]), tags)


def parse_map_rules(text: str, known_tags: Iterable[str] | None = None) -> MapRules:
    """The rule file's statuses, checked: unique codes, #rrggbb colours, known tags, and exactly one status
    without tags, the last (so every household gets exactly one status)."""
    data = tomllib.loads(text)
    known = frozenset(known_tags) if known_tags is not None else None
    statuses = tuple(_status(spec, known) for spec in data.get("status", []))
    codes = [status.code for status in statuses]
    if len(set(codes)) != len(codes):
        raise ValueError("map statuses repeat a code")
    untagged = [status.code for status in statuses if not status.tags]
    if not statuses or untagged != [statuses[-1].code]:
        raise ValueError("the last map status, and only it, must have no tags")
    return MapRules(str(data["version"]), statuses)


@cache
def map_rules() -> MapRules:
    return parse_map_rules(RULES_FILE.read_text(encoding="utf-8"), known_tags=TAG_LABELS)


def household_status(member_tags: Iterable[Iterable[str]], rules: MapRules) -> str:
    """The code of the most severe status that any member's tags trigger; the fallback if none does."""
    present: set[str] = set()
    for tags in member_tags:
        present.update(tags)
    for status in rules.statuses:
        if status.tags & present:
            return status.code
    return rules.fallback.code


def tally(households: Iterable[tuple[str, int]], rules: MapRules) -> dict[str, Tally]:
    """Households and people per status code, from (status code, people) pairs; every status in rule order."""
    counts = {status.code: [0, 0] for status in rules.statuses}
    for code, people in households:
        counts[code][0] += 1
        counts[code][1] += people
    return {code: Tally(households, people) for code, (households, people) in counts.items()}
