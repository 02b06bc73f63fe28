from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.hotline import services
from anxin.hotline.models import Callback, Case, CaseEvent
from anxin.hotline.selectors import case_list_community_inbox, case_list_line_inbox
from anxin.hotline.tasks import sla_sweep
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_it_opens_a_case_owned_by_the_first_taker(world):
    case = open_case(world)
    assert case.owner == world.agent
    assert case.status == Case.Status.OPEN
    assert case.place == world.unit_a1
    assert case.number.startswith("AX")
    assert [e.kind for e in case.events.all()] == [CaseEvent.Kind.OPENED]
    assert case.sla_due_at == case.created_at + timedelta(hours=24)


def test_it_keeps_the_first_owner_after_transfer_and_accept(world):
    case = open_case(world)
    case = services.case_transfer(
        case=case, version=case.version, by=world.agent, note="请网格员上门", to_place=world.grid_a
    )
    assert case.status == Case.Status.TRANSFERRED
    case = services.case_accept(case=case, version=case.version, by=world.grid_worker_a)
    assert case.status == Case.Status.OPEN
    assert case.owner == world.agent
    assert case.handler == world.grid_worker_a


def test_it_refuses_an_accept_from_another_community(world):
    case = open_case(world)
    case = services.case_transfer(
        case=case, version=case.version, by=world.agent, note="转社区", to_place=world.grid_a
    )
    with pytest.raises(Forbidden):
        services.case_accept(case=case, version=case.version, by=world.grid_worker_b)


def test_it_transfers_between_lines_both_ways(world):
    case = open_case(world, category="psych_support", disposition="psych_counselor")
    case = services.case_transfer(
        case=case, version=case.version, by=world.agent, note="情绪焦虑", to_line=world.psych_line
    )
    case = services.case_accept(case=case, version=case.version, by=world.counsellor)
    case = services.case_transfer(
        case=case, version=case.version, by=world.counsellor, note="需医生评估", to_line=world.medical_line
    )
    case = services.case_accept(case=case, version=case.version, by=world.clinician)
    assert case.handler == world.clinician
    assert case.owner == world.agent


def test_it_refuses_a_stale_version(world):
    case = open_case(world)
    stale = case.version
    services.case_add_note(case=case, version=stale, by=world.agent, note="已联系家属")
    with pytest.raises(Conflict) as caught:
        services.case_add_note(case=case, version=stale, by=world.agent2, note="重复操作")
    assert caught.value.field == "version"
    assert case.events.filter(kind=CaseEvent.Kind.NOTED).count() == 1


def test_it_refuses_closing_a_closed_case(world):
    case = open_case(world, urgency="P4", disposition="answer_closed", close_now=True)
    assert case.status == Case.Status.CLOSED
    with pytest.raises(Conflict):
        services.case_close(case=case, version=case.version, by=world.agent)


def test_it_requires_a_return_visit_before_closing(world):
    case = open_case(world)
    case = services.case_resolve(case=case, version=case.version, by=world.agent, resolution="已上门处理")
    with pytest.raises(Conflict):
        services.case_close(case=case, version=case.version, by=world.agent)
    case.refresh_from_db()
    case = services.case_record_return_visit(
        case=case, version=case.version, by=world.agent, satisfaction="satisfied"
    )
    case = services.case_close(case=case, version=case.version, by=world.agent)
    assert case.status == Case.Status.CLOSED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "resolved", "return_visit", "closed"]


def test_it_reopens_a_closed_case_and_needs_a_new_return_visit(world):
    case = open_case(world)
    case = services.case_resolve(case=case, version=case.version, by=world.agent, resolution="处理完毕")
    case = services.case_record_return_visit(
        case=case, version=case.version, by=world.agent, satisfaction="dissatisfied"
    )
    case = services.case_close(case=case, version=case.version, by=world.agent)
    case = services.case_reopen(case=case, version=case.version, by=world.agent, reason="居民反映未解决")
    assert case.status == Case.Status.OPEN
    assert case.return_visit_at is None and case.satisfaction == ""


