"""The monitoring rule tables (rules/*.toml) and the pure functions that read them. No database."""

from __future__ import annotations

from datetime import date

import pytest

from anxin.core.errors import InvalidInput
from anxin.hotline.models import Line
from anxin.monitoring import labels
from anxin.monitoring.alerts import LINE_KINDS, RULES_FILE, alert_rules, parse_alert_rules
from anxin.monitoring.plans import due_after_check, first_due, parse_plan_rules, plan_for, plan_rules
from anxin.monitoring.thresholds import (
    GROUPS,
    Reading,
    assess,
    checked_reading,
    groups_for,
    parse_threshold_rules,
    threshold_rules,
)
from anxin.people.risk import assess_risk, risk_rules
from anxin.people.tags import TAG_LABELS
from anxin.places.models import PlaceDuty
from anxin.triage import TriageInput, triage
from anxin.triage.codes import DISPOSITIONS

TODAY = date(2026, 11, 23)
ADULT = groups_for(birth_date=date(1970, 1, 1), today=TODAY)
ELDER = groups_for(birth_date=date(1946, 1, 1), today=TODAY, tags={"age_60", "age_80"})
COPD = groups_for(birth_date=date(1950, 1, 1), today=TODAY, conditions={"copd"})
PREGNANT = groups_for(birth_date=date(1995, 1, 1), today=TODAY, tags={"pregnant"})
INFANT_1M = groups_for(birth_date=date(2026, 10, 20), today=TODAY)
INFANT_6M = groups_for(birth_date=date(2026, 5, 20), today=TODAY)
CHILD_3 = groups_for(birth_date=date(2023, 6, 1), today=TODAY)
CHILD_8 = groups_for(birth_date=date(2018, 6, 1), today=TODAY)


# --- plans ---


@pytest.mark.parametrize(
    ("risk", "tags", "plan"),
    [
        ("high", ["age_60", "age_80", "lives_alone"], "M-HIGH-DAILY"),
        ("high", ["dialysis"], "M-HIGH-DAILY"),
        ("high", ["discharged"], "M-DISCHARGED"),
        ("high", ["discharged", "dialysis"], "M-DISCHARGED"),
        ("medium", ["quarantine_home"], "M-QUARANTINE"),
        ("high", ["confirmed", "quarantine_central"], "M-QUARANTINE"),
        ("medium", ["age_60", "chronic"], "M-MEDIUM-3DAY"),
        ("medium", ["pregnant"], "M-MEDIUM-3DAY"),
        ("low", ["age_60"], None),
        ("low", [], None),
    ],
)
def test_it_picks_the_first_plan_that_applies(risk, tags, plan):
    chosen = plan_for(risk, tags)
    assert (chosen.code if chosen else None) == plan


def test_the_plans_say_what_the_issue_asks():
    rules = plan_rules()
    high, medium = rules.get("M-HIGH-DAILY"), rules.get("M-MEDIUM-3DAY")
    discharged, quarantine = rules.get("M-DISCHARGED"), rules.get("M-QUARANTINE")
    assert high.schedule.every_days == 1 and {"spo2", "temperature"} <= set(high.measures)
    assert set(high.methods) == {"phone", "visit"}
    assert medium.schedule.every_days == 3
    assert discharged.schedule.days == (1, 3, 7, 14) and discharged.psych_check
    assert quarantine.schedule.per_day == 2 and "temperature" in quarantine.measures


def test_every_plan_names_known_codes_and_has_a_label():
    known_tags, known_duties = set(TAG_LABELS), set(PlaceDuty.Duty.values)
    for plan in plan_rules().plans:
        assert plan.tags_any | plan.tags_none <= known_tags, plan.code
        assert set(plan.workers) <= known_duties, plan.code
        assert set(plan.measures) <= set(labels.MEASURE_LABELS), plan.code
        assert set(plan.methods) <= set(labels.METHOD_LABELS), plan.code
    assert list(plan_rules().codes) == list(labels.PLAN_LABELS)


