from __future__ import annotations

from datetime import datetime

import pytest

from anxin.facilities.geo import distance_km
from anxin.facilities.hours import describe_hours, is_open

DAYTIME = {"periods": [{"days": [1, 2, 3, 4, 5], "open": "08:00", "close": "17:30"}]}
NIGHT = {"periods": [{"days": [5], "open": "20:00", "close": "02:00"}]}


@pytest.mark.parametrize(
    ("hours", "at", "expected"),
    [
        ({"always": True}, datetime(2026, 11, 22, 3, 0), True),
        ({}, datetime(2026, 11, 22, 12, 0), False),
        (None, datetime(2026, 11, 22, 12, 0), False),
        (DAYTIME, datetime(2026, 11, 23, 8, 0), True),  # Monday opening
        (DAYTIME, datetime(2026, 11, 23, 17, 30), False),  # closes at 17:30
        (DAYTIME, datetime(2026, 11, 22, 10, 0), False),  # Sunday
        (NIGHT, datetime(2026, 11, 27, 23, 0), True),  # Friday night
        (NIGHT, datetime(2026, 11, 28, 1, 0), True),  # past midnight into Saturday
        (NIGHT, datetime(2026, 11, 28, 3, 0), False),
        (NIGHT, datetime(2026, 11, 26, 23, 0), False),  # Thursday
    ],
)
def test_it_knows_when_a_facility_is_open(hours, at, expected):
    assert is_open(hours, at) is expected


def test_it_describes_hours_in_chinese():
    assert describe_hours({"always": True}) == "24小时"
    assert describe_hours(DAYTIME) == "周一、二、三、四、五 08:00-17:30"
    assert describe_hours({}) == "未登记"


def test_distance_is_great_circle():
    # Shenzhen Longhua to Futian, about 13 km
    assert 10 < distance_km((22.656, 114.044), (22.541, 114.055)) < 15
    assert distance_km((22.6, 114.0), (22.6, 114.0)) == 0
