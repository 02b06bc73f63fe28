"""The .xlsx files the ledger writes: the ledger itself (export) and an import's error report.

The export's columns are the import's (rules/columns.toml, first header of each field) followed by the
columns Anxin computes, so an export imports back to the same ledger with no mapping step. ID numbers and
phones are masked unless the caller asks for the full file (and may have it: see ``services``); a masked file
cannot be imported back, since a masked ID number finds no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO

from anxin.core.i18n import gettext
from anxin.core.masking import mask_id_number, mask_phone
from anxin.ledger import values
from anxin.ledger.addresses import parse_room
from anxin.ledger.columns import FIELD_LABELS, column_rules
from anxin.ledger.records import RowError
from anxin.people.models import Resident
from anxin.people.tags import CONDITION_LABELS, TAG_LABELS

# Fields the export leaves out: the 人群类别 column is an input convenience; the fact columns say it all.
NOT_EXPORTED = ("groups",)


def export_columns() -> list[str]:
    rules = column_rules()
    fields = [code for code in rules.fields if code not in NOT_EXPORTED]
    return [rules.header_of(code) for code in (*fields, *rules.exported_computed)]


def _cell(sheet, value):
    """A cell whose text starting with "=" stays text: never a formula that Excel would run on opening."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _joined(codes: Iterable[str], labels: dict[str, str]) -> str:
    # The file's words are the Chinese labels whatever the page's language: they are read back on import.
    return values.value_rules().separator.join(labels[code] for code in codes if code in labels)


def _place_values(resident: Resident) -> dict[str, object]:
    unit = resident.household
    building = unit.parent
    compound = building.parent if building is not None else None
    room = parse_room(unit.name)
    return {
        "compound": compound.name if compound is not None else "",
        "building": building.name if building is not None else "",
        "entrance": room.entrance,
        "room": room.room_label,
    }


def resident_row(resident: Resident, *, unmasked: bool, today: date) -> dict[str, object]:
    """One resident as the export's cells, by field or computed-column code."""
    rules = values.value_rules()
    tags = resident.tags(today)
    return {
        **_place_values(resident),
        "name": resident.name,
        "id_number": resident.id_number if unmasked else mask_id_number(resident.id_number),
        "phone": resident.phone if unmasked else mask_phone(resident.phone),
        "relation": resident.relation,
        "chronic_conditions": _joined(resident.chronic_conditions or [], CONDITION_LABELS),
        "lives_alone": values.bool_word(resident.lives_alone),
        "pregnant_due_date": resident.pregnant_due_date,
        "on_dialysis": values.bool_word(resident.on_dialysis),
        "on_chemo": values.bool_word(resident.on_chemo),
        "disabled": values.bool_word(resident.disabled),
        "discharged_on": resident.discharged_on,
        "quarantine_status": values.quarantine_word(resident.quarantine_status),
        "quarantine_from": resident.quarantine_from,
        "quarantine_until": resident.quarantine_until,
        "manual_tags": _joined(resident.manual_tags or [], TAG_LABELS),
        "sex": resident.get_sex_display(),
        "birth_date": resident.birth_date,
        "tags": rules.separator.join(gettext(TAG_LABELS[code]) for code in tags),
        "risk_level": resident.risk_label,
        "risk_reasons": rules.separator.join(resident.risk_reason_labels),
    }


def write_ledger(residents: Iterable[Resident], out: IO[bytes], *, unmasked: bool, today: date) -> int:
    """Write the ledger workbook; returns the number of residents written. ``residents`` should carry their
    household, building and compound (select_related("household__parent__parent"))."""
    from openpyxl import Workbook

    rules = column_rules()
    codes = [code for code in rules.fields if code not in NOT_EXPORTED] + list(rules.exported_computed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(rules.sheet)
    sheet.append(export_columns())
    count = 0
    for resident in residents:
        row = resident_row(resident, unmasked=unmasked, today=today)
        sheet.append([_cell(sheet, row[code]) for code in codes])
        count += 1
    workbook.save(out)
    return count


def _field_label(code: str | None) -> str:
    if code in FIELD_LABELS:
        return gettext(FIELD_LABELS[code])
    return code or ""


def write_error_report(
    *,
    errors: list[RowError],
    rejected_rows: dict[int, list[str]],
    headers: list[str],
    mapping: list[str | None],
    out: IO[bytes],
) -> None:
    """One line per error: row, column, reason, then the row's cells as the file had them (ID numbers and
    phones masked)."""
    from openpyxl import Workbook

    column_of = {code: header for header, code in zip(headers, mapping, strict=False) if code}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("错误"))
    sheet.append([gettext("行"), gettext("字段"), gettext("原因"), *headers])
    for error in errors:
        label = column_of.get(error.field or "") or _field_label(error.field)
        cells = rejected_rows.get(error.row, [])
        sheet.append([_cell(sheet, v) for v in (error.row, label, error.reason, *cells)])
    workbook.save(out)
