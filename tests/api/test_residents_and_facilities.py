"""Residents lookup (the screen pop over JSON) and the facility finder."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "１３８００１３８０００"]
)
def test_it_finds_a_resident_by_phone_however_it_is_typed(api, world, typed):
    response = api.get(world.agent, "/api/residents", {"phone": typed})
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["id"] == world.wang.pk
    assert row["name"] == "王建国"
    assert row["household"] == {"code": world.unit_a1.code, "name": world.unit_a1.name}
    assert "lives_alone" in row["tags"]


def test_it_answers_an_empty_list_for_an_unknown_number(api, world):
    response = api.get(world.agent, "/api/residents", {"phone": "13512345678"})
    assert response.status_code == 200
    assert response.json() == []


def test_it_shows_a_resident_with_the_household(api, world):
    response = api.get(world.family_doctor_a, f"/api/residents/{world.wang.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["sex"] == "M" and body["birth_date"] == "1948-03-02"
    assert body["age"] >= 76
    assert [m["name"] for m in body["household_members"]] == ["李秀英"]


def test_it_answers_404_for_a_resident_that_does_not_exist(api, world):
    response = api.get(world.agent, "/api/residents/424242")
    assert response.status_code == 404
    assert response.json()["detail"][0]["field"] == "resident_id"


@time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_lists_open_fever_clinics_and_rooms_nearest_first(api, world):
    response = api.get(
        world.agent, "/api/facilities", {"service": "fever_clinic", "place": world.unit_a1.code}
    )
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["code"] for r in rows] == ["C1", "H1"]
    assert rows[0]["services"] == ["fever_room"]
    assert rows[0]["open_now"] is True
    assert 0 < rows[0]["distance_km"] < rows[1]["distance_km"]


@time_machine.travel(datetime(2025, 3, 3, 23, 30, tzinfo=SHANGHAI), tick=False)
def test_at_night_it_lists_only_what_is_open_unless_asked(api, world):
    params = {"service": "fever_clinic", "place": world.unit_a1.code}
    assert [r["code"] for r in api.get(world.agent, "/api/facilities", params).json()] == ["H1"]
    rows = api.get(world.agent, "/api/facilities", params | {"open_now": "false"}).json()
    assert {r["code"]: r["open_now"] for r in rows} == {"C1": False, "H1": True}


def test_it_searches_without_a_place(api, world):
    params = {"service": "fever_room", "open_now": "false"}
    response = api.get(world.volunteer_a, "/api/facilities", params)
    assert response.status_code == 200
    # A fever room and a fever clinic do the same job for a caller; without a place, by code.
    assert [r["code"] for r in response.json()] == ["C1", "H1"]
    assert api.get(world.volunteer_a, "/api/facilities", params | {"service": "dialysis"}).json() == []


def test_it_shows_one_facility(api, world):
    response = api.get(world.grid_worker_b, "/api/facilities/H1")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "龙华区人民医院"
    assert body["tier"] == "district_hospital"
    assert body["hours"] == "24小时"
    assert body["services"] == ["fever_clinic"]
