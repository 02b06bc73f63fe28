"""Numbers as callers say them, and the readings the engine takes from them."""

import pytest

from anxin.triage.engine import TriageInput, gather_facts
from anxin.triage.numbers import parse_number
from anxin.triage.ruleset import default_ruleset


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("38", 38), ("38.5", 38.5), ("三十八", 38), ("三十八点五", 38.5), ("三八", 38), ("九五", 95), ("十", 10),
        ("十五", 15), ("一百", 100), ("一百五", 150), ("两百二", 220), ("一百零五", 105), ("一百一十", 110), ("九十八", 98), ("两三", 3), ("三四", 4), ("七八十", 80), ("38点5", 38.5),
    ],
)  # fmt: skip
def test_it_reads_spoken_numbers(token, value):
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["", "三四十五", "点", "十a"])
def test_it_refuses_what_is_not_a_number(token):
    assert parse_number(token) is None


def _facts(text, **fields):
    return gather_facts(TriageInput(text, **fields), default_ruleset()).facts


def _max(readings):
    return max(r.value for r in readings)


@pytest.mark.parametrize(
    ("text", "temperature"),
    [
        ("烧到三十八度六", 38.6), ("38度6", 38.6), ("体温38.5", 38.5), ("三八度五", 38.5), ("烧到39多", 39.5),
        ("３８．５℃", 38.5), ("發燒三十九度", 39.0), ("量了一下39.2°C", 39.2), ("高烧", 39.0), ("有点低烧", 37.8),
    ],
)  # fmt: skip
def test_it_reads_temperatures(text, temperature):
    assert _max(_facts(text).temperature) == pytest.approx(temperature)


@pytest.mark.parametrize(
    ("text", "spo2"),
    [
        ("血氧八十八", 88),
        ("血氧仪显示92%", 92),
        ("血氧饱和度：95", 95),
        ("血氧九十多", 95),
        ("血痒只有90", 90),
        ("SpO2 91", 91),
    ],
)
def test_it_reads_oxygen_saturation(text, spo2):
    assert min(r.value for r in _facts(text).spo2) == spo2


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("三个月大的宝宝", 0.25), ("宝宝两个月", 2 / 12), ("孩子5个月了", 5 / 12), ("七十多岁", 75), ("八十好几了", 85),
        ("我妈82岁", 82), ("一岁半的孩子", 1.5), ("出生才20天", 20 / 365), ("宝宝两个半月", 2.5 / 12),
    ],
)  # fmt: skip
def test_it_reads_ages(text, age):
    assert _facts(text).age[0].value == pytest.approx(age, abs=0.01)


@pytest.mark.parametrize(("text", "weeks"), [("孕36周", 36), ("怀孕七个月", 30.1), ("怀孕三十二周了", 32)])
def test_it_reads_pregnancy_weeks(text, weeks):
    assert _facts(text).pregnancy_weeks[0].value == pytest.approx(weeks)


@pytest.mark.parametrize(
    ("text", "days"),
    [("烧了四天", 4), ("发烧5天了", 5), ("三四天一直发烧", 4), ("高烧一个星期", 7), ("烧了好几天", 4)],
)
def test_it_reads_days_of_fever(text, days):
    assert _max(_facts(text).fever_days) == days


def test_it_does_not_take_a_count_of_days_for_a_temperature():
    facts = _facts("烧了三天")
    assert all(r.value >= 37 for r in facts.temperature)


def test_it_keeps_the_offsets_of_the_original_text():
    text = "寶寶發燒３８．６度"
    reading = _facts(text).temperature[0]
    assert text[reading.evidence.start : reading.evidence.end] == reading.evidence.quote


def test_a_field_becomes_a_reading_beside_the_text():
    facts = _facts("血氧97 还好", spo2=90)
    assert sorted(r.value for r in facts.spo2) == [90, 97]
    assert {r.evidence.source for r in facts.spo2} == {"text", "field"}
