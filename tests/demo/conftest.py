from __future__ import annotations

import io

import pytest
from django.core.management import call_command

# Small enough to load in a couple of seconds; the locked compound is always full size.
TEST_SCALE = 0.02


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", scale=TEST_SCALE, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    """The demo district loaded at test scale; the value is what the command printed."""
    return load()
