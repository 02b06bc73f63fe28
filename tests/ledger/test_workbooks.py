"""Export and the error report: an unmasked export imports back to the same ledger; a masked one cannot be
imported; the error report names each row, field and reason beside the row's masked cells."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from anxin.ledger.selectors import place_residents
from anxin.ledger.services import ledger_import
from anxin.ledger.workbooks import export_columns, write_error_report, write_ledger
from anxin.people.models import Resident
from tests.ledger.files import HEADERS, csv_bytes, person, read_xlsx, xlsx

pytestmark = pytest.mark.django_db
FACTS = (
    "name",
    "id_number",
    "birth_date",
    "sex",
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
    "risk_level",
    "risk_rules",
)


def ledger_of(place) -> list[tuple]:
    rows = place_residents(place)
    return sorted((r.household.code, *(getattr(r, name) for name in FACTS)) for r in rows)


def export(place, *, unmasked: bool) -> bytes:
    out = io.BytesIO()
    write_ledger(place_residents(place), out, unmasked=unmasked, today=timezone.localdate())
    return out.getvalue()


def rich_ledger(compound) -> None:
    today = timezone.localdate()
    headers = [
        *HEADERS,
        "独居",
        "透析",
        "放化疗",
        "行动不便",
        "出院日期",
        "隔离状态",
        "隔离开始日期",
        "隔离结束日期",
        "人工标签",
        "单元",
        "与户主关系",
    ]
    rows = [
        person("赵大爷", (1940, 5, 1), room="1203", 慢性病="高血压、慢阻肺", 联系电话="13900139001")
        + ["是", "", "", "是", None, "", None, None, "心理关注、低保/困难", "2", "户主"],
        person(
            "孙女士", (1995, 3, 3), male=False, building="2栋", room="301", 预产期=today + timedelta(days=40)
        )
        + [
            "",
            "",
            "",
            "",
            None,
            "居家隔离",
            today - timedelta(days=2),
            today + timedelta(days=5),
            "",
            "",
            "配偶",
        ],
        person("钱先生", (1960, 7, 7), building="2栋", room="302")
        + ["", "是", "是", "", today - timedelta(days=3), "", None, None, "需代购药品", "", ""],
    ]
    report = ledger_import(name="a.xlsx", content=xlsx(rows, headers), place=compound, by=None)
    assert report.added == 3 and not report.errors


def test_an_unmasked_export_imports_back_to_the_same_ledger(compound_a):
    rich_ledger(compound_a)
    before = ledger_of(compound_a)
    content = export(compound_a, unmasked=True)

    again = ledger_import(name="export.xlsx", content=content, place=compound_a, by=None)
    assert again.as_contract() == {"added": 0, "updated": 0, "rejected": 0, "errors": []}
    assert again.unchanged == len(before) and again.ignored == ()

    Resident.objects.filter(household__path__startswith=compound_a.path).delete()
    fresh = ledger_import(name="export.xlsx", content=content, place=compound_a, by=None)
    assert fresh.added == len(before) and fresh.places_added == 0
    assert ledger_of(compound_a) == before


def test_a_grid_export_round_trips_through_the_compound_column(world, compound_a):
    rich_ledger(compound_a)
    before = ledger_of(world.grid_a)
    report = ledger_import(
        name="g.xlsx", content=export(world.grid_a, unmasked=True), place=world.grid_a, by=None
    )
    assert (report.added, report.updated, report.rejected) == (0, 0, 0)
    assert ledger_of(world.grid_a) == before


def test_the_export_has_the_import_columns_and_masks_by_default(world, compound_a):
    rows = read_xlsx(export(compound_a, unmasked=False))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header == export_columns()
    assert header[:8] == ["小区", "楼栋", "单元", "门牌", "姓名", "身份证号", "联系电话", "与户主关系"]
    assert first["小区"] == "A花园" and first["楼栋"] == "1栋" and first["门牌"] == "101"
    assert first["身份证号"] == world.wang.id_number[:4] + "*" * 10 + world.wang.id_number[-4:]
    assert first["联系电话"] == "138****8000"
    assert first["慢性病"] == "高血压" and first["独居"] == "是"
    assert "独居" in first["重点人群标签"] and first["风险等级"] == "高风险"


def test_a_masked_export_cannot_be_imported(compound_a):
    report = ledger_import(
        name="m.xlsx", content=export(compound_a, unmasked=False), place=compound_a, by=None
    )
    assert report.rejected == 3 and not report.written
    assert {e.field for e in report.errors} == {"id_number", "phone"}
    assert any("脱敏" in e.reason for e in report.errors)


def test_a_cell_that_looks_like_a_formula_stays_text(compound_a):
    from openpyxl import load_workbook

    report = ledger_import(
        name="a.csv", content=csv_bytes([person("=1+1", (1980, 1, 1))]), place=compound_a, by=None
    )
    assert report.added == 1
    sheet = load_workbook(io.BytesIO(export(compound_a, unmasked=False))).worksheets[0]
    cell = next(row[4] for row in sheet.iter_rows(min_row=2) if row[4].value == "=1+1")
    assert cell.data_type == "s"


def test_the_error_report_names_row_field_reason_and_masks_the_row(compound_a):
    rows = [person("周一", (1980, 1, 1)), person("", (1981, 1, 1), 联系电话="1380013800")]
    report = ledger_import(name="a.xlsx", content=xlsx(rows), place=compound_a, by=None)
    out = io.BytesIO()
    write_error_report(
        errors=report.errors,
        rejected_rows=report.rejected_rows,
        headers=report.headers,
        mapping=report.mapping,
        out=out,
    )
    sheet = read_xlsx(out.getvalue())
    assert sheet[0] == ["行", "字段", "原因", *HEADERS]
    lines = {(row[0], row[1]): row for row in sheet[1:]}
    assert set(lines) == {(3, "姓名"), (3, "联系电话")}
    line = lines[(3, "联系电话")]
    assert line[2] == "手机号应为 1 开头的 11 位数字"
    cells = dict(zip(HEADERS, line[3:], strict=False))
    assert cells["联系电话"] == "138***3800"
    assert cells["身份证号"].count("*") == 10
