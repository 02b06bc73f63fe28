"""A worker's list for today: what is on it, in which order, for whom; and the page that records a check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxin.core.errors import Forbidden
from anxin.monitoring.models import Check, Enrolment
from anxin.monitoring.selectors import worklist_for
from anxin.monitoring.services import check_record, enrolment_sync
from anxin.people.models import Resident
from tests.factories import make_resident
from tests.monitoring.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def names(user, **kwargs) -> list[str]:
    return [item.resident.name for item in worklist_for(user, today=TODAY, **kwargs).items]


def enrol(world, name: str, *, risk: str, due: date, minute: int = 540, household=None) -> Enrolment:
    """A resident on the family doctor's list with the given risk and due date."""
    facts = (
        {"lives_alone": True, "birth": date(1940, 1, 1)} if risk == "high" else {"birth": date(1944, 1, 1)}
    )
    resident = make_resident(name, household or world.unit_a2, **facts)
    enrolment_sync(residents=Resident.objects.filter(pk=resident.pk), today=TODAY)
    enrolment = Enrolment.objects.get(resident=resident)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        worker=world.family_doctor_a, next_due_on=due, due_minute=minute
    )
    return enrolment


def test_it_lists_high_risk_first_then_the_longest_overdue_then_the_earliest_due_time(world, monitored):
    enrol(world, "中风险逾期五天", risk="medium", due=TODAY - timedelta(days=5))
    enrol(world, "中风险今天", risk="medium", due=TODAY)
    enrol(world, "高风险今天下午", risk="high", due=TODAY, minute=16 * 60)
    enrol(world, "高风险逾期一天", risk="high", due=TODAY - timedelta(days=1))
    enrol(world, "高风险逾期三天", risk="high", due=TODAY - timedelta(days=3))
    enrol(world, "高风险明天", risk="high", due=TODAY + timedelta(days=1))
    assert names(world.family_doctor_a) == [
        "高风险逾期三天",
        "高风险逾期一天",
        "王建国",  # high, due today 09:00
        "高风险今天下午",
        "中风险逾期五天",
        "中风险今天",
    ]
    work = worklist_for(world.family_doctor_a, today=TODAY)
    assert (work.total, work.overdue_total) == (6, 3)
    assert [i.overdue_days for i in work.items[:3]] == [3, 1, 0]
    assert work.items[0].address == "A花园 1栋 102"


def test_it_pages(world, monitored):
    for n in range(5):
        enrol(world, f"居民{n}", risk="high", due=TODAY)
    first = worklist_for(world.family_doctor_a, today=TODAY, limit=4)
    second = worklist_for(world.family_doctor_a, today=TODAY, limit=4, offset=4)
    assert (first.total, len(first.items), first.more) == (6, 4, True)
    assert (second.total, len(second.items), second.more) == (6, 2, False)


def test_a_worker_sees_only_their_own_residents_in_places_they_cover(world, monitored):
    assert names(world.family_doctor_a) == ["王建国"]
    assert names(world.grid_worker_a) == ["王小宝"]
    assert names(world.grid_worker_b) == []
    # Assigned by mistake to a household outside the doctor's community: not shown.
    enrol(world, "鹭湖的老人", risk="high", due=TODAY, household=world.unit_b1)
    assert "鹭湖的老人" not in names(world.family_doctor_a)
    # A worker moved off the community no longer sees its residents.
    world.family_doctor_a.places.set([world.community_b])
    world.family_doctor_a._covered_paths = None
    assert names(world.family_doctor_a) == ["鹭湖的老人"]


def test_ended_and_checked_enrolments_leave_the_list(world, monitored):
    check_record(by=world.family_doctor_a, resident=world.wang, spo2=97)
    assert names(world.family_doctor_a) == []
    assert worklist_for(world.family_doctor_a, today=TODAY).done_today == 1


def test_a_twice_daily_plan_stays_on_the_list_until_its_second_check(world, monitored):
    world.baby.quarantine_status, world.baby.quarantine_until = "quarantine_home", TODAY + timedelta(days=5)
    world.baby.refresh_risk(TODAY)
    world.baby.save()
    enrolment_sync(today=TODAY)
    check_record(by=world.grid_worker_a, resident=world.baby, temperature_c=36.9)
    work = worklist_for(world.grid_worker_a, today=TODAY)
    assert [i.resident.name for i in work.items] == ["王小宝"] and work.items[0].due_time == "16:00"
    check_record(
        by=world.grid_worker_a, resident=world.baby, temperature_c=37.0, now=NOW + timedelta(hours=6)
    )
    assert names(world.grid_worker_a) == []


