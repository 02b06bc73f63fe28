"""The first half of an import: read every row, check it, and decide what it would do. Writes nothing.

Rows are read in batches; each batch asks the database once for the residents its ID numbers already name.
A row then becomes one of: added (a new resident), updated (a resident on file whose facts or household it
changes), unchanged (a resident on file it matches exactly: counted in neither, see docs/ledger.md) or
rejected (with one error per bad field). ``services.ledger_import`` writes the plan in one transaction.

Scope: a user imports only into a place they cover, and an ID number that belongs to a resident outside
their places is rejected with a neutral reason that says nothing of who or where that resident is. The
command line runs as the system operator (``by=None``): no scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.db.models import F

from anxin.accounts.models import User
from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext
from anxin.core.masking import mask_id_number, mask_phone
from anxin.ledger.addresses import building_name, unit_name
from anxin.ledger.locator import Locator, UnitRef
from anxin.ledger.records import (
    LedgerRecord,
    RowError,
    apply_record,
    id_key,
    parse_row,
    requirement_reason,
    row_cells,
)
from anxin.people.models import Resident

BATCH = 1000
SAMPLES = 10
REPORT_CELL_MAX = 200
MASKED_FIELDS = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass(frozen=True)
class Progress:
    rows_read: int
    accepted: int
    rejected: int


@dataclass
class Plan:
    adds: list[tuple[Resident, UnitRef]] = field(default_factory=list)
    updates: list[tuple[Resident, UnitRef, tuple[str, ...]]] = field(default_factory=list)
    unchanged: int = 0
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[int, list[str]] = field(default_factory=dict)  # row -> its cells, masked, as text
    samples: dict[str, list[dict[str, object]]] = field(default_factory=lambda: {"added": [], "updated": []})

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def accepted(self) -> int:
        return len(self.adds) + len(self.updates) + self.unchanged

    def progress(self) -> Progress:
        return Progress(self.rows_read, self.accepted, self.rejected)


class Planner:
    def __init__(
        self,
        *,
        locator: Locator,
        mapping: list[str | None],
        by: User | None,
        today: date,
        progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.locator = locator
        self.columns = [(index, code) for index, code in enumerate(mapping) if code]
        self.masks = {index: MASKED_FIELDS[code] for index, code in self.columns if code in MASKED_FIELDS}
        self.by = by
        self.today = today
        self.on_progress = progress
        self.plan = Plan()
        self.first_row_of: dict[str, int] = {}

    def run(self, rows: Iterator[tuple[int, tuple[object, ...]]]) -> Plan:
        while batch := list(islice(rows, BATCH)):
            self._batch(batch)
            if self.on_progress is not None:
                self.on_progress(self.plan.progress())
        return self.plan

    # --- a batch ---

    def _batch(self, batch: list[tuple[int, tuple[object, ...]]]) -> None:
        parsed: list[tuple[LedgerRecord, tuple[object, ...]]] = []
        for number, cells in batch:
            self.plan.rows_read += 1
            mapped = row_cells(cells, self.columns)
            record, errors = parse_row(number, mapped, today=self.today)
            # A repeated ID number is reported even when its row has other errors too.
            errors += self._duplicate(number, id_key(mapped.get("id_number")))
            if errors or record is None:
                self._reject(number, cells, errors)
            else:
                parsed.append((record, cells))
        on_file = self._on_file(record.id_number for record, _ in parsed)
        for record, cells in parsed:
            errors = self._classify(record, on_file.get(record.id_number))
            if errors:
                self._reject(record.row, cells, errors)

    def _duplicate(self, row: int, key: str) -> list[RowError]:
        if not key:
            return []
        first = self.first_row_of.setdefault(key, row)
        if first == row:
            return []
        reason = gettext("身份证号与第 %(row)s 行重复") % {"row": first}
        return [RowError(row, "id_number", reason)]

    def _on_file(self, numbers: Iterable[str]) -> dict[str, Resident]:
        rows = Resident.objects.filter(id_number__in=list(numbers)).annotate(
            household_path=F("household__path")
        )
        # The timestamps are never compared, and converting them is a tenth of the lookup.
        rows = rows.defer("created_at", "updated_at").order_by()
        return {resident.id_number: resident for resident in rows}

    def _reject(self, number: int, cells: tuple[object, ...], errors: list[RowError]) -> None:
        self.plan.errors.extend(errors)
        self.plan.rejected_rows[number] = [self._report_cell(index, cell) for index, cell in enumerate(cells)]

    def _report_cell(self, index: int, cell: object) -> str:
        text = "" if cell is None else str(cell)[:REPORT_CELL_MAX]
        mask = self.masks.get(index)
        return mask(text) if mask and text else text

    # --- one good row ---

    def _classify(self, record: LedgerRecord, resident: Resident | None) -> list[RowError]:
        try:
            unit = self.locator.locate(compound=record.compound, building=record.building, room=record.room)
        except InvalidInput as exc:
            return [RowError(record.row, exc.field, exc.reason)]
        if resident is None:
            return self._add(record, unit)
        if self.by is not None and not self.by.covers_path(resident.household_path):
            # Neutral on purpose: neither the resident's name nor their place may leak to this user.
            reason = gettext("该身份证号不能在此导入：请联系上级核实")
            return [RowError(record.row, "id_number", reason)]
        return self._update(record, resident, unit)

    def _add(self, record: LedgerRecord, unit: UnitRef) -> list[RowError]:
        resident = Resident(id_number=record.id_number, birth_date=record.birth_date, sex=record.sex)
        missing = apply_record(resident, record)
        if missing:
            return [RowError(record.row, "groups", requirement_reason(name)) for name in missing]
        resident.refresh_risk(self.today)
        self.plan.adds.append((resident, unit))
        self._sample("added", record, resident)
        return []

    def _update(self, record: LedgerRecord, resident: Resident, unit: UnitRef) -> list[RowError]:
        before = _snapshot(resident, record.fields)
        missing = apply_record(resident, record)
        if missing:
            return [RowError(record.row, "groups", requirement_reason(name)) for name in missing]
        changed = tuple(name for name in record.fields if before[name] != _value(resident, name))
        moved = unit != resident.household_id
        if not changed and not moved:
            self.plan.unchanged += 1
            return []
        resident.refresh_risk(self.today)
        fields = (*changed, "household") if moved else changed
        self.plan.updates.append((resident, unit, fields))
        self._sample("updated", record, resident, fields)
        return []

    def _sample(self, kind: str, record: LedgerRecord, resident: Resident, fields=()) -> None:
        samples = self.plan.samples[kind]
        if len(samples) >= SAMPLES:
            return
        samples.append(
            {
                "row": record.row,
                "name": resident.name,
                "id_number": mask_id_number(resident.id_number),
                "place": f"{building_name(record.building)} {unit_name(record.room)}",
                "fields": list(fields),
            }
        )


def _value(resident: Resident, name: str) -> object:
    value = getattr(resident, name)
    return sorted(value) if isinstance(value, list) else value


def _snapshot(resident: Resident, names: Iterable[str]) -> dict[str, object]:
    return {name: _value(resident, name) for name in names}
