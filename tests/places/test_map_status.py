"""The compound map's status rules: which colour a household takes. Pure tables, no database."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest

from anxin.people.tags import TAG_LABELS, ResidentFacts, derive_tags
from anxin.places.epimap.labels import STATUS_LABELS
from anxin.places.epimap.status import (
    RULES_FILE,
    Tally,
    household_status,
    map_rules,
    parse_map_rules,
    tally,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("members", "status"),
    [
        ([], "plain"),
        ([[]], "plain"),
        ([["age_60", "age_80", "lives_alone", "chronic"]], "plain"),
        ([["child_under_3"], ["discharged"]], "plain"),
        ([["disabled"]], "special_need"),
        ([["dialysis"]], "special_need"),
        ([["chemo"]], "special_need"),
        ([["pregnant"], ["age_60"]], "special_need"),
        ([["quarantine_home"], ["disabled"]], "quarantine_home"),
        ([["quarantine_home"], ["quarantine_central"]], "quarantine_central"),
        ([["quarantine_central"], ["confirmed"], ["disabled"]], "confirmed"),
        ([["age_60", "confirmed"]], "confirmed"),
    ],
)
def test_a_household_takes_its_most_severe_members_status(members, status):
    assert household_status(members, map_rules()) == status


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (ResidentFacts(date(1990, 1, 1), quarantine_status="confirmed", quarantine_until=None), "confirmed"),
        (ResidentFacts(date(1990, 1, 1), quarantine_status="confirmed", quarantine_until=TODAY), "confirmed"),
        # A quarantine that ended yesterday no longer colours the household.
        (
            ResidentFacts(
                date(1990, 1, 1), quarantine_status="quarantine_home", quarantine_until=TODAY - timedelta(1)
            ),
            "plain",
        ),
        (ResidentFacts(date(1990, 1, 1), pregnant_due_date=TODAY + timedelta(30)), "special_need"),
        (ResidentFacts(date(1990, 1, 1), pregnant_due_date=TODAY - timedelta(3)), "plain"),
        (ResidentFacts(date(1940, 1, 1), disabled=True), "special_need"),
        (ResidentFacts(date(1940, 1, 1), lives_alone=True), "plain"),
    ],
)
def test_statuses_follow_the_residents_active_tags(facts, status):
    assert household_status([derive_tags(facts, TODAY)], map_rules()) == status


def test_the_rule_file_keeps_the_zhengzhou_legend_in_order():
    rules = map_rules()
    assert [s.code for s in rules.statuses] == [
        "confirmed",
        "quarantine_central",
        "quarantine_home",
        "special_need",
        "plain",
    ]
    assert rules.fallback.code == "plain" and not rules.fallback.tags


def test_every_tag_the_rules_name_is_a_known_tag():
    named = {tag for status in map_rules().statuses for tag in status.tags}
    assert named and named <= set(TAG_LABELS)


def test_the_status_labels_are_msgids():
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    assert sorted(spec["label"] for spec in data["status"]) == sorted(STATUS_LABELS)


def _rules(*statuses: str) -> str:
    return 'version = "t"\n' + "".join(statuses)


def _status(code: str, tags: str = "[]", colour: str = "#ffffff") -> str:
    return f'[[status]]\ncode = "{code}"\nlabel = "x"\ncolour = "{colour}"\nink = "#000000"\ntags = {tags}\n'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_rules(_status("a", '["nope"]'), _status("plain")), "unknown tags"),
        (_rules(_status("a", '["disabled"]'), _status("a")), "repeat a code"),
        (_rules(_status("a", '["disabled"]', colour="red"), _status("plain")), "#rrggbb"),
        (_rules(_status("plain"), _status("a", '["disabled"]')), "only it"),
        (_rules(_status("a"), _status("plain")), "only it"),
        (_rules(_status("a", '["disabled"]')), "only it"),
        (_rules(), "only it"),
        (_rules(_status("Bad code", '["disabled"]'), _status("plain")), "identifier"),
    ],
)
def test_a_broken_rule_file_is_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_map_rules(text, known_tags=TAG_LABELS)


def test_it_counts_households_and_people_for_every_status():
    counts = tally([("confirmed", 3), ("plain", 2), ("confirmed", 1), ("plain", 0)], map_rules())
    assert list(counts) == [s.code for s in map_rules().statuses]
    assert counts["confirmed"] == Tally(2, 4)
    assert counts["plain"] == Tally(2, 2)
    assert counts["special_need"] == Tally(0, 0)
