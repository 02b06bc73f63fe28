from __future__ import annotations

import pytest

from anxin.places.models import Place


@pytest.fixture
def compound_a(world) -> Place:
    """A花园 in community A (grid A): building 1栋 with households 101 (王建国, 李秀英) and 102 (王小宝)."""
    return Place.objects.get(code="AC")


@pytest.fixture
def compound_b(world) -> Place:
    return Place.objects.get(code="BC")
