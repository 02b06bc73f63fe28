"""enrolment_sync: who is monitored, on which plan, by whom; idempotent, batched, keeps the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from anxin.accounts.roles import Role
from anxin.monitoring.models import Enrolment
from anxin.monitoring.plans import plan_rules
from anxin.monitoring.services import check_record, enrolment_sync
from anxin.people.models import Resident
from anxin.places.models import PlaceDuty
from tests.factories import make_resident, make_user
from tests.monitoring.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def active(resident: Resident) -> Enrolment | None:
    return Enrolment.objects.filter(resident=resident, ended_on__isnull=True).first()


def test_it_enrols_residents_by_risk_and_assigns_the_worker_covering_the_household(world):
    result = enrolment_sync(today=TODAY)
    wang, baby = active(world.wang), active(world.baby)
    assert (wang.plan, wang.worker, wang.worker_duty) == (
        "M-HIGH-DAILY",
        world.family_doctor_a,
        "family_doctor",
    )
    assert (baby.plan, baby.worker, baby.worker_duty) == ("M-MEDIUM-3DAY", world.grid_worker_a, "grid_worker")
    assert active(world.wang_wife) is None and active(world.li) is None  # low risk
    assert (wang.next_due_on, wang.started_on, wang.risk_rank) == (TODAY, TODAY, 0)
    assert wang.rule_codes[0] == "M-HIGH-DAILY" and "R-HIGH-60-CHRONIC-ALONE" in wang.rule_codes
    assert wang.ruleset == plan_rules().version
    assert wang.place_path == world.unit_a1.path and "lives_alone" in wang.tags
    assert (result.enrolled, result.ended, result.updated) == (2, 0, 0)


def test_a_second_run_changes_nothing(world):
    enrolment_sync(today=TODAY)
    before = list(Enrolment.objects.values())
    result = enrolment_sync(today=TODAY)
    assert (result.enrolled, result.changed_plan, result.updated, result.ended) == (0, 0, 0, 0)
    assert list(Enrolment.objects.values()) == before


def test_a_new_plan_ends_the_old_enrolment_and_keeps_it(world, monitored):
    world.wang.quarantine_status, world.wang.quarantine_until = "quarantine_home", TODAY + timedelta(days=7)
    world.wang.refresh_risk(TODAY)
    world.wang.save()
    result = enrolment_sync(today=TODAY)
    assert result.changed_plan == 1
    old = Enrolment.objects.get(pk=monitored["王建国"].pk)
    assert (old.ended_on, old.end_reason, old.next_due_on) == (TODAY, "plan_changed", None)
    new = active(world.wang)
    # Quarantine checks go to the grid worker first.
    assert (new.plan, new.worker) == ("M-QUARANTINE", world.grid_worker_a)
    assert Enrolment.objects.filter(resident=world.wang).count() == 2


def test_it_ends_the_enrolment_of_a_resident_no_longer_at_risk(world):
    resident = make_resident("周敏", world.unit_a2, birth=date(1980, 5, 1), manual_tags=["mental_health"])
    enrolment_sync(today=TODAY)
    assert active(resident).plan == "M-MEDIUM-3DAY"
    resident.manual_tags = []
    resident.refresh_risk(TODAY)
    resident.save()
    result = enrolment_sync(today=TODAY)
    assert result.ended == 1 and active(resident) is None
    ended = Enrolment.objects.get(resident=resident)
    assert (ended.end_reason, ended.next_due_on) == ("no_plan", None)


def test_it_syncs_only_the_residents_it_is_given(world):
    result = enrolment_sync(residents=Resident.objects.filter(pk=world.wang.pk), today=TODAY)
    assert result.seen == 1 and active(world.wang) and not active(world.baby)


def test_it_runs_in_batches(world):
    result = enrolment_sync(today=TODAY, batch_size=1)
    assert result.seen == 2 and Enrolment.objects.count() == 2


def test_a_resident_nobody_covers_is_enrolled_unassigned(world):
    lonely = make_resident("孙老伯", world.unit_b1, birth=date(1940, 2, 2), lives_alone=True)
    enrolment_sync(today=TODAY)
    assert active(lonely).worker is None


def test_the_worker_follows_the_duty_table(world, monitored):
    other = make_user("doctor_a2", Role.FAMILY_DOCTOR, [world.community_a], display_name="钱医生")
    PlaceDuty.objects.filter(place=world.community_a).update(user=other)
    assert enrolment_sync(today=TODAY).updated == 1
    assert active(world.wang).worker == other


def test_a_discharged_resident_is_followed_up_on_days_1_3_7_14_then_leaves_the_plan(world):
    discharged = TODAY - timedelta(days=2)
    resident = make_resident("冯大姐", world.unit_a2, birth=date(1958, 8, 8), discharged_on=discharged)
    enrolment_sync(today=TODAY)
    enrolment = active(resident)
    assert enrolment.plan == "M-DISCHARGED" and enrolment.worker == world.family_doctor_a
    assert enrolment.next_due_on == discharged + timedelta(days=3)
    for day in (3, 7, 14):
        moment = NOW + timedelta(days=day - 2)
        check_record(by=world.family_doctor_a, resident=resident, spo2=97, temperature_c=36.6, now=moment)
        enrolment.refresh_from_db()
    assert (enrolment.ended_on, enrolment.end_reason, enrolment.next_due_on) == (
        discharged + timedelta(days=14),
        "schedule_done",
        None,
    )


def test_the_command_syncs_and_prints_the_counts(world):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("monitoring_sync", place=world.community_a.code, stdout=out)
    assert json.loads(out.getvalue())["enrolled"] == 2
