"""ledger_import: what a file adds, updates, leaves alone and rejects; all or nothing; partial; re-import;
where residents land in the place tree; scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from anxin.core.errors import Forbidden
from anxin.ledger.services import LedgerFileError, ledger_import
from anxin.people.identity import id_check_char
from anxin.people.models import Resident
from anxin.places.models import Place
from tests.factories import make_id_number
from tests.ledger.files import HEADERS, csv_bytes, person, xlsx

pytestmark = pytest.mark.django_db


def run(place, rows, *, headers=HEADERS, by=None, kind="xlsx", **options):
    content = xlsx(rows, headers) if kind == "xlsx" else csv_bytes(rows, headers)
    return ledger_import(name=f"台账.{kind}", content=content, place=place, by=by, **options)


def test_it_adds_residents_with_tags_and_risk(compound_a):
    rows = [
        person(
            "赵大爷",
            (1940, 5, 1),
            room="102",
            人群类别="独居老人",
            慢性病="高血压、糖尿病",
            联系电话="139 0013 9001",
        ),
        person(
            "孙女士",
            (1995, 3, 3),
            male=False,
            room="101",
            人群类别="孕产妇",
            预产期=timezone.localdate() + timedelta(days=60),
        ),
    ]
    report = run(compound_a, rows)

    assert report.as_contract() == {"added": 2, "updated": 0, "rejected": 0, "errors": []}
    zhao = Resident.objects.get(name="赵大爷")
    assert zhao.household.code == "AC1-102"
    assert zhao.phone == "13900139001"
    assert zhao.lives_alone and zhao.chronic_conditions == ["hypertension", "diabetes"]
    assert {"age_80", "lives_alone", "chronic"} <= set(zhao.tags())
    assert zhao.risk_level == "high" and "R-HIGH-80-ALONE" in zhao.risk_rules
    sun = Resident.objects.get(name="孙女士")
    assert sun.sex == "F" and "pregnant" in sun.tags() and sun.risk_level == "medium"


def test_it_creates_buildings_and_households_with_the_demo_code_scheme(compound_a):
    report = run(compound_a, [person("周一", (1980, 1, 1), building="3号楼", room="1203室")])

    resident = Resident.objects.select_related("household__parent").get(name="周一")
    unit, building = resident.household, resident.household.parent
    assert (building.code, building.name, building.kind) == ("ACB03", "3栋", Place.Kind.BUILDING)
    assert (unit.code, unit.name, unit.floor, unit.kind) == ("ACB03-1203", "1203", 12, Place.Kind.UNIT)
    assert unit.path == f"{compound_a.path}ACB03/ACB03-1203/"
    assert report.places_added == 2
    # The same household written another way is found, not created again.
    report = run(compound_a, [person("周二", (1982, 1, 1), building="3", room="12-03")])
    assert report.places_added == 0
    assert Resident.objects.get(name="周二").household_id == unit.pk


def test_a_bad_row_writes_nothing(compound_a):
    before = (Resident.objects.count(), Place.objects.count())
    rows = [person("周一", (1980, 1, 1), building="9栋"), person("", (1981, 1, 1))]
    report = run(compound_a, rows)

    assert report.as_contract() == {
        "added": 0,
        "updated": 0,
        "rejected": 1,
        "errors": [{"row": 3, "field": "name", "reason": "不能为空"}],
    }
    assert not report.written
    assert (Resident.objects.count(), Place.objects.count()) == before


def test_partial_writes_the_good_rows(compound_a):
    rows = [person("周一", (1980, 1, 1)), person("周二", (1981, 1, 1), 联系电话="12345")]
    report = run(compound_a, rows, partial=True)

    assert report.written
    assert report.as_contract()["added"] == 1 and report.rejected == 1
    assert Resident.objects.filter(name="周一").exists()
    assert not Resident.objects.filter(name="周二").exists()


def test_a_dry_run_counts_and_writes_nothing(compound_a):
    before = (Resident.objects.count(), Place.objects.count())
    report = run(compound_a, [person("周一", (1980, 1, 1), building="8栋")], dry_run=True)

    assert report.as_contract()["added"] == 1 and report.places_added == 2
    assert report.samples["added"][0]["name"] == "周一"
    assert "*" in report.samples["added"][0]["id_number"]
    assert (Resident.objects.count(), Place.objects.count()) == before


def test_re_import_is_idempotent_and_counts_only_real_changes(world, compound_a):
    rows = [person("周一", (1980, 1, 1), 联系电话="13900000001"), person("周二", (1981, 1, 1))]
    assert run(compound_a, rows).as_contract()["added"] == 2

    again = run(compound_a, rows)
    assert again.as_contract() == {"added": 0, "updated": 0, "rejected": 0, "errors": []}
    assert again.unchanged == 2

    rows[0][HEADERS.index("联系电话")] = "13900000009"
    changed = run(compound_a, rows)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 1)
    assert changed.samples["updated"][0]["fields"] == ["phone"]
    assert Resident.objects.get(name="周一").phone == "13900000009"


def test_it_updates_a_resident_on_file_and_moves_them(world, compound_a):
    row = person("王建国", (1948, 3, 2), room="102", 慢性病="")
    row[HEADERS.index("身份证号")] = world.wang.id_number
    report = run(compound_a, [row])

    assert (report.added, report.updated) == (0, 1)
    wang = Resident.objects.get(pk=world.wang.pk)
    assert wang.household.code == "AC1-102"
    assert wang.chronic_conditions == []  # the 慢性病 column is the truth for its field
    assert wang.lives_alone  # no 独居 column: left alone
    assert wang.risk_level == "medium"


def test_the_group_column_only_adds(world, compound_a):
    row = person("王建国", (1948, 3, 2), 人群类别="透析")
    row[HEADERS.index("身份证号")] = world.wang.id_number
    run(compound_a, [row], headers=HEADERS)
    wang = Resident.objects.get(pk=world.wang.pk)
    assert wang.on_dialysis and wang.lives_alone


def test_every_bad_field_of_every_row_is_reported(compound_a):
    today = timezone.localdate()
    good_id = make_id_number(date(1980, 1, 1))
    bad_check = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    future = f"440309{today + timedelta(days=3):%Y%m%d}011"
    future += id_check_char(future)
    impossible = "44030920230230011"
    impossible += id_check_char(impossible)
    rows = [
        person("甲", (1980, 1, 1), 身份证号=bad_check),
        person("乙", (1980, 1, 1), 身份证号=impossible),
        person("丙", (1980, 1, 1), 身份证号=future),
        person("丁", (1980, 1, 1), 联系电话="0755-1234"),
        person("戊\x01", (1980, 1, 1)),
        person("己" * 60, (1980, 1, 1), 人群类别="外星人"),
        person("庚", (1980, 1, 1), male=True, 预产期="2023-02-30"),
        person("辛", (1980, 1, 1), 身份证号=good_id),
        person("壬", (1980, 1, 1), 身份证号=good_id),
        person("癸", (1980, 1, 1), 身份证号="4403**********1234"),
        person("子", (1980, 1, 1), 人群类别="孕产妇", male=False),
    ]
    report = run(compound_a, rows, kind="csv")  # openpyxl cannot write a control character

    found = {(e.row, e.field): e.reason for e in report.errors}
    assert found[(2, "id_number")].startswith("身份证号校验位错误")
    assert found[(3, "id_number")] == "身份证号中的出生日期不存在"
    assert found[(4, "id_number")] == "身份证号中的出生日期不合理"
    assert found[(5, "phone")] == "手机号应为 1 开头的 11 位数字"
    assert found[(6, "name")] == "含有二进制或控制字符"
    assert found[(7, "name")].startswith("过长")
    assert found[(7, "groups")] == "未知的人群类别“外星人”"
    assert found[(8, "pregnant_due_date")] == "日期不存在：2023-02-30"
    assert found[(10, "id_number")] == "身份证号与第 9 行重复"
    assert "脱敏" in found[(11, "id_number")]
    assert found[(12, "groups")] == "人群类别为孕产妇时须填写预产期"
    assert report.rejected == 10 and report.rows_read == 11
    assert report.as_contract()["added"] == 0  # not written: nothing added


def test_a_masked_id_number_is_kept_masked_in_the_report(compound_a):
    row = person("甲", (1980, 1, 1), 联系电话="12345678901")
    report = run(compound_a, [row])
    cells = report.rejected_rows[2]
    assert cells[HEADERS.index("身份证号")].count("*") == 10
    assert cells[HEADERS.index("联系电话")] == "123****8901"


def test_a_missing_required_column_is_a_file_error(compound_a):
    with pytest.raises(LedgerFileError) as caught:
        run(compound_a, [["周一", "1栋"]], headers=["姓名", "楼栋"])
    assert caught.value.reason == "缺少必需的列：门牌、身份证号"


def test_a_grid_import_needs_the_compound_column_and_finds_compounds_by_name(world):
    with pytest.raises(LedgerFileError) as caught:
        run(world.grid_a, [person("周一", (1980, 1, 1))])
    assert "小区" in caught.value.reason

    headers = ["小区", *HEADERS]
    rows = [["A 花园", *person("周一", (1980, 1, 1))], ["C花园", *person("周二", (1980, 1, 1))]]
    report = run(world.grid_a, rows, headers=headers, partial=True)
    assert report.added == 1
    assert [(e.row, e.field) for e in report.errors] == [(3, "compound")]
    assert Resident.objects.get(name="周一").household.code == "AC1-101"


def test_a_compound_import_refuses_rows_of_another_compound(compound_a):
    headers = ["小区", *HEADERS]
    report = run(compound_a, [["B花园", *person("周一", (1980, 1, 1))]], headers=headers)
    assert report.errors[0].field == "compound"


def test_only_compounds_grids_and_communities_take_an_import(world):
    building = Place.objects.get(code="AC1")
    with pytest.raises(Exception) as caught:
        run(building, [person("周一", (1980, 1, 1))])
    assert caught.value.field == "place"


# --- scope ---


def test_a_grid_worker_cannot_import_into_another_community(world, compound_a):
    with pytest.raises(Forbidden):
        run(compound_a, [person("周一", (1980, 1, 1))], by=world.grid_worker_b)
    assert not Resident.objects.filter(name="周一").exists()


def test_a_volunteer_cannot_import(world, compound_a):
    with pytest.raises(Forbidden):
        run(compound_a, [person("周一", (1980, 1, 1))], by=world.volunteer_a)


def test_an_id_number_of_someone_outside_the_scope_is_refused_without_saying_who(world, compound_a):
    row = person("化名", (1985, 1, 20))
    row[HEADERS.index("身份证号")] = world.li.id_number
    report = run(compound_a, [row], by=world.grid_worker_a)

    assert report.rejected == 1
    reason = report.errors[0].reason
    assert reason == "该身份证号不能在此导入：请联系上级核实"
    assert "李四" not in reason and "B" not in reason
    li = Resident.objects.get(pk=world.li.pk)
    assert (li.name, li.household_id) == ("李四", world.unit_b1.pk)


def test_the_system_operator_may_move_anyone(world, compound_a):
    row = person("李四", (1985, 1, 20))
    row[HEADERS.index("身份证号")] = world.li.id_number
    report = run(compound_a, [row])
    assert report.updated == 1
    assert Resident.objects.get(pk=world.li.pk).household.code == "AC1-101"


def test_a_resident_registered_during_the_import_makes_it_write_nothing(world, compound_a, monkeypatch):
    from anxin.core.errors import Conflict
    from anxin.ledger import services

    rows = [person("周一", (1980, 1, 1), building="7栋"), person("周二", (1981, 1, 1))]
    registered = rows[1][HEADERS.index("身份证号")]
    real_write = services._write

    def someone_else_first(plan, locator):
        Resident.objects.create(
            name="别处登记",
            id_number=registered,
            birth_date=date(1981, 1, 1),
            sex="M",
            household=world.unit_b1,
        )
        return real_write(plan, locator)

    monkeypatch.setattr(services, "_write", someone_else_first)
    with pytest.raises(Conflict):
        run(compound_a, rows)
    assert not Resident.objects.filter(name__in=["周一", "周二"]).exists()
    assert not Place.objects.filter(code="ACB07").exists()


def test_a_repeated_id_number_is_reported_even_if_its_first_row_is_bad(compound_a):
    first = person("甲", (1980, 1, 1), 联系电话="12")
    second = person("乙", (1980, 1, 1))
    second[HEADERS.index("身份证号")] = first[HEADERS.index("身份证号")].lower()
    report = run(compound_a, [first, second], partial=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "phone"), (3, "id_number")]
    assert report.errors[1].reason == "身份证号与第 2 行重复"
    assert not report.written