def test_every_plan_selects_only_residents_at_medium_or_high_risk():
    """The daily sync reads only medium- and high-risk residents; a plan for anyone else would never run."""
    for plan in plan_rules().plans:
        if plan.risk_any:
            assert plan.risk_any <= {"high", "medium"}, plan.code
        else:
            for tag in plan.tags_any:
                assert assess_risk([tag]).level in {"high", "medium"}, (plan.code, tag)


def test_a_plan_may_only_name_one_schedule_and_known_words():
    base = 'version = "x"\n[[plan]]\ncode = "A"\nwhen = { risk_any = ["high"] }\n'
    with pytest.raises(ValueError, match="exactly one"):
        parse_plan_rules(base + "schedule = { every_days = 1, per_day = 2 }")
    with pytest.raises(ValueError, match="measures"):
        parse_plan_rules(base + 'schedule = { every_days = 1 }\nmeasures = ["pulse"]')
    with pytest.raises(ValueError, match="risk levels"):
        parse_plan_rules(base.replace('"high"', '"red"') + "schedule = { every_days = 1 }")
    with pytest.raises(ValueError, match="times"):
        parse_plan_rules(base + 'schedule = { per_day = 2 }\ntimes = ["08:00"]')


# --- when checks fall due ---

HIGH = plan_rules().get("M-HIGH-DAILY")
MEDIUM = plan_rules().get("M-MEDIUM-3DAY")
DISCHARGED = plan_rules().get("M-DISCHARGED")
QUARANTINE = plan_rules().get("M-QUARANTINE")


def test_the_first_check_is_due_on_enrolment_or_on_the_next_follow_up_day():
    assert first_due(HIGH, today=TODAY, anchor=None) == TODAY
    assert first_due(DISCHARGED, today=TODAY, anchor=date(2026, 11, 22)) == date(2026, 11, 23)  # day 1
    assert first_due(DISCHARGED, today=TODAY, anchor=date(2026, 11, 21)) == date(2026, 11, 24)  # day 3
    assert first_due(DISCHARGED, today=TODAY, anchor=date(2026, 11, 1)) is None  # past day 14


@pytest.mark.parametrize(
    ("plan", "checked", "done_on", "done_count", "next_on", "slot"),
    [
        (HIGH, date(2026, 11, 23), None, 0, date(2026, 11, 24), 0),
        (MEDIUM, date(2026, 11, 23), None, 0, date(2026, 11, 26), 0),
        (QUARANTINE, date(2026, 11, 23), date(2026, 11, 22), 2, date(2026, 11, 23), 1),  # first today
        (QUARANTINE, date(2026, 11, 23), date(2026, 11, 23), 1, date(2026, 11, 24), 0),  # second today
        (DISCHARGED, date(2026, 11, 21), None, 0, date(2026, 11, 23), 0),  # day 1 done → day 3
        (DISCHARGED, date(2026, 11, 27), None, 0, date(2026, 12, 4), 0),  # day 7 done → day 14
        (DISCHARGED, date(2026, 12, 4), None, 0, None, 0),  # day 14 done: the plan is complete
    ],
)
def test_it_moves_the_next_check_after_one_that_reached_the_resident(
    plan, checked, done_on, done_count, next_on, slot
):
    due = due_after_check(
        plan, checked_on=checked, anchor=date(2026, 11, 20), done_on=done_on, done_count=done_count
    )
    assert (due.on, due.slot) == (next_on, slot)


def test_a_late_check_is_not_owed_twice():
    due = due_after_check(HIGH, checked_on=TODAY, anchor=None, done_on=None, done_count=0)
    assert due.on == date(2026, 11, 24)


# --- thresholds ---


