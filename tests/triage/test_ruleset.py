"""The rule files name only known codes, every clinical rule cites its source, and a typo fails loudly."""

import pytest

from anxin.triage.codes import CATEGORIES, DISPOSITIONS, RED_FLAGS, URGENCIES
from anxin.triage.ruleset import RULE_FILES, RULES_DIR, RulesetError, default_ruleset, parse_ruleset


def test_every_code_the_rules_name_is_known():
    ruleset = default_ruleset()
    for rule in ruleset.rules:
        assert rule.urgency in URGENCIES
        assert rule.disposition in DISPOSITIONS
        assert rule.flag is None or rule.flag in RED_FLAGS
        assert rule.category is None or rule.category in CATEGORIES
    assert {c.code for c in ruleset.categories} == set(CATEGORIES) - {"emergency"}


def test_every_red_flag_has_a_rule_and_every_rule_cites_its_source():
    ruleset = default_ruleset()
    assert {rule.flag for rule in ruleset.rules if rule.flag} == set(RED_FLAGS)
    assert all(rule.source and rule.because and rule.because_en for rule in ruleset.rules)


def test_the_version_changes_with_the_rules():
    documents = {name: (RULES_DIR / name).read_text(encoding="utf-8") for name in RULE_FILES}
    before = parse_ruleset(documents).version
    documents["groups.toml"] += "\n# reviewed\n"
    assert parse_ruleset(documents).version != before


def _ruleset_with(rule_toml: str):
    documents = {name: (RULES_DIR / name).read_text(encoding="utf-8") for name in RULE_FILES}
    documents["extra.toml"] = rule_toml
    return parse_ruleset(documents)


BASE = 'id = "x.test"\nurgency = "P2"\ndisposition = "doctor_callback"\nbecause = "b"\nbecause_en = "b"\nsource = "s"\n'


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('flag = "fever"', "unknown red flag"),
        ('patterns = ["(unclosed"]', "bad pattern"),
        ('needs = ["nothing"]', "unknown cue"),
        ('groups_any = ["teenagers"]', "unknown group"),
        ("temprature_min = 38", "unknown keys"),
    ],
)
def test_a_mistake_in_a_rule_file_is_named(extra, message):
    with pytest.raises(RulesetError, match=message):
        _ruleset_with(f"[[rule]]\n{BASE}{extra}\n")


def test_an_unknown_urgency_is_named():
    with pytest.raises(RulesetError, match="unknown urgency"):
        _ruleset_with(f"[[rule]]\n{BASE.replace('P2', 'P0')}")