def test_it_schedules_a_consult_then_callback(world):
    case = open_case(world, urgency="P2", disposition="doctor_callback")
    callback = services.case_schedule_callback(
        case=case,
        version=case.version,
        by=world.agent,
        kind=Callback.Kind.CONSULT,
        due_at=timezone.now() + timedelta(minutes=8),
        note="与专家会商用药",
        assignee_role="clinician",
    )
    case = callback.case
    assert case.status == Case.Status.AWAITING_CALLBACK
    case = services.case_complete_callback(
        case=case,
        version=case.version,
        by=world.clinician,
        callback_id=callback.pk,
        outcome="建议继续服药观察",
    )
    assert case.status == Case.Status.OPEN
    assert case.sla_met_at is not None


def test_a_callback_by_an_agent_does_not_meet_the_p2_clinician_clock(world):
    case = open_case(world, urgency="P2", disposition="doctor_callback")
    callback = services.case_schedule_callback(
        case=case, version=case.version, by=world.agent, due_at=timezone.now() + timedelta(minutes=5)
    )
    case = services.case_complete_callback(
        case=callback.case,
        version=callback.case.version,
        by=world.agent,
        callback_id=callback.pk,
        outcome="已回电",
    )
    assert case.sla_met_at is None


def test_it_meets_p1_when_dispatched_within_two_minutes(world):
    case = open_case(world, urgency="P1", category="emergency", disposition="call_120")
    case = services.case_dispatch(case=case, version=case.version, by=world.agent, target="120")
    assert case.sla_met_at is not None
    assert not case.is_overdue


def test_it_records_an_sla_breach_once(world):
    with time_machine.travel(timezone.now() - timedelta(minutes=5), tick=False):
        case = open_case(world, urgency="P1", category="emergency", disposition="call_120")
    assert case.is_overdue
    assert sla_sweep.call() == 1
    assert sla_sweep.call() == 0
    case.refresh_from_db()
    assert case.sla_breached_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.SLA_BREACHED).count() == 1


def test_reclassifying_restarts_the_clock_from_intake(world):
    case = open_case(world)
    case = services.case_reclassify(
        case=case,
        version=case.version,
        by=world.clinician,
        category="emergency",
        urgency="P1",
        disposition="call_120",
        reason="血氧 88",
    )
    assert case.sla_due_at == case.created_at + timedelta(minutes=2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", ""),
        ("summary", "x" * 4001),
        ("summary", "bin\x00ary"),
        ("category", "unknown"),
        ("urgency", "P9"),
        ("disposition", "teleport"),
        ("caller_phone", "12345"),
        ("channel", "pigeon"),
    ],
)
def test_it_rejects_bad_intake_and_writes_nothing(world, field, value):
    with pytest.raises(InvalidInput) as caught:
        open_case(world, **{field: value})
    assert caught.value.field == field
    assert Case.objects.count() == 0


def test_it_refuses_close_now_for_a_p1(world):
    with pytest.raises(InvalidInput):
        open_case(world, urgency="P1", disposition="answer_closed", close_now=True)


def test_a_grid_worker_cannot_open_cases(world):
    with pytest.raises(Forbidden):
        open_case(world, by=world.grid_worker_a)


def test_an_agent_cannot_act_outside_scope(world):
    case = open_case(world)
    with pytest.raises(Forbidden):
        services.case_add_note(case=case, version=case.version, by=world.grid_worker_b, note="越权")


def test_a_community_team_can_send_a_case_back_to_the_line(world):
    case = open_case(world)
    case = services.case_transfer(
        case=case, version=case.version, by=world.agent, note="请上门", to_place=world.grid_a
    )
    case = services.case_accept(case=case, version=case.version, by=world.grid_worker_a)
    case = services.case_transfer(
        case=case,
        version=case.version,
        by=world.grid_worker_a,
        note="需医生电话评估",
        to_line=world.medical_line,
    )
    assert case in case_list_line_inbox(world.clinician)
    assert case not in case_list_community_inbox(world.grid_worker_a)
    case = services.case_accept(case=case, version=case.version, by=world.clinician)
    assert (case.owner, case.handler) == (world.agent, world.clinician)