@pytest.mark.parametrize(
    ("reading", "groups", "level", "codes"),
    [
        (Reading(spo2=97, temperature_c=36.8, respiratory_rate=18), ADULT, "", ()),
        (Reading(spo2=94), ADULT, "", ()),
        (Reading(spo2=93), ADULT, "abnormal", ("T-SPO2-LOW",)),
        (Reading(spo2=88), ELDER, "critical", ("T-SPO2-CRITICAL", "T-SPO2-LOW")),
        (Reading(spo2=90), COPD, "", ()),
        (Reading(spo2=88), COPD, "abnormal", ("T-SPO2-LOW-COPD",)),
        (Reading(spo2=84), COPD, "critical", ("T-SPO2-CRITICAL-COPD", "T-SPO2-LOW-COPD")),
        (Reading(spo2=95), CHILD_3, "abnormal", ("T-SPO2-LOW-CHILD",)),
        (Reading(temperature_c=38.4), ADULT, "", ()),
        (Reading(temperature_c=38.5), ADULT, "abnormal", ("T-TEMP-HIGH",)),
        (Reading(temperature_c=38.2), PREGNANT, "abnormal", ("T-TEMP-PREGNANT",)),
        (Reading(temperature_c=38.0), INFANT_1M, "critical", ("T-TEMP-INFANT",)),
        (Reading(temperature_c=41.2), ADULT, "critical", ("T-TEMP-HYPERPYREXIA", "T-TEMP-HIGH")),
        (Reading(respiratory_rate=24), ADULT, "", ()),
        (Reading(respiratory_rate=25), ADULT, "abnormal", ("T-RR-HIGH",)),
        (Reading(respiratory_rate=32), ELDER, "critical", ("T-RR-SEVERE", "T-RR-HIGH")),
        (Reading(respiratory_rate=32), CHILD_3, "", ()),
        (Reading(respiratory_rate=42), CHILD_3, "critical", ("T-RR-CHILD-1-5",)),
        (Reading(respiratory_rate=52), INFANT_6M, "critical", ("T-RR-INFANT-12M",)),
        (Reading(respiratory_rate=55), INFANT_1M, "", ()),
        (Reading(respiratory_rate=31), CHILD_8, "critical", ("T-RR-CHILD-5-14",)),
        (Reading(symptoms=("cough", "fatigue")), ADULT, "", ()),
        (Reading(symptoms=("cough", "chest_pain")), ADULT, "critical", ("T-SYMPTOM-RED",)),
        (Reading(psych_concern=True), ADULT, "abnormal", ("T-PSYCH-CONCERN",)),
    ],
)
def test_it_rates_readings_by_group(reading, groups, level, codes):
    result = assess(checked_reading(reading), groups)
    assert (result.level, result.rule_codes) == (level, codes)
    assert result.version == threshold_rules().version


@pytest.mark.parametrize(
    ("reading", "field"),
    [
        (Reading(spo2=101), "spo2"),
        (Reading(spo2=49), "spo2"),
        (Reading(spo2=95.5), "spo2"),
        (Reading(temperature_c=60), "temperature_c"),
        (Reading(temperature_c=29.9), "temperature_c"),
        (Reading(temperature_c=float("nan")), "temperature_c"),
        (Reading(respiratory_rate=0), "respiratory_rate"),
        (Reading(respiratory_rate=81), "respiratory_rate"),
        (Reading(symptoms=("sneezing",)), "symptoms"),
    ],
)
def test_it_refuses_values_that_cannot_be_real(reading, field):
    with pytest.raises(InvalidInput) as caught:
        checked_reading(reading)
    assert caught.value.field == field


def test_it_keeps_one_decimal_and_whole_numbers():
    reading = checked_reading(Reading(temperature_c=37.26, spo2=98.0, respiratory_rate=20))
    assert (reading.temperature_c, reading.spo2, reading.respiratory_rate) == (37.3, 98, 20)
    assert isinstance(reading.spo2, int)


