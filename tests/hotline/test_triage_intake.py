"""Intake with the triage engine: the proposal is kept, overrides record who and why, registry facts count,
and a P1 from any channel alerts the on-duty clinician."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anxin.core.errors import Forbidden, InvalidInput
from anxin.hotline import selectors, services
from anxin.hotline.models import Case, CaseEvent, ClinicianAlert, Shift, TriageOverride
from anxin.hotline.proposal import TriageFields

pytestmark = pytest.mark.django_db


def _open(world, **fields):
    defaults = {"by": world.agent, "line": world.medical_line, "summary": "阳了，发烧38度5，想问吃什么药"}
    return services.case_open(**(defaults | fields))


def test_it_keeps_the_proposal_and_takes_its_codes_when_none_are_given(world):
    case = _open(world, summary="我爸喘不上气，嘴唇发紫")
    assert (case.category, case.urgency, case.disposition) == ("emergency", "P1", "call_120")
    assert case.triage["red_flags"] == ["dyspnea", "cyanosis"]
    assert case.triage["decided_by"] == "rf.dyspnea"
    assert case.triage["ruleset"]
    assert any(item["rule"] == "rf.cyanosis" for item in case.triage["explanation"])


def test_it_records_an_override_with_who_and_why(world):
    case = _open(
        world,
        urgency="P3",
        category="medical_consult",
        disposition="doctor_callback",
        override_reason="患者要求医生回电",
    )
    override = TriageOverride.objects.get(case=case)
    assert (override.by, override.reason, override.decisive_rule) == (
        world.agent,
        "患者要求医生回电",
        "category.medical_consult",
    )
    assert (override.proposed_urgency, override.chosen_urgency, override.direction) == ("P4", "P3", "up")
    event = case.events.get(kind=CaseEvent.Kind.TRIAGE_OVERRIDDEN)
    assert event.actor == world.agent and event.note == "患者要求医生回电"


def test_accepting_the_proposal_records_no_override(world):
    case = _open(
        world, category="medical_consult", urgency="P4", disposition="answer_closed", override_reason=""
    )
    assert not TriageOverride.objects.filter(case=case).exists()


def test_the_desk_must_say_why_it_overrides_and_nothing_is_written_otherwise(world):
    with pytest.raises(InvalidInput) as error:
        _open(
            world,
            urgency="P3",
            category="medical_consult",
            disposition="doctor_callback",
            override_reason=" ",
            require_override_reason=True,
        )
    assert error.value.field == "override_reason"
    assert (Case.objects.count(), CaseEvent.objects.count(), TriageOverride.objects.count()) == (0, 0, 0)


def test_the_subjects_registry_facts_feed_the_proposal(world):
    # 王小宝 is 90 days old: a fever of 38 °C in a baby under three months is a red flag by itself.
    case = _open(world, summary="孩子发烧了，38度", subject_resident=world.baby)
    assert "infant_fever" in case.triage["red_flags"]
    assert case.triage["fields"]["age"] < 0.25


def test_an_agents_reading_wins_when_it_is_more_urgent(world):
    case = _open(world, summary="血氧还可以", triage_fields=TriageFields(spo2=89))
    assert case.urgency == "P1" and "spo2_low" in case.triage["red_flags"]


def test_a_reading_out_of_range_is_refused(world):
    with pytest.raises(InvalidInput) as error:
        _open(world, triage_fields=TriageFields(temperature_c=60))
    assert error.value.field == "temperature_c"
    assert Case.objects.count() == 0


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_a_p1_alerts_the_clinician_on_duty(world):
    case = _open(world, summary="老人叫不醒了")
    alert = ClinicianAlert.objects.get(case=case)
    assert alert.recipient == world.clinician and alert.acknowledged_at is None
    assert case.events.filter(kind=CaseEvent.Kind.ALERTED).exists()
    assert selectors.alerts_open_for(world.clinician) == [alert]
    assert selectors.alerts_open_for(world.agent) == []


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_with_nobody_on_shift_the_lines_clinicians_are_alerted(world):
    Shift.objects.all().delete()
    case = _open(world, summary="胸口疼得厉害")
    assert [a.recipient for a in case.alerts.all()] == [world.clinician]


def test_a_p2_alerts_nobody(world):
    _open(world, summary="宝宝两个月，发烧38度2")
    assert not ClinicianAlert.objects.exists()


def test_only_the_recipient_acknowledges_an_alert(world):
    case = _open(world, summary="老人叫不醒了")
    alert = case.alerts.get()
    with pytest.raises(Forbidden):
        services.alert_acknowledge(alert=alert, by=world.agent)
    services.alert_acknowledge(alert=alert, by=world.clinician)
    assert selectors.alerts_open_for(world.clinician) == []


def test_the_override_report_groups_overrides_by_the_deciding_rule(world):
    _open(
        world,
        urgency="P3",
        category="medical_consult",
        disposition="doctor_callback",
        override_reason="老人独居",
    )
    _open(
        world,
        summary="阳了，咳嗽",
        urgency="P3",
        category="medical_consult",
        disposition="home_visit",
        override_reason="行动不便",
    )
    _open(
        world,
        summary="我爸喘不上气",
        urgency="P2",
        category="medical_consult",
        disposition="doctor_callback",
        override_reason="爬楼后气喘，休息后缓解",
    )
    report = selectors.override_report(world.command)
    assert [(row["rule"], row["count"]) for row in report] == [
        ("category.medical_consult", 2),
        ("rf.dyspnea", 1),
    ]
    assert (report[1]["down"], report[0]["up"]) == (1, 2)
    assert selectors.override_report(world.grid_worker_b) == []  # community B sees none of these cases
    later = timezone.now() + timedelta(days=1)
    assert selectors.override_report(world.command, since=later) == []
