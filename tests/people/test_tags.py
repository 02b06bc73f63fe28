from __future__ import annotations

from datetime import date

import pytest

from anxin.people.tags import TAG_LABELS, ResidentFacts, derive_tags, parse_tag_rules

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ResidentFacts(birth_date=date(1990, 1, 1)), []),
        (ResidentFacts(birth_date=date(1966, 11, 22)), ["age_60"]),
        (ResidentFacts(birth_date=date(1966, 11, 23)), []),
        (ResidentFacts(birth_date=date(1940, 1, 1), lives_alone=True), ["age_60", "age_80", "lives_alone"]),
        (ResidentFacts(birth_date=date(2025, 1, 1)), ["child_under_3"]),
        (ResidentFacts(birth_date=date(1995, 1, 1), pregnant_due_date=date(2027, 2, 1)), ["pregnant"]),
        (ResidentFacts(birth_date=date(1995, 1, 1), pregnant_due_date=date(2026, 1, 1)), []),
        (ResidentFacts(birth_date=date(1960, 1, 1), chronic_conditions=("diabetes",)), ["age_60", "chronic"]),
        (ResidentFacts(birth_date=date(1970, 1, 1), on_dialysis=True, on_chemo=True), ["dialysis", "chemo"]),
        (ResidentFacts(birth_date=date(1970, 1, 1), disabled=True), ["disabled"]),
        (ResidentFacts(birth_date=date(1970, 1, 1), discharged_on=date(2026, 11, 10)), ["discharged"]),
        (ResidentFacts(birth_date=date(1970, 1, 1), discharged_on=date(2026, 10, 1)), []),
        (
            ResidentFacts(
                birth_date=date(1970, 1, 1),
                quarantine_status="quarantine_home",
                quarantine_until=date(2026, 11, 25),
            ),
            ["quarantine_home"],
        ),
        (
            ResidentFacts(
                birth_date=date(1970, 1, 1),
                quarantine_status="quarantine_home",
                quarantine_until=date(2026, 11, 1),
            ),
            [],
        ),
        (ResidentFacts(birth_date=date(1970, 1, 1), quarantine_status="confirmed"), ["confirmed"]),
    ],
)
def test_it_derives_key_population_tags(facts, expected):
    assert derive_tags(facts, TODAY) == expected


def test_every_tag_has_a_chinese_label():
    assert all(label.strip() for label in TAG_LABELS.values())


def test_it_adds_tags_set_by_hand_after_the_derived_ones():
    facts = ResidentFacts(birth_date=date(1950, 1, 1), manual_tags=("needs_medicine", "mental_health"))
    assert derive_tags(facts, TODAY) == ["age_60", "mental_health", "needs_medicine"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = "x"\n[[derived]]\ncode = "a"\nwhen = { colour = "red" }', "unknown tag test"),
        ('version = "x"\n[[derived]]\ncode = "a"\nwhen = { flag = "rich" }', "unknown fact"),
        (
            'version = "x"\n[[derived]]\ncode = "a"\nwhen = { flag = "disabled" }\n[[manual]]\ncode = "a"',
            "repeat",
        ),
    ],
)
def test_it_refuses_a_broken_tag_table(text, message):
    with pytest.raises(ValueError, match=message):
        parse_tag_rules(text)
