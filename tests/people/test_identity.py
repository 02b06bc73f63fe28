from __future__ import annotations

from datetime import date

import pytest

from anxin.core.errors import InvalidInput
from anxin.people.identity import age_on, id_check_char, normalise_phone, parse_id_number


@pytest.mark.parametrize(
    ("raw", "birth", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), "F"),
        ("440524188001010014", date(1880, 1, 1), "M"),
        ("11010519491231002x", date(1949, 12, 31), "F"),
        ("１１０１０５１９４９１２３１００２Ｘ", date(1949, 12, 31), "F"),
        (" 110105 19491231 002X ", date(1949, 12, 31), "F"),
    ],
)
def test_it_derives_birth_date_and_sex(raw, birth, sex):
    info = parse_id_number(raw, today=date(2026, 11, 22))
    assert (info.birth_date, info.sex) == (birth, sex)
    assert info.number == info.number.upper()


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("", "不能为空"),
        ("110105491231002", "18 位"),
        ("11010519491231002Y", "17 位数字"),
        ("110105194912310021", "校验位"),
        ("110105194902300020", "出生日期不存在"),
        ("110105209912310020", "不合理"),
    ],
)
def test_it_rejects_bad_id_numbers_with_a_reason(raw, reason_part):
    with pytest.raises(InvalidInput) as caught:
        parse_id_number(raw, today=date(2026, 11, 22))
    assert reason_part in caught.value.reason
    assert caught.value.field == "id_number"


def test_check_char_follows_gb11643():
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_it_normalises_mobile_numbers(raw, phone):
    assert normalise_phone(raw) == phone


@pytest.mark.parametrize("raw", ["", "1380013800", "23800138000", "12800138000", "138001380001", "abc"])
def test_it_rejects_bad_mobile_numbers(raw):
    with pytest.raises(InvalidInput) as caught:
        normalise_phone(raw)
    assert caught.value.field == "phone"


def test_age_counts_whole_years():
    assert age_on(date(1948, 3, 2), date(2026, 3, 1)) == 77
    assert age_on(date(1948, 3, 2), date(2026, 3, 2)) == 78
