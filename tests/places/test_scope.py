from __future__ import annotations

import pytest

from anxin.core.errors import NotFound
from anxin.people.selectors import resident_get_for_user, resident_qs_for_user, residents_by_phone
from anxin.places.selectors import place_ancestors, place_duty_holders

pytestmark = pytest.mark.django_db


def test_paths_chain_the_codes_from_the_root(world):
    assert world.unit_a1.path == "/440309/440309001/440309001001/440309001001G1/AC/AC1/AC1-101/"
    assert [p.code for p in place_ancestors(world.grid_a)] == [
        "440309001001G1",
        "440309001001",
        "440309001",
        "440309",
    ]


def test_a_grid_worker_sees_only_their_community(world):
    names = set(resident_qs_for_user(world.grid_worker_a).values_list("name", flat=True))
    assert names == {"王建国", "李秀英", "王小宝"}
    assert residents_by_phone(world.grid_worker_a, "13700137000") == []
    with pytest.raises(NotFound):
        resident_get_for_user(world.grid_worker_a, world.li.pk)


def test_a_district_agent_sees_everyone(world):
    assert resident_qs_for_user(world.agent).count() == 4


def test_a_volunteer_reads_no_resident_records(world):
    assert resident_qs_for_user(world.volunteer_a).count() == 0


def test_duties_are_inherited_from_the_nearest_place(world):
    holders = place_duty_holders(world.unit_a1)
    assert holders["grid_worker"] == world.grid_worker_a
    assert holders["family_doctor"] == world.family_doctor_a
    assert place_duty_holders(world.unit_b1) == {}


def test_the_nearest_assignment_wins_in_both_lookups(world):
    from anxin.places.models import PlaceDuty
    from anxin.places.selectors import place_duty_holders_among

    PlaceDuty.objects.create(
        place=world.community_a, user=world.grid_worker_b, duty=PlaceDuty.Duty.GRID_WORKER
    )
    for holders in (
        place_duty_holders(world.unit_a1),
        place_duty_holders_among(place_ancestors(world.unit_a1)),
    ):
        assert holders["grid_worker"] == world.grid_worker_a
        assert holders["family_doctor"] == world.family_doctor_a
