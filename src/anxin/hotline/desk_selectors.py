"""Small reads the desk pages need beside hotline.selectors: choices for the intake and transfer forms."""

from __future__ import annotations

from anxin.accounts.models import User
from anxin.hotline.models import Case, Line
from anxin.places.models import TEAM_PLACE_KINDS, Place
from anxin.places.selectors import place_ancestors


def line_get_by_code(code: str) -> Line | None:
    return Line.objects.filter(code=code).first()


def lines_for_intake(user: User) -> list[Line]:
    """Every line, the user's own lines first (the first one is the form's default)."""
    own = set(Line.objects.filter(members=user).values_list("pk", flat=True))
    return sorted(Line.objects.all(), key=lambda line: (line.pk not in own, line.code))


def transfer_lines() -> list[Line]:
    return list(Line.objects.all())


def transfer_places(case: Case) -> list[Place]:
    """Streets, communities and grids in the case's district, in tree order."""
    ancestors = place_ancestors(case.place)
    district = next((p for p in ancestors if p.kind == Place.Kind.DISTRICT), ancestors[-1])
    return list(Place.objects.filter(path__startswith=district.path, kind__in=TEAM_PLACE_KINDS))
