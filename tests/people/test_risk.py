from __future__ import annotations

import pytest

from anxin.people.risk import assess_risk, parse_risk_rules, risk_rules
from anxin.people.risk_labels import LEVEL_LABELS, REASON_LABELS
from anxin.people.tags import TAG_LABELS, tag_rules


@pytest.mark.parametrize(
    ("tags", "level", "first_rule"),
    [
        ([], "low", None),
        (["age_60"], "low", None),
        (["age_60", "chronic"], "medium", "R-MEDIUM-60-CHRONIC"),
        (["age_60", "age_80"], "medium", "R-MEDIUM-80"),
        (["age_60", "age_80", "lives_alone"], "high", "R-HIGH-80-ALONE"),
        (["age_60", "chronic", "lives_alone"], "high", "R-HIGH-60-CHRONIC-ALONE"),
        (["dialysis"], "high", "R-HIGH-TREATMENT"),
        (["chemo", "pregnant"], "high", "R-HIGH-TREATMENT"),
        (["pregnant"], "medium", "R-MEDIUM-PREGNANT"),
        (["child_under_3"], "medium", "R-MEDIUM-INFANT"),
        (["quarantine_home"], "medium", "R-MEDIUM-QUARANTINE"),
        (["confirmed", "quarantine_home"], "high", "R-HIGH-CONFIRMED"),
        (["discharged"], "high", "R-HIGH-DISCHARGED"),
        (["mental_health"], "medium", "R-MEDIUM-MENTAL"),
        (["lives_alone"], "low", None),
    ],
)
def test_it_rates_risk_from_tags(tags, level, first_rule):
    risk = assess_risk(tags)
    assert risk.level == level
    assert (risk.rule_codes[0] if risk.rule_codes else None) == first_rule


def test_it_keeps_every_fired_rule_as_the_reason_the_deciding_one_first():
    risk = assess_risk(["age_60", "age_80", "chronic", "lives_alone"])
    assert risk.rule_codes[:3] == ("R-HIGH-80-ALONE", "R-HIGH-80-CHRONIC", "R-HIGH-60-CHRONIC-ALONE")
    assert "R-MEDIUM-80" in risk.rule_codes
    assert risk.version == risk_rules().version


def test_every_risk_rule_names_known_tags_and_has_a_reason():
    known = set(TAG_LABELS)
    for rule in risk_rules().rules:
        assert rule.any_tags | rule.all_tags <= known, rule.code
    assert {rule.code for rule in risk_rules().rules} == set(REASON_LABELS)
    assert set(LEVEL_LABELS) == set(risk_rules().levels)


def test_every_tag_rule_has_a_label_and_nothing_else_does():
    rules = tag_rules()
    assert [code for code, _ in rules.derived] + list(rules.manual) == list(TAG_LABELS)


@pytest.mark.parametrize(
    "text",
    [
        'version = "x"\nlevels = ["high", "low"]\n[[rule]]\ncode = "A"\nlevel = "high"\nany_tags = ["x"]',
        'version = "x"\nlevels = ["high", "medium", "low"]\n[[rule]]\ncode = "A"\nlevel = "severe"\nany_tags = ["x"]',
        'version = "x"\nlevels = ["high", "medium", "low"]\n[[rule]]\ncode = "A"\nlevel = "high"',
    ],
)
def test_it_refuses_a_broken_risk_table(text):
    with pytest.raises(ValueError, match=r"level|tags"):
        parse_risk_rules(text)