def test_the_number_of_queries_does_not_grow_with_the_list(world, monitored):
    enrol(world, "居民甲", risk="high", due=TODAY)
    with CaptureQueriesContext(connection) as few:
        worklist_for(world.family_doctor_a, today=TODAY)
    for n in range(12):
        enrol(world, f"居民{n}", risk="high", due=TODAY - timedelta(days=n % 3))
    world.family_doctor_a._covered_paths = None
    with CaptureQueriesContext(connection) as many:
        work = worklist_for(world.family_doctor_a, today=TODAY)
    assert len(work.items) == 14
    assert len(many) == len(few) <= 6


def test_a_role_without_monitoring_may_not_read_a_worklist(world):
    with pytest.raises(Forbidden):
        worklist_for(world.agent)


# --- the page ---


def post_check(client, enrolment: Enrolment, **form):
    url = reverse("monitoring:check_create", args=[enrolment.pk])
    return client.post(url, {"reached": "1", "method": "phone"} | form, headers={"HX-Request": "true"})


def test_the_page_lists_the_checks_due(client, world, monitored):
    client.force_login(world.family_doctor_a)
    page = client.get(reverse("monitoring:worklist")).content.decode()
    assert "王建国" in page and "高风险：每日血氧和体温" in page and "A花园 1栋 101" in page
    assert "王小宝" not in page


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("volunteer_a", 403), (None, 302)])
def test_the_page_needs_monitoring(client, world, who, status):
    if who:
        client.force_login(getattr(world, who))
    assert client.get(reverse("monitoring:worklist")).status_code == status


def test_recording_from_the_row_shows_the_result_in_place(client, world, monitored):
    client.force_login(world.family_doctor_a)
    response = post_check(client, monitored["王建国"], spo2="97", temperature_c="36.8", respiratory_rate="")
    assert response.status_code == 200
    assert "已记录：正常" in response.content.decode()
    assert Check.objects.get().spo2 == 97


def test_a_low_spo2_from_the_row_links_the_new_case(client, world, monitored):
    client.force_login(world.family_doctor_a)
    page = post_check(client, monitored["王建国"], spo2="88").content.decode()
    case = Check.objects.get().alert.case
    assert case.number in page and "请立即拨打 120" in page
    assert reverse("hotline:case", args=[case.pk]) in page


def test_not_reached_is_one_button(client, world, monitored):
    client.force_login(world.family_doctor_a)
    page = post_check(client, monitored["王建国"], reached="0", spo2="").content.decode()
    assert "已记录：未联系上" in page and "（连续 1 次）" in page
    assert Check.objects.get().reached is False


@pytest.mark.parametrize(
    ("form", "field", "reason"),
    [
        ({"spo2": "101"}, "spo2", "超出可能的范围"),
        ({"temperature_c": "60"}, "temperature_c", "超出可能的范围"),
        ({"spo2": "九十"}, "spo2", "必须是数字"),
    ],
)
def test_a_bad_value_comes_back_beside_its_field_and_nothing_is_written(
    client, world, monitored, form, field, reason
):
    client.force_login(world.family_doctor_a)
    response = post_check(client, monitored["王建国"], **form)
    page = response.content.decode()
    assert response.status_code == 422 and reason in page
    assert 'class="has-error"' in page and f'name="{field}"' in page
    assert not Check.objects.exists()


def test_a_row_outside_the_workers_places_is_not_found(client, world, monitored):
    client.force_login(world.grid_worker_b)
    assert post_check(client, monitored["王建国"], spo2="97").status_code == 404
    assert not Check.objects.exists()


def test_the_record_button_opens_the_form_in_the_row(client, world, monitored):
    client.force_login(world.family_doctor_a)
    url = reverse("monitoring:check_form", args=[monitored["王建国"].pk])
    row = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert row.lstrip().startswith("<li") and 'name="spo2"' in row and "呼吸困难" in row
    page = client.get(url).content.decode()  # without htmx: a page with the one row
    assert "<html" in page and 'name="spo2"' in page


@pytest.mark.parametrize(("who", "status"), [("command", 403), ("grid_worker_b", 404)])
def test_the_form_is_for_workers_covering_the_household(client, world, monitored, who, status):
    client.force_login(getattr(world, who))
    url = reverse("monitoring:check_form", args=[monitored["王建国"].pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == status


def test_the_list_offers_not_reached_without_opening_the_form(client, world, monitored):
    client.force_login(world.family_doctor_a)
    page = client.get(reverse("monitoring:worklist")).content.decode()
    assert 'name="reached" value="0"' in page and 'name="spo2"' not in page
