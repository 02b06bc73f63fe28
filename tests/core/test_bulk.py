"""core.bulk: rows written with executemany read back as the ORM wrote them (JSON, dates, timestamps)."""

from __future__ import annotations

from datetime import date

import pytest

from anxin.core.bulk import bulk_insert, bulk_update_rows
from anxin.people.models import Resident
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_inserted_rows_read_back_as_the_orm_writes_them(world):
    residents = [
        Resident(
            name=f"批量{i}",
            id_number=make_id_number(date(1950, 1, 1 + i)),
            birth_date=date(1950, 1, 1 + i),
            sex="M",
            household=world.unit_a2,
            chronic_conditions=["hypertension"],
            manual_tags=[],
            pregnant_due_date=None,
            discharged_on=date(2026, 11, 20),
            lives_alone=bool(i % 2),
        )
        for i in range(5)
    ]
    for resident in residents:
        resident.refresh_risk(date(2026, 11, 23))
    assert bulk_insert(Resident, residents, batch_size=2) == 5

    stored = Resident.objects.filter(name__startswith="批量").order_by("name")
    assert [r.lives_alone for r in stored] == [False, True, False, True, False]
    first = stored[0]
    assert first.chronic_conditions == ["hypertension"] and first.manual_tags == []
    assert first.discharged_on == date(2026, 11, 20) and first.pregnant_due_date is None
    assert first.risk_rules == residents[0].risk_rules and first.risk_assessed_on == date(2026, 11, 23)
    assert first.created_at is not None and first.created_at == first.updated_at


def test_updates_touch_only_the_named_fields_and_stamp_updated_at(world):
    wang = Resident.objects.get(pk=world.wang.pk)
    before = wang.updated_at
    wang.phone, wang.name = "13900000000", "不写入"
    assert bulk_update_rows(Resident, [wang], ["phone", "updated_at"]) == 1
    stored = Resident.objects.get(pk=wang.pk)
    assert (stored.phone, stored.name) == ("13900000000", "王建国")
    assert stored.updated_at > before
