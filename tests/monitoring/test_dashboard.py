"""A grid's or community's dashboard: coverage today, the overdue list, counts, the abnormal-reading trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from anxin.core.errors import NotFound
from anxin.monitoring.models import Enrolment
from anxin.monitoring.selectors import dashboard_for, dashboard_places
from anxin.monitoring.services import check_record, enrolment_sync
from tests.factories import make_resident
from tests.monitoring.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day(world, monitored):
    """Community A today: 王建国 checked (normal), 王小宝 due, 赵大爷 two days overdue; abnormal readings on
    two days of the last fortnight."""
    zhao = make_resident("赵大爷", world.unit_a2, birth=date(1938, 4, 4), lives_alone=True)
    enrolment_sync(today=TODAY)
    Enrolment.objects.filter(resident=zhao).update(next_due_on=TODAY - timedelta(days=2))
    doctor = world.family_doctor_a
    check_record(by=doctor, resident=world.wang, spo2=92, now=NOW - timedelta(days=3))  # abnormal
    check_record(by=doctor, resident=world.wang, spo2=88, now=NOW - timedelta(days=1))  # critical
    check_record(by=doctor, resident=world.wang, temperature_c=38.9, now=NOW - timedelta(days=1))  # abnormal
    check_record(by=doctor, resident=world.wang, spo2=97, now=NOW)
    return zhao


def test_it_counts_coverage_overdue_risk_tags_and_the_trend(world, busy_day):
    board = dashboard_for(world.family_doctor_a, world.community_a, today=TODAY)
    assert (board.checked, board.due, board.coverage) == (1, 3, 33)
    assert board.enrolled == 3 and board.unassigned == 0
    assert board.overdue_total == 1 and [e.resident.name for e in board.overdue] == ["赵大爷"]
    assert dict(board.by_risk) == {"high": 2, "medium": 1, "low": 1}  # every resident of community A
    tags = dict(board.by_tag)
    assert tags["lives_alone"] == 2 and tags["child_under_3"] == 1
    assert dict(board.by_plan) == {"M-HIGH-DAILY": 2, "M-MEDIUM-3DAY": 1}
    trend = {day.day: (day.abnormal, day.critical) for day in board.trend}
    assert len(trend) == 14 and min(trend) == TODAY - timedelta(days=13) and max(trend) == TODAY
    assert trend[TODAY - timedelta(days=3)] == (1, 0)
    assert trend[TODAY - timedelta(days=1)] == (1, 1)
    assert trend[TODAY] == (0, 0)
    assert len(board.alerts) == 3 and all(a.case for a in board.alerts)
    rows = {row.worker: (row.checked, row.due) for row in board.workers}
    assert rows[world.family_doctor_a] == (1, 2) and rows[world.grid_worker_a] == (0, 1)


def test_a_grid_counts_only_its_own_households(world, busy_day):
    with pytest.raises(NotFound):  # the doctor does not cover grid B
        dashboard_for(world.family_doctor_a, world.grid_b, today=TODAY)
    board = dashboard_for(world.command, world.community_b, today=TODAY)
    assert (board.enrolled, board.due, dict(board.by_risk)["low"]) == (0, 0, 1)


def test_the_places_to_pick_are_those_the_user_covers(world):
    assert [p.code for p in dashboard_places(world.grid_worker_a)] == ["440309001001", "440309001001G1"]
    assert world.community_b in dashboard_places(world.command)
    assert dashboard_places(world.agent) == []


def test_the_page_shows_the_board(client, world, busy_day):
    client.force_login(world.family_doctor_a)
    page = client.get(reverse("monitoring:dashboard"), {"place": world.community_a.code}).content.decode()
    assert "1 / 3" in page and "赵大爷" in page and "<svg" in page
    assert "松元厦社区 健康监测" in page


@pytest.mark.parametrize(
    ("who", "place", "status"), [("grid_worker_b", "440309001001", 404), ("agent", "", 403)]
)
def test_the_page_is_scoped(client, world, monitored, who, place, status):
    client.force_login(getattr(world, who))
    assert client.get(reverse("monitoring:dashboard"), {"place": place}).status_code == status


def test_the_alert_page_links_the_reading_and_the_case_and_the_case_links_back(client, world, monitored):
    result = check_record(by=world.family_doctor_a, resident=world.wang, spo2=88)
    client.force_login(world.family_doctor_a)
    alert_page = client.get(reverse("monitoring:alert", args=[result.alert.pk])).content.decode()
    assert reverse("hotline:case", args=[result.case.pk]) in alert_page and "88%" in alert_page
    client.force_login(world.clinician)
    case_page = client.get(reverse("hotline:case", args=[result.case.pk])).content.decode()
    assert "来自健康监测" in case_page
    assert reverse("monitoring:alert", args=[result.alert.pk]) in case_page
    client.force_login(world.grid_worker_b)
    assert client.get(reverse("monitoring:alert", args=[result.alert.pk])).status_code == 404


def test_a_dashboard_is_per_community_or_grid(client, world, monitored):
    from anxin.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        dashboard_for(world.command, world.district, today=TODAY)
    client.force_login(world.command)
    assert client.get(reverse("monitoring:dashboard"), {"place": world.district.code}).status_code == 422
    page = client.get(reverse("monitoring:dashboard")).content.decode()  # the first community by default
    assert "松元厦社区 健康监测" in page
