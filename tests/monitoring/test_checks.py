"""check_record and device_event_record: readings, refusals, alerts, and the hotline cases they open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.hotline.models import Case, CaseEvent, ClinicianAlert, Line, TriageOverride
from anxin.hotline.selectors import case_list_community_inbox, case_list_line_inbox
from anxin.monitoring.models import Check, Enrolment, MonitoringAlert
from anxin.monitoring.services import check_record, device_event_record
from tests.factories import make_resident
from tests.monitoring.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (Check.objects.exists() or MonitoringAlert.objects.exists() or Case.objects.exists())


def test_a_normal_reading_moves_the_next_check_to_tomorrow(world, monitored):
    result = check_record(by=world.family_doctor_a, resident=world.wang, spo2=97, temperature_c=36.7)
    check = result.check
    assert (check.level, check.rule_codes, check.reached) == ("", [], True)
    assert "thresholds" in check.ruleset and check.enrolment == monitored["王建国"]
    assert result.alert is None and result.case is None
    enrolment = Enrolment.objects.get(pk=monitored["王建国"].pk)
    assert (enrolment.next_due_on, enrolment.last_reached_on) == (TODAY + timedelta(days=1), TODAY)
    assert enrolment.last_reading["spo2"] == 97


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"spo2": 101}, "spo2"),
        ({"spo2": 49}, "spo2"),
        ({"temperature_c": 60}, "temperature_c"),
        ({"temperature_c": 25}, "temperature_c"),
        ({"respiratory_rate": 0}, "respiratory_rate"),
        ({"respiratory_rate": 120}, "respiratory_rate"),
        ({"spo2": 88, "temperature_c": 60}, "temperature_c"),  # one bad value refuses the whole reading
        ({"symptoms": ["hiccups"]}, "symptoms"),
        ({"reached": False, "spo2": 95}, "reached"),
        ({"method": "pigeon"}, "method"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_reading_that_cannot_be_real_is_refused_and_nothing_is_written(world, monitored, values, field):
    with pytest.raises(InvalidInput) as caught:
        check_record(by=world.family_doctor_a, resident=world.wang, **values)
    assert caught.value.field == field
    assert nothing_written()
    assert Enrolment.objects.get(pk=monitored["王建国"].pk).next_due_on == TODAY


def test_the_refusal_names_the_range(world, monitored):
    with pytest.raises(InvalidInput) as caught:
        check_record(by=world.family_doctor_a, resident=world.wang, spo2=101)
    assert caught.value.reason == "超出可能的范围：应在 50 到 100 之间"


@pytest.mark.parametrize("who", ["agent", "volunteer_a", "command", "grid_worker_b"])
def test_only_a_worker_covering_the_household_may_record(world, monitored, who):
    with pytest.raises(Forbidden):
        check_record(by=getattr(world, who), resident=world.wang, spo2=97)
    assert nothing_written()


def test_a_low_spo2_opens_a_p1_case_for_the_on_duty_clinician_linked_both_ways(world, monitored):
    result = check_record(by=world.family_doctor_a, resident=world.wang, spo2=88, temperature_c=37.4)
    check, alert, case = result.check, result.alert, result.case
    assert check.level == "critical" and check.rule_codes == ["T-SPO2-CRITICAL", "T-SPO2-LOW"]
    # reading ↔ alert ↔ case
    assert alert.reading == check and Check.objects.get(pk=check.pk).alert == alert
    assert alert.case == case and list(case.monitoring_alerts.all()) == [alert]
    assert (alert.kind, alert.level, alert.rule_codes) == ("reading", "critical", check.rule_codes)
    # the urgency is the triage engine's, the case goes to the medical line's clinicians
    assert (case.urgency, case.disposition, case.triage["decided_by"]) == ("P1", "call_120", "rf.spo2_low")
    assert (case.channel, case.subject_resident, case.owner) == (
        "monitoring",
        world.wang,
        world.family_doctor_a,
    )
    assert (case.status, case.assigned_line) == ("transferred", world.medical_line)
    assert "血氧 88%" in case.summary and alert.proposed_urgency == "P1"
    assert ClinicianAlert.objects.filter(case=case, recipient=world.clinician).exists()
    assert case in case_list_line_inbox(world.clinician)
    assert not TriageOverride.objects.exists()


def test_a_reading_the_engine_underrates_gets_the_monitoring_floor_and_the_override_is_recorded(
    world, monitored
):
    """The engine does not read respiratory rate; an adult at 32/min is still severe (P2 at least)."""
    case = check_record(by=world.family_doctor_a, resident=world.wang, respiratory_rate=32).case
    assert (case.urgency, case.disposition) == ("P2", "doctor_callback")
    override = TriageOverride.objects.get(case=case)
    assert override.by == world.family_doctor_a and "T-RR-SEVERE" in override.reason
    assert MonitoringAlert.objects.get(case=case).proposed_urgency == override.proposed_urgency
    assert override.proposed_urgency in ("P3", "P4")


def test_a_fever_of_an_adult_reaches_a_clinician_not_a_first_contact_answer(world):
    resident = make_resident("郑强", world.unit_b1, birth=date(1990, 3, 3), manual_tags=["mental_health"])
    case = check_record(by=world.grid_worker_b, resident=resident, temperature_c=38.8).case
    assert case.urgency in ("P1", "P2", "P3") and case.disposition != "answer_closed"
    assert case.status == "transferred" and not case.closed_at


def test_a_psychological_concern_goes_where_the_triage_sends_it(world, monitored):
    case = check_record(
        by=world.family_doctor_a, resident=world.wang, psych_concern=True, note="情绪低落，失眠"
    ).case
    assert case.disposition == "psych_counselor" and case.assigned_line == world.psych_line


def test_two_consecutive_not_reached_escalate_to_the_grid_team(world, monitored):
    first = check_record(by=world.family_doctor_a, resident=world.wang, reached=False)
    assert first.case is None and first.alert is None
    second = check_record(
        by=world.family_doctor_a, resident=world.wang, reached=False, now=NOW + timedelta(hours=2)
    )
    case, alert = second.case, second.alert
    assert (alert.kind, alert.rule_codes, alert.reading) == ("not_reached", ["N-NOT-REACHED"], second.check)
    assert (case.status, case.assigned_place, case.disposition) == (
        "transferred",
        world.grid_a,
        "community_transfer",
    )
    assert case.urgency in ("P1", "P2")
    assert case in case_list_community_inbox(world.grid_worker_a)
    enrolment = Enrolment.objects.get(pk=monitored["王建国"].pk)
    assert (enrolment.not_reached_streak, enrolment.next_due_on) == (2, TODAY)  # still due
    third = check_record(
        by=world.family_doctor_a, resident=world.wang, reached=False, now=NOW + timedelta(hours=4)
    )
    assert third.case is None and Case.objects.count() == 1
    check_record(by=world.family_doctor_a, resident=world.wang, spo2=96, now=NOW + timedelta(hours=5))
    enrolment.refresh_from_db()
    assert (enrolment.not_reached_streak, enrolment.next_due_on) == (0, TODAY + timedelta(days=1))


def test_without_a_medical_line_the_alert_is_kept_without_a_case(world, monitored):
    Line.objects.all().delete()
    result = check_record(by=world.family_doctor_a, resident=world.wang, spo2=85)
    assert result.alert is not None and result.case is None and result.alert.reading == result.check


def test_a_case_keeps_the_readers_words_in_chinese_whatever_the_language(world, monitored, settings):
    from django.utils import translation

    with translation.override("en"):
        case = check_record(
            by=world.family_doctor_a, resident=world.wang, spo2=88, symptoms=["chest_pain"]
        ).case
    assert "血氧 88%" in case.summary and "胸痛" in case.summary
    assert CaseEvent.objects.filter(case=case, kind="transferred").get().note.startswith("健康监测告警")


# --- one-key call devices ---


def test_a_device_alarm_opens_a_p2_case_for_the_clinicians(world, monitored):
    result = device_event_record(
        by=world.admin, resident=world.wang, device_id="YJ-001", event="sos", event_id="e1"
    )
    case, alert = result.case, result.alert
    assert result.created and (alert.kind, alert.device_event, alert.case) == ("device", "sos", case)
    assert (case.channel, case.urgency, case.disposition) == ("one_key_device", "P2", "doctor_callback")
    assert case.assigned_line == world.medical_line and case in case_list_line_inbox(world.clinician)
    assert "一键呼叫器 YJ-001" in case.caller_name


def test_a_fall_with_low_spo2_is_p1(world, monitored):
    case = device_event_record(
        by=world.admin, resident=world.wang, device_id="YJ-001", event="fall", spo2=86
    ).case
    assert case.urgency == "P1"
    assert ClinicianAlert.objects.filter(case=case, recipient=world.clinician).exists()


def test_a_resent_device_event_is_answered_once(world, monitored):
    first = device_event_record(
        by=world.admin, resident=world.wang, device_id="YJ-001", event="sos", event_id="e1"
    )
    again = device_event_record(
        by=world.admin, resident=world.wang, device_id="YJ-001", event="sos", event_id="e1"
    )
    assert not again.created and again.alert == first.alert and again.case == first.case
    assert Case.objects.count() == 1
    with pytest.raises(Conflict) as caught:
        device_event_record(
            by=world.admin, resident=world.baby, device_id="YJ-001", event="sos", event_id="e1"
        )
    assert caught.value.field == "event_id"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"event": "party"}, "event"),
        ({"device_id": ""}, "device_id"),
        ({"spo2": 120}, "spo2"),
    ],
)
def test_a_bad_device_event_is_refused_and_nothing_is_written(world, monitored, values, field):
    body = {"device_id": "YJ-001", "event": "sos"} | values
    with pytest.raises(InvalidInput) as caught:
        device_event_record(by=world.admin, resident=world.wang, **body)
    assert caught.value.field == field and nothing_written()


def test_a_device_account_must_cover_the_resident(world, monitored):
    with pytest.raises(Forbidden):
        device_event_record(by=world.grid_worker_b, resident=world.wang, device_id="YJ-1", event="sos")
    with pytest.raises(Forbidden):
        device_event_record(by=world.agent, resident=world.wang, device_id="YJ-1", event="sos")
