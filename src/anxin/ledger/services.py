"""Every write of the ledger: import (command line, page, background task), import jobs, logged exports.

``ledger_import`` is the one import path. It reads and checks the whole file first (``importer.Planner``:
nothing is written, the counters move), then writes in one transaction: new buildings and households, new
residents and changed ones (``core.bulk``: executemany, a third of bulk_create's CPU), all with their risk level refreshed. A file
with any bad row writes nothing unless ``partial`` is asked for, which writes the good rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from anxin.accounts.models import User
from anxin.core.audit import access_log_write
from anxin.core.bulk import bulk_insert, bulk_update_rows
from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.core.i18n import gettext
from anxin.core.models import AccessLog
from anxin.ledger.columns import check_mapping, missing_reason, propose_mapping
from anxin.ledger.importer import Plan, Planner, Progress
from anxin.ledger.locator import Locator, NewUnit
from anxin.ledger.readers import FileUnreadable, Table, open_table
from anxin.ledger.records import RowError
from anxin.people.models import Resident
from anxin.people.services import RISK_FIELDS
from anxin.places.models import Place

WRITE_BATCH = 1000


class LedgerFileError(InvalidInput):
    """The file as a whole cannot be imported (unreadable, no data, a required column missing)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field="file")


@dataclass
class LedgerReport:
    """What an import did (or, for a dry run or a refused file, would do)."""

    dry_run: bool
    written: bool
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    places_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[int, list[str]] = field(default_factory=dict)
    samples: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    mapping: list[str | None] = field(default_factory=list)
    ignored: tuple[str, ...] = ()
    computed: tuple[str, ...] = ()

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    def as_contract(self) -> dict[str, object]:
        """The command line's JSON. A real import that wrote nothing reports nothing added or updated."""
        shown = self.dry_run or self.written
        return {
            "added": self.added if shown else 0,
            "updated": self.updated if shown else 0,
            "rejected": self.rejected,
            "errors": [error.as_dict() for error in self.errors],
        }


def _require_import(by: User | None, place: Place) -> None:
    if by is None:
        return  # the command line: the system operator
    if not by.can("ledger.import"):
        raise Forbidden(gettext("当前角色不能导入台账"))
    if not by.covers_path(place.path):
        raise Forbidden(gettext("您不负责这个区域，不能导入"))


def ledger_import(
    *,
    name: str,
    content: bytes,
    place: Place,
    by: User | None,
    mapping: list[str | None] | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[Progress], None] | None = None,
    on_write: Callable[[], None] | None = None,
    today: date | None = None,
) -> LedgerReport:
    """Import a ledger file into ``place`` (a compound, or a grid/community with a 小区 column).

    Raises LedgerFileError when the file cannot be imported at all, Forbidden when ``by`` may not import here.
    ``mapping`` is a field code (or None) per column; None takes the one the headers suggest.
    """
    _require_import(by, place)
    today = today or timezone.localdate()
    locator = Locator(place)
    try:
        with open_table(name, content) as table:
            report, plan = _plan(table, locator, mapping=mapping, by=by, today=today, progress=progress)
    except FileUnreadable as exc:
        raise LedgerFileError(str(exc)) from exc
    report.dry_run = dry_run
    if dry_run or (report.rejected and not partial) or not (plan.adds or plan.updates):
        return report
    if on_write is not None:
        on_write()
    try:
        report.places_added = _write(plan, locator)
    except IntegrityError as exc:
        # Someone registered one of these ID numbers, or another import created the same household, after
        # the rows were checked: the transaction is rolled back, nothing from the file is written.
        raise Conflict(
            gettext("导入期间数据有变化（例如同时有另一份导入），未写入任何数据：请重新导入"), field="file"
        ) from exc
    report.written = True
    return report


def _plan(table: Table, locator: Locator, *, mapping, by, today, progress) -> tuple[LedgerReport, Plan]:
    mapping = list(mapping) if mapping is not None else propose_mapping(table.headers)
    check = check_mapping(table.headers, mapping, needs_compound=locator.needs_compound_column)
    if check.missing:
        raise LedgerFileError(missing_reason(check.missing))
    plan = Planner(locator=locator, mapping=mapping, by=by, today=today, progress=progress).run(table.rows)
    if plan.rows_read == 0:
        raise LedgerFileError(gettext("只有表头，没有数据行"))
    report = LedgerReport(
        dry_run=False,
        written=False,
        rows_read=plan.rows_read,
        added=len(plan.adds),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        places_added=locator.places_planned,
        errors=plan.errors,
        rejected_rows=plan.rejected_rows,
        samples=plan.samples,
        headers=table.headers,
        mapping=mapping,
        ignored=check.ignored,
        computed=check.computed,
    )
    return report, plan


@transaction.atomic
def _write(plan: Plan, locator: Locator) -> int:
    """Write a checked plan; returns how many places were created."""
    units, places_added = locator.create_planned()

    def household(ref) -> int:
        return units[ref] if isinstance(ref, NewUnit) else ref

    for resident, ref in plan.adds:
        resident.household_id = household(ref)
    # bulk_insert, not bulk_create: the same rows at a third of the CPU (see core/bulk.py).
    bulk_insert(Resident, (resident for resident, _ in plan.adds), batch_size=WRITE_BATCH)
    _write_updates(plan, household)
    return places_added


def _write_updates(plan: Plan, household: Callable) -> None:
    if not plan.updates:
        return
    names: set[str] = set()
    for resident, ref, changed in plan.updates:
        resident.household_id = household(ref)
        names.update(changed)
    fields = sorted(names) + RISK_FIELDS + ["updated_at"]
    # One UPDATE by pk per resident; bulk_update's CASE WHEN costs the database O(batch²) (core/bulk.py).
    bulk_update_rows(Resident, (resident for resident, _, _ in plan.updates), fields, batch_size=WRITE_BATCH)


# --- exports ---


def ledger_export_log(
    *, by: User, place: Place, unmasked: bool, count: int, purpose: str = "", ip: str | None = None
) -> AccessLog:
    """Record an export of the ledger of ``place``. A full export (ID numbers and phones) needs
    ``resident.reveal``; the log says which kind and how many residents."""
    if unmasked and not by.can("resident.reveal"):
        raise Forbidden(gettext("当前角色无权导出完整身份证号和手机号"))
    fields = "id_number,phone" if unmasked else "masked"
    note = gettext("台账导出 %(count)s 人") % {"count": count}
    return access_log_write(
        user=by,
        action=AccessLog.Action.EXPORT,
        obj=place,
        fields=fields,
        purpose=f"{note}; {purpose}" if purpose else note,
        ip=ip,
    )
