from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from anxin.places.models import Place


def place_ancestors(place: Place) -> list[Place]:
    """The place and everything above it, nearest first."""
    codes = place.ancestor_codes()
    # Ordered here from the path, so no ORDER BY in SQL.
    by_code = {p.code: p for p in Place.objects.filter(code__in=codes).order_by()}
    return [by_code[c] for c in reversed(codes) if c in by_code]


def place_within_q(paths: Iterable[str], field: str) -> Q:
    """A filter matching rows whose place (reached by ``field``, e.g. "household__path") is inside any path."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def place_point(place: Place) -> tuple[float, float] | None:
    """The nearest known coordinates: the place's own, else its closest ancestor's."""
    for node in place_ancestors(place):
        if node.lat is not None and node.lon is not None:
            return (node.lat, node.lon)
    return None


def place_codes(kinds: Iterable[str]) -> list[str]:
    return list(Place.objects.filter(kind__in=kinds).order_by("code").values_list("code", flat=True))


def place_get_by_code(code: str) -> Place | None:
    try:
        return Place.objects.get(code=code)  # codes are unique; get() compiles no ORDER BY
    except Place.DoesNotExist:
        return None


def _nearest_holders(rows: Iterable[tuple[int, object]]) -> dict[str, object]:
    """{duty: user} from (distance from the place, PlaceDuty) pairs: the nearest assignment wins."""
    holders: dict[str, tuple[int, object]] = {}
    for distance, row in rows:
        if row.duty not in holders or distance < holders[row.duty][0]:
            holders[row.duty] = (distance, row.user)
    return {duty: user for duty, (_, user) in holders.items()}


def place_duty_holders_among(ancestors: list[Place]) -> dict[str, object]:
    """``place_duty_holders`` for a place whose ``place_ancestors`` are already at hand (nearest first):
    one query by primary key instead of a join on the codes."""
    from anxin.places.models import PlaceDuty

    distance = {place.pk: index for index, place in enumerate(ancestors)}
    rows = PlaceDuty.objects.filter(place_id__in=list(distance)).select_related("user")
    return _nearest_holders((distance[row.place_id], row) for row in rows)


def place_duty_holders(place: Place) -> dict[str, object]:
    """{duty: user} for the family doctor and grid worker covering a place (nearest assignment wins)."""
    from anxin.places.models import PlaceDuty

    codes = place.ancestor_codes()
    distance = {code: len(codes) - 1 - index for index, code in enumerate(codes)}
    rows = PlaceDuty.objects.filter(place__code__in=codes).select_related("user", "place")
    return _nearest_holders((distance[row.place.code], row) for row in rows)
