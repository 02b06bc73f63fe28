from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from anxin.facilities.models import FEVER_SERVICES, Facility, FacilityService
from anxin.facilities.selectors import facilities_nearest
from anxin.places.models import Place

pytestmark = pytest.mark.django_db


def at_local(hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, 23, hour, 0))


def test_it_lists_the_nearest_open_fever_service_first(world):
    found = facilities_nearest(place=world.unit_a1, services=FEVER_SERVICES, at=at_local(10))
    assert [n.facility.code for n in found] == ["C1", "H1"]
    assert found[0].distance_km < found[1].distance_km


def test_it_leaves_out_closed_facilities_at_night(world):
    found = facilities_nearest(place=world.unit_a1, services=FEVER_SERVICES, at=at_local(23))
    assert [n.facility.code for n in found] == ["H1"]


def test_without_coordinates_the_facility_serving_the_grid_comes_first(world):
    other = Facility.objects.create(
        code="A0",
        name="别的社康",
        tier=Facility.Tier.COMMUNITY_CENTRE,
        place=world.community_b,
        opening_hours={"always": True},
    )
    FacilityService.objects.create(facility=other, service=FacilityService.Service.FEVER_ROOM)
    Place.objects.update(lat=None, lon=None)
    world.unit_a1.refresh_from_db()
    found = facilities_nearest(place=world.unit_a1, services=FEVER_SERVICES, at=at_local(10))
    assert [n.facility.code for n in found] == ["C1", "A0", "H1"]
    assert found[0].distance_km is None