@pytest.mark.parametrize(
    ("birth", "tags", "conditions", "expected", "absent"),
    [
        (
            date(2026, 10, 20),
            set(),
            set(),
            {"infant_under_2m", "infant_under_3m", "child_under_5"},
            {"adult"},
        ),
        (date(2026, 5, 20), set(), set(), {"infant_2_12m", "child_under_5"}, {"infant_under_3m"}),
        (date(2023, 6, 1), set(), set(), {"child_1_5", "child_under_5"}, {"child_5_14"}),
        (date(1950, 1, 1), {"chronic"}, {"copd"}, {"adult", "elderly_60", "copd", "chronic"}, {"pregnant"}),
        (date(1995, 1, 1), {"pregnant"}, set(), {"adult", "pregnant"}, {"elderly_60"}),
    ],
)
def test_it_puts_residents_in_groups(birth, tags, conditions, expected, absent):
    groups = groups_for(birth_date=birth, today=TODAY, tags=tags, conditions=conditions)
    assert expected <= groups and not absent & groups


def test_every_threshold_names_known_codes_and_has_a_label():
    rules = threshold_rules()
    for threshold in rules.thresholds:
        assert threshold.groups_any | threshold.groups_none <= set(GROUPS), threshold.code
        assert threshold.any_of <= set(rules.symptoms), threshold.code
    assert [t.code for t in rules.thresholds] == list(labels.THRESHOLD_LABELS)
    assert list(rules.symptoms) == list(labels.SYMPTOM_LABELS)


def test_a_threshold_file_with_unknown_words_is_refused():
    ranges = "[ranges]\ntemperature_c = [30, 45]\nspo2 = [50, 100]\nrespiratory_rate = [4, 80]\n"
    base = 'version = "x"\n' + ranges + '[[threshold]]\ncode = "A"\nmeasure = "spo2"\nat_most = 90\n'
    with pytest.raises(ValueError, match="level"):
        parse_threshold_rules(base + 'level = "severe"')
    with pytest.raises(ValueError, match="groups"):
        parse_threshold_rules(base + 'level = "critical"\ngroups_any = ["martians"]')
    with pytest.raises(ValueError, match="measure"):
        parse_threshold_rules(base.replace('"spo2"\nat', '"pulse"\nat') + 'level = "critical"')


@pytest.mark.parametrize("code", sorted(threshold_rules().red_symptoms))
def test_a_red_symptom_is_a_red_flag_to_the_triage_engine(code):
    """The case summary names the symptoms by their labels; the engine must read each red one as P1."""
    decision = triage(
        TriageInput(text="健康监测异常：" + labels.SYMPTOM_LABELS[code], channel="medical_hotline")
    )
    assert decision.urgency == "P1", (code, decision.decided_by)


# --- alerts ---


def test_the_alert_rules_name_known_codes():
    rules = alert_rules()
    assert set(rules.levels) == {"abnormal", "critical"}
    assert set(rules.routes) <= set(DISPOSITIONS)
    assert set(LINE_KINDS) == set(Line.Kind.values)
    assert list(rules.device_events) == list(labels.DEVICE_EVENT_LABELS)
    assert rules.escalate_after == 2
    assert rules.route_for("community_transfer").team == "grid"
    assert rules.route_for("call_120").line == "medical"
    assert rules.device.min_urgency == "P2"


def test_floors_raise_only_a_less_urgent_proposal():
    floor = alert_rules().levels["critical"]
    assert floor.raises("P3") and floor.raises("P4")
    assert not floor.raises("P2") and not floor.raises("P1")


def test_an_alert_file_with_unknown_words_is_refused():
    text = RULES_FILE.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="dispositions"):
        parse_alert_rules(text.replace("community_transfer = {", "teleport = {"))
    with pytest.raises(ValueError, match="min_urgency"):
        parse_alert_rules(text.replace('min_urgency = "P3"', 'min_urgency = "P9"'))


def test_every_rule_code_has_a_label():
    codes = [t.code for t in threshold_rules().thresholds] + list(plan_rules().codes)
    codes += [alert_rules().not_reached_code, *alert_rules().device_events]
    assert [code for code in codes if labels.rule_label(code) == code] == []


def test_the_risk_rules_the_plans_rely_on_exist():
    levels = set(risk_rules().levels)
    for plan in plan_rules().plans:
        assert plan.risk_any <= levels
