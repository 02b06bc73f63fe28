from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from anxin.facilities.geo import distance_km
from anxin.facilities.hours import is_open
from anxin.facilities.models import Facility
from anxin.places.models import Place
from anxin.places.selectors import place_point


@dataclass(frozen=True)
class NearbyFacility:
    facility: Facility
    distance_km: float | None
    open_now: bool


def facility_qs(*, services: tuple[str, ...] = ()) -> QuerySet[Facility]:
    qs = Facility.objects.all()
    if services:
        qs = qs.filter(services__service__in=services).distinct()
    return qs.prefetch_related("services")


def _serving_facility_ids(place: Place) -> set[int]:
    """Facilities linked to the place or to any place above it (a household's grid, its community)."""
    return set(
        Facility.grids.through.objects.filter(place__code__in=place.ancestor_codes()).values_list(
            "facility_id", flat=True
        )
    )


def facilities_nearest(
    *,
    place: Place | None,
    services: tuple[str, ...],
    at: datetime | None = None,
    open_only: bool = True,
    limit: int = 5,
) -> list[NearbyFacility]:
    """Facilities offering any of ``services``, nearest to the place first; open ones only by default.

    Without coordinates for the place, facilities serving its grid come first, then the rest by name.
    """
    at = timezone.localtime(at or timezone.now())
    origin = place_point(place) if place else None
    serving = _serving_facility_ids(place) if place else set()
    found = []
    for facility in facility_qs(services=services):
        open_now = is_open(facility.opening_hours, at)
        if open_only and not open_now:
            continue
        distance = None
        if origin and facility.lat is not None and facility.lon is not None:
            distance = distance_km(origin, (facility.lat, facility.lon))
        found.append(NearbyFacility(facility, distance, open_now))
    found.sort(
        key=lambda n: (
            n.distance_km is None,
            n.distance_km or 0.0,
            n.facility.pk not in serving,
            n.facility.code,
        )
    )
    return found[:limit]
