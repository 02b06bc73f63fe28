"""Which column of a ledger file holds which field: the alias table in rules/columns.toml, read here.

Pure: no Django, so its tests need no database. ``propose_mapping`` guesses a field for every header (the page
lets the user change it); ``check_mapping`` says what a mapping lacks before any row is read.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext, gettext_noop, pgettext
from anxin.core.text import to_halfwidth

RULES_FILE = Path(__file__).parent / "rules" / "columns.toml"

# What the mapping page calls each field (msgids, translated where shown). A test keeps these codes equal to
# the rule file's.
FIELD_LABELS: dict[str, str] = {
    "compound": gettext_noop("小区"),
    "building": gettext_noop("楼栋"),
    "entrance": gettext_noop("单元"),
    "room": gettext_noop("门牌"),
    "name": gettext_noop("姓名"),
    "id_number": gettext_noop("身份证号"),
    "phone": gettext_noop("联系电话"),
    "relation": gettext_noop("与户主关系"),
    "groups": gettext_noop("人群类别"),
    "chronic_conditions": gettext_noop("慢性病"),
    "lives_alone": gettext_noop("独居"),
    "pregnant_due_date": gettext_noop("预产期"),
    "on_dialysis": gettext_noop("透析"),
    "on_chemo": gettext_noop("放化疗"),
    "disabled": gettext_noop("行动不便/失能"),
    "discharged_on": gettext_noop("出院日期"),
    "quarantine_status": gettext_noop("隔离状态"),
    "quarantine_from": gettext_noop("隔离开始日期"),
    "quarantine_until": gettext_noop("隔离结束日期"),
    "manual_tags": gettext_noop("人工标签"),
}

# The compound column is needed when the place holds several compounds (see ``check_mapping``).
COMPOUND = "compound"
# A trailing note in brackets, half- or full-width: ( （ [ 【 ... ) ） ] 】. The full-width ones are written as
# escapes: they are what people type in files, not text anyone reads (tests/core/test_i18n.py looks for those).
_BRACKET_NOTE = re.compile(r"[(\uff08\[\u3010].*?[)\uff09\]\u3011]$")


@dataclass(frozen=True)
class ColumnRules:
    version: str
    sheet: str
    fields: tuple[str, ...]  # in the rule file's order: the export's column order
    required: frozenset[str]
    headers: dict[str, tuple[str, ...]]  # field -> headers, the first is the one export writes
    computed: dict[str, tuple[str, ...]]  # computed column code -> headers
    exported_computed: tuple[str, ...]
    building_name: str
    unit_name: str
    building_suffixes: tuple[str, ...]
    entrance_suffixes: tuple[str, ...]
    room_suffixes: tuple[str, ...]

    def header_of(self, code: str) -> str:
        return (self.headers.get(code) or self.computed[code])[0]


def header_key(text: object) -> str:
    """A header as it is compared: half-width, no spaces, no required marker, no trailing note in brackets."""
    key = re.sub(r"\s+", "", to_halfwidth(str(text or "")))
    key = key.strip("*").strip()
    return _BRACKET_NOTE.sub("", key).strip("*").lower()


def parse_column_rules(text: str) -> ColumnRules:
    data = tomllib.loads(text)
    fields = tuple(str(f["code"]) for f in data["field"])
    computed = {str(c["code"]): tuple(c["headers"]) for c in data.get("computed", [])}
    keys = [header_key(h) for f in data["field"] for h in f["headers"]]
    keys += [header_key(h) for headers in computed.values() for h in headers]
    if len(set(keys)) != len(keys):
        raise ValueError("ledger column rules repeat a header")
    return ColumnRules(
        version=str(data["version"]),
        sheet=str(data["sheet"]),
        fields=fields,
        required=frozenset(str(f["code"]) for f in data["field"] if f.get("required")),
        headers={str(f["code"]): tuple(f["headers"]) for f in data["field"]},
        computed=computed,
        exported_computed=tuple(str(c["code"]) for c in data.get("computed", []) if c.get("export")),
        building_name=str(data["places"]["building_name"]),
        unit_name=str(data["places"]["unit_name"]),
        building_suffixes=tuple(data["places"]["building_suffixes"]),
        entrance_suffixes=tuple(data["places"]["entrance_suffixes"]),
        room_suffixes=tuple(data["places"]["room_suffixes"]),
    )


@cache
def column_rules() -> ColumnRules:
    return parse_column_rules(RULES_FILE.read_text(encoding="utf-8"))


@cache
def _lookup() -> dict[str, tuple[str, str]]:
    """header key -> ("field" | "computed", code). A field's code is also accepted as its header."""
    rules = column_rules()
    table = {header_key(code): ("field", code) for code in rules.fields}
    for code, headers in rules.headers.items():
        table.update({header_key(h): ("field", code) for h in headers})
    for code, headers in rules.computed.items():
        table.update({header_key(h): ("computed", code) for h in headers})
    return table


def recognise(header: object) -> tuple[str, str] | None:
    """("field", code) or ("computed", code) for a known header; None for anything else."""
    return _lookup().get(header_key(header))


def propose_mapping(headers: Sequence[object]) -> list[str | None]:
    """A field code per column (None: not imported). A field named by two columns goes to the first."""
    mapping: list[str | None] = []
    taken: set[str] = set()
    for header in headers:
        found = recognise(header)
        code = found[1] if found and found[0] == "field" and found[1] not in taken else None
        if code:
            taken.add(code)
        mapping.append(code)
    return mapping


def known_header_count(headers: Sequence[object]) -> int:
    return sum(1 for header in headers if recognise(header) is not None)


@dataclass(frozen=True)
class MappingCheck:
    missing: tuple[str, ...]  # required field codes no column gives
    ignored: tuple[str, ...]  # headers of columns not imported (unknown, or mapped to nothing)
    computed: tuple[str, ...]  # headers of columns Anxin computes itself


def check_mapping(
    headers: Sequence[object], mapping: Sequence[str | None], *, needs_compound: bool
) -> MappingCheck:
    """Raises InvalidInput if the mapping names an unknown field or one field twice; else what it lacks."""
    rules = column_rules()
    if len(mapping) != len(headers):
        raise InvalidInput(gettext("列的对应关系与文件的列数不符"), field="mapping")
    seen: set[str] = set()
    for code in mapping:
        if code is None:
            continue
        if code not in rules.fields:
            raise InvalidInput(gettext("未知的字段：%(code)s") % {"code": code}, field="mapping")
        if code in seen:
            label = gettext(FIELD_LABELS[code])
            raise InvalidInput(gettext("“%(field)s”对应了不止一列") % {"field": label}, field="mapping")
        seen.add(code)
    required = set(rules.required) | ({COMPOUND} if needs_compound else set())
    missing = tuple(code for code in rules.fields if code in required and code not in seen)
    ignored, computed = [], []
    for header, code in zip(headers, mapping, strict=True):
        if code is not None or header in (None, ""):
            continue
        found = recognise(header)
        (computed if found and found[0] == "computed" else ignored).append(str(header))
    return MappingCheck(missing=missing, ignored=tuple(ignored), computed=tuple(computed))


def missing_reason(missing: Sequence[str]) -> str:
    labels = pgettext("list separator", "、").join(gettext(FIELD_LABELS[code]) for code in missing)
    return gettext("缺少必需的列：%(columns)s") % {"columns": labels}
