"""The column mapping and the value tables: pure, no database."""

from __future__ import annotations

import pytest

from anxin.core.errors import InvalidInput
from anxin.ledger import values
from anxin.ledger.addresses import building_key, parse_room
from anxin.ledger.columns import FIELD_LABELS, check_mapping, column_rules, header_key, propose_mapping
from anxin.ledger.records import RESIDENT_FIELDS


def test_the_rule_file_and_the_labels_name_the_same_fields():
    assert set(column_rules().fields) == set(FIELD_LABELS)
    assert set(RESIDENT_FIELDS) <= set(FIELD_LABELS)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", "name"),
        ("*姓名", "name"),
        (" 公民身份号码 ", "id_number"),
        ("身份证号码", "id_number"),
        ("手机号", "phone"),
        ("联系电话（手机）", "phone"),
        ("楼号", "building"),
        ("房号", "room"),
        ("户号", "room"),
        ("重点人群类别", "groups"),
        ("失能/行动不便", "disabled"),
        ("预产期(年月日)", "pregnant_due_date"),
        ("ＩＤ", None),
        ("id_number", "id_number"),
        ("备注", None),
    ],
)
def test_it_recognises_the_headers_people_type(header, field):
    assert propose_mapping([header]) == [field]


def test_a_field_named_twice_goes_to_the_first_column():
    assert propose_mapping(["电话", "手机号"]) == ["phone", None]


def test_it_lists_what_is_missing_ignored_and_computed():
    headers = ["序号", "姓名", "身份证号", "楼栋", "备注", "风险等级"]
    check = check_mapping(headers, propose_mapping(headers), needs_compound=True)
    assert check.missing == ("compound", "room")
    assert check.ignored == ("备注",)
    assert check.computed == ("序号", "风险等级")


def test_a_mapping_may_not_name_a_field_twice_or_an_unknown_one():
    with pytest.raises(InvalidInput, match="不止一列"):
        check_mapping(["a", "b"], ["name", "name"], needs_compound=False)
    with pytest.raises(InvalidInput, match="未知的字段"):
        check_mapping(["a"], ["shoe_size"], needs_compound=False)


def test_header_keys_ignore_width_spaces_and_notes():
    assert header_key("＊ 身份证号 （18位）") == header_key("身份证号")


# --- values ---


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("√", True),
        ("Y", True),
        ("否", False),
        ("", False),
        (None, False),
        (True, True),
        (0, False),
    ],
)
def test_yes_and_no(cell, expected):
    assert values.parse_bool(cell, field="lives_alone") is expected


def test_an_unknown_yes_no_word_names_the_field():
    with pytest.raises(InvalidInput) as caught:
        values.parse_bool("也许", field="lives_alone")
    assert caught.value.field == "lives_alone" and "也许" in caught.value.reason


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023-01-15", (2023, 1, 15)),
        ("2023/1/5", (2023, 1, 5)),
        ("2023年1月15日", (2023, 1, 15)),
        (20230115, (2023, 1, 15)),
    ],
)
def test_dates_as_people_type_them(cell, expected):
    from datetime import date

    assert values.parse_date(cell, field="discharged_on") == date(*expected)


@pytest.mark.parametrize("cell", ["2023-02-30", "2023-13-01", "明天", "15/01/2023"])
def test_impossible_or_unreadable_dates(cell):
    with pytest.raises(InvalidInput):
        values.parse_date(cell, field="discharged_on")


def test_conditions_and_groups():
    assert values.parse_conditions("糖尿病、高血压 冠心病") == ["hypertension", "diabetes", "heart_disease"]
    groups = values.parse_groups("独居老人，透析；低保户 高血压 居家隔离")
    assert groups.flags == {"lives_alone", "on_dialysis"}
    assert groups.conditions == ["hypertension"]
    assert groups.manual == ["low_income"]
    assert groups.quarantine == "quarantine_home"
    assert values.parse_groups("孕产妇").requires == {"pregnant_due_date"}
    assert values.parse_groups("80岁以上老人").flags == set()


def test_an_unknown_group_word_is_an_error_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        values.parse_groups("独居老人、VIP")
    assert (caught.value.field, caught.value.reason) == ("groups", "未知的人群类别“VIP”")


def test_an_id_number_excel_turned_into_a_number_is_explained():
    with pytest.raises(InvalidInput, match="存成了数字"):
        values.id_number_text(4.40524188001e17)


@pytest.mark.parametrize(
    ("label", "key"), [("3栋", "3"), ("03号楼", "3"), ("3", "3"), ("3幢", "3"), ("Ａ座", "A座")]
)
def test_building_labels(label, key):
    assert building_key(label) == key


@pytest.mark.parametrize(
    ("room", "entrance", "key"),
    [
        ("1203", "", "|12-3"),
        ("1203室", "", "|12-3"),
        ("12-03", "", "|12-3"),
        ("1203", "2单元", "2|12-3"),
        ("2单元1203", "", "2|12-3"),
        ("1楼", "", "|1楼"),
    ],
)
def test_room_labels(room, entrance, key):
    assert parse_room(room, entrance).key == key
