"""Monitoring tests run on a fixed day (10:00 in Shanghai, 2026-11-23), with the named cast's residents
enrolled: 王建国 (78, alone, hypertension: high) with the family doctor of community A, 王小宝 (3 months:
medium) with the grid worker of grid A."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anxin.monitoring.models import Enrolment
from anxin.monitoring.services import enrolment_sync

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def monitored(world) -> dict[str, Enrolment]:
    enrolment_sync(today=TODAY)
    return {e.resident.name: e for e in Enrolment.objects.select_related("resident")}
