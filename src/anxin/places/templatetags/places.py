"""Place display for templates."""

from __future__ import annotations

from django import template

from anxin.places.models import Place
from anxin.places.selectors import place_ancestors

register = template.Library()


@register.filter
def place_trail(place: Place | None) -> str:
    """Where a place is, below the district: "观湖街道 / 松元厦社区 / 松元厦第一网格 / A花园 / 1栋 / 101"."""
    if place is None:
        return ""
    names = [p.name for p in reversed(place_ancestors(place)) if p.kind != Place.Kind.DISTRICT]
    return " / ".join(names) or place.name
