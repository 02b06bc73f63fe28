from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from anxin.hotline import lifecycle
from anxin.hotline.models import Case, Urgency
from anxin.hotline.sla import MILESTONES, parse_sla_rules, sla_due_at, sla_met_by, sla_rules, sla_state

OPENED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("urgency", "minutes"),
    [("P1", 2), ("P2", 10), ("P3", 24 * 60), ("P4", 0)],
)
def test_each_urgency_has_its_clock(urgency, minutes):
    assert sla_due_at(urgency, OPENED) == OPENED + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("urgency", "milestone", "met"),
    [
        ("P1", "dispatched", True),
        ("P1", "resolved", False),
        ("P2", "clinician_callback", True),
        ("P2", "resolved", False),
        ("P3", "resolved", True),
        ("P4", "closed", True),
        ("P4", "resolved", False),
    ],
)
def test_milestones_stop_the_right_clocks(urgency, milestone, met):
    assert sla_met_by(urgency, milestone) is met


def test_the_rules_file_covers_every_urgency_with_known_milestones():
    rules = sla_rules()
    assert set(rules.by_urgency) == set(Urgency.values)
    for rule in rules.by_urgency.values():
        assert rule.met_by <= MILESTONES


def test_it_rejects_a_rule_naming_an_unknown_milestone():
    with pytest.raises(ValueError, match="unknown milestones"):
        parse_sla_rules('version = "x"\n[urgency.P1]\nlabel = "x"\nminutes = 2\nmet_by = ["teleported"]\n')


def test_overdue_needs_an_unmet_clock_on_an_open_case():
    due = OPENED + timedelta(minutes=2)
    late = due + timedelta(seconds=1)
    assert sla_state(due_at=due, met_at=None, closed=False, now=late).overdue
    assert not sla_state(due_at=due, met_at=OPENED, closed=False, now=late).overdue
    assert not sla_state(due_at=due, met_at=None, closed=True, now=late).overdue
    assert sla_state(due_at=due, met_at=None, closed=False, now=OPENED).seconds_left == 120


def test_the_lifecycle_table_only_names_real_statuses():
    statuses = set(Case.Status.values)
    for sources, target in lifecycle.STEPS.values():
        assert sources <= statuses
        assert target is None or target in statuses
    assert set(lifecycle.STATUS_LABELS) == statuses


def test_a_closed_case_can_only_be_reopened():
    assert lifecycle.steps_available("closed") == ["reopen"]
