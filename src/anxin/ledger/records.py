"""One ledger row, checked: the resident it names, where they live and the facts its columns give.

Pure: no Django. ``parse_row`` reports every bad field of a row (not only the first), each as a ``RowError``
with the row number, the field code and a reason a person can act on.

What a column means for a resident already on file: a mapped column is the truth for its field, so an empty
yes/no, date or list cell clears it (that is how export and import round-trip); a column that is not mapped
leaves its field alone. The 人群类别 column only adds facts (see rules/values.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext, gettext_noop
from anxin.core.text import clean_text, to_halfwidth
from anxin.ledger import values
from anxin.ledger.addresses import Room, parse_room
from anxin.people.identity import normalise_phone, parse_id_number

NAME_MAX = 50  # Resident.name
RELATION_MAX = 20  # Resident.relation
PLACE_LABEL_MAX = 40
# A due date further ahead than a pregnancy lasts is a typing error.
DUE_DATE_AHEAD = timedelta(days=300)

BOOLEAN_FIELDS = ("lives_alone", "on_dialysis", "on_chemo", "disabled")
DATE_FIELDS = ("pregnant_due_date", "discharged_on", "quarantine_from", "quarantine_until")
# Resident fields a mapped column sets (``LedgerRecord.values``), in the order the export writes them.
RESIDENT_FIELDS = (
    "name",
    "phone",
    "relation",
    "chronic_conditions",
    "lives_alone",
    "pregnant_due_date",
    "on_dialysis",
    "on_chemo",
    "disabled",
    "discharged_on",
    "quarantine_status",
    "quarantine_from",
    "quarantine_until",
    "manual_tags",
)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass
class LedgerRecord:
    row: int
    id_number: str
    birth_date: date
    sex: str
    compound: str  # "" when the file has no compound column
    building: str
    room: Room
    values: dict[str, object]  # resident field -> value, for the mapped columns
    groups: values.GroupFacts | None = None
    fields: tuple[str, ...] = field(default=())  # the resident fields this record sets (values and groups)


class _Row:
    """Collects one row's field errors while its cells are read."""

    def __init__(self, number: int, cells: dict[str, object]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def read(self, name: str, parse, *args):
        try:
            return parse(self.cells.get(name), *args, field=name)
        except InvalidInput as exc:
            self.errors.append(RowError(self.number, exc.field or name, exc.reason))
            return None

    def fail(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.number, name, reason))


def row_cells(cells: Sequence[object], columns: Sequence[tuple[int, str]]) -> dict[str, object]:
    """{field: cell} for the mapped columns (``columns``: (column index, field code) pairs)."""
    size = len(cells)
    return {code: cells[index] if index < size else None for index, code in columns}


def _id_number(value: object, today: date, *, field: str):
    text = values.id_number_text(value, field=field)
    if "*" in text:
        raise InvalidInput(gettext("身份证号已脱敏（含 *），不能用于导入：请使用完整导出的文件"), field=field)
    return parse_id_number(text, field=field, today=today)


def id_key(value: object) -> str:
    """An ID number cell as the import compares them (half-width, no spaces, upper-case X), or "" if it is
    not text an ID could be: how a repeated number is found even in a row with other errors."""
    if not isinstance(value, str | int):
        return ""
    return to_halfwidth(str(value)).replace(" ", "").upper()


def _required_text(value: object, max_length: int, *, field: str) -> str:
    return clean_text(values.cell_text(value, field=field), field=field, max_length=max_length, required=True)


def _optional_text(value: object, max_length: int, *, field: str) -> str:
    return clean_text(values.cell_text(value, field=field), field=field, max_length=max_length)


def _phone(value: object, *, field: str) -> str:
    text = values.cell_text(value, field=field, max_length=40)
    return normalise_phone(text, field=field) if text else ""


def parse_row(
    number: int, cells: dict[str, object], *, today: date
) -> tuple[LedgerRecord | None, list[RowError]]:
    """A record, or None and the row's errors. ``cells`` holds the mapped columns only."""
    row = _Row(number, cells)
    info = row.read("id_number", _id_number, today) if "id_number" in cells else None
    name = row.read("name", _required_text, NAME_MAX)
    building = row.read("building", _required_text, PLACE_LABEL_MAX)
    room = row.read("room", _required_text, PLACE_LABEL_MAX)
    entrance = row.read("entrance", _optional_text, PLACE_LABEL_MAX) or ""
    compound = row.read("compound", _optional_text, 100) or ""
    facts = _facts(row)
    groups = row.read("groups", values.parse_groups) if "groups" in cells else None
    if name is not None:
        facts["name"] = name
    if info is not None:
        _check_dates(row, facts, info.birth_date, info.sex, today)
    if groups is not None:
        _check_groups(row, facts, groups)
    if row.errors or info is None:
        return None, row.errors
    record = LedgerRecord(
        row=number,
        id_number=info.number,
        birth_date=info.birth_date,
        sex=info.sex,
        compound=compound,
        building=building,
        room=parse_room(room, entrance),
        values=facts,
        groups=groups,
    )
    record.fields = tuple(record_fields(record))
    return record, []


