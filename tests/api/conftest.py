from __future__ import annotations

import pytest

from anxin.hotline.models import Case
from tests.api.helpers import Api
from tests.factories import open_case


@pytest.fixture
def api(client, token_for) -> Api:
    return Api(client, token_for)


@pytest.fixture
def case_a(world) -> Case:
    """An open P3 case about 王建国 in community A, owned by the agent."""
    return open_case(world)