def _facts(row: _Row) -> dict[str, object]:
    """The resident fields of the mapped columns (name aside)."""
    cells, facts = row.cells, {}
    for name, (parse, *args) in _FACT_READERS.items():
        if name not in cells:
            continue
        before = len(row.errors)
        value = row.read(name, parse, *args)
        if len(row.errors) == before:
            facts[name] = value
    return facts


# field -> (parser, extra arguments): how ``_facts`` reads each column that sets a fact.
_FACT_READERS = {
    "phone": (_phone,),
    "relation": (_optional_text, RELATION_MAX),
    "chronic_conditions": (values.parse_conditions,),
    "quarantine_status": (values.parse_quarantine,),
    "manual_tags": (values.parse_manual_tags,),
    **dict.fromkeys(BOOLEAN_FIELDS, (values.parse_bool,)),
    **dict.fromkeys(DATE_FIELDS, (values.parse_date,)),
}


def _check_dates(row: _Row, facts: dict[str, object], birth: date, sex: str, today: date) -> None:
    due = facts.get("pregnant_due_date")
    if due is not None:
        if sex == "M":
            row.fail("pregnant_due_date", gettext("身份证号显示为男性，不能填写预产期"))
        elif due > today + DUE_DATE_AHEAD or due <= birth:
            row.fail("pregnant_due_date", gettext("预产期不合理"))
    discharged = facts.get("discharged_on")
    if discharged is not None and (discharged > today or discharged < birth):
        row.fail("discharged_on", gettext("出院日期不能晚于今天或早于出生日期"))
    start, end = facts.get("quarantine_from"), facts.get("quarantine_until")
    if start is not None and start < birth:
        row.fail("quarantine_from", gettext("隔离开始日期早于出生日期"))
    if start is not None and end is not None and end < start:
        row.fail("quarantine_until", gettext("隔离结束日期早于开始日期"))


def _check_groups(row: _Row, facts: dict[str, object], groups: values.GroupFacts) -> None:
    column = facts.get("quarantine_status")
    if groups.quarantine and column and column != groups.quarantine:
        row.fail("groups", gettext("人群类别与隔离状态不一致"))


def record_fields(record: LedgerRecord) -> list[str]:
    names = set(record.values)
    groups = record.groups
    if groups is not None:
        names |= groups.flags
        names |= {"chronic_conditions"} if groups.conditions else set()
        names |= {"manual_tags"} if groups.manual else set()
        names |= {"quarantine_status"} if groups.quarantine else set()
    return [name for name in RESIDENT_FIELDS if name in names]


def apply_record(resident, record: LedgerRecord) -> list[str]:
    """Set the record's facts on a resident (new or on file); returns the requirement errors' fields.

    The 人群类别 words add to what the columns (or the file on record) say. A word that needs another fact
    (孕产妇 needs a due date) is an error when neither the row nor the resident on file gives it.
    """
    for name, value in record.values.items():
        setattr(resident, name, value)
    groups = record.groups
    if groups is None:
        return []
    for flag in groups.flags:
        setattr(resident, flag, True)
    if groups.conditions:
        resident.chronic_conditions = values.condition_order(
            [*resident.chronic_conditions, *groups.conditions]
        )
    if groups.manual:
        resident.manual_tags = values.manual_order([*resident.manual_tags, *groups.manual])
    if groups.quarantine:
        resident.quarantine_status = groups.quarantine
    return [name for name in sorted(groups.requires) if not getattr(resident, name)]


REQUIREMENT_REASONS = {
    "pregnant_due_date": gettext_noop("人群类别为孕产妇时须填写预产期"),
    "chronic_conditions": gettext_noop("人群类别为慢病时须在慢性病列写明病种（如 高血压、糖尿病）"),
    "discharged_on": gettext_noop("人群类别为出院患者时须填写出院日期"),
}


def requirement_reason(name: str) -> str:
    return gettext(REQUIREMENT_REASONS[name])
