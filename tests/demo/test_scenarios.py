"""Pure checks of the demo's data tables: every code they name is a known code. No database."""

from __future__ import annotations

import random
import string
from datetime import date

import pytest

from anxin.demo.numbers import NumberBook
from anxin.demo.population import PopulationBuilder, assign_chronic, assign_key_facts
from anxin.demo.scenarios import DRUGS, SCENARIOS
from anxin.demo.staff import LINES
from anxin.hotline.models import Callback, Category, Channel, Disposition, Urgency
from anxin.people.identity import age_on, parse_id_number
from anxin.people.tags import CONDITION_LABELS

SUBJECT_POOLS = {
    "none", "infant", "toddler", "child", "adult", "elderly", "age80", "elderly_alone", "chronic_elderly",
    "pregnant", "dialysis", "chemo", "discharged", "disabled", "quarantine", "locked", "locked_chronic",
    "locked_dialysis", "locked_pregnant",
}  # fmt: skip
PLACEHOLDERS = {
    "age", "months", "weeks", "days", "temp", "high", "spo2", "who", "condition", "drug", "compound",
    "building", "hospital", "centre", "name", "dept",
}  # fmt: skip
LINE_CODES = {code for code, *_ in LINES}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.code)
def test_it_names_only_known_codes(scenario):
    assert scenario.category in Category.values
    assert scenario.urgency in Urgency.values
    assert scenario.disposition in Disposition.values
    assert set(scenario.channels) <= set(Channel.values)
    assert set(scenario.lines) <= LINE_CODES
    assert scenario.subject in SUBJECT_POOLS
    assert scenario.callback_role in {"clinician", "family_doctor", "counsellor"}
    if scenario.urgency == Urgency.P4:
        assert scenario.disposition == Disposition.ANSWER_CLOSED  # P4 is closed at first contact
    for text in (*scenario.summaries, *scenario.resolutions, scenario.handoff):
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        assert fields <= PLACEHOLDERS, (scenario.code, fields - PLACEHOLDERS)


def test_it_knows_a_drug_for_every_condition():
    assert set(DRUGS) == set(CONDITION_LABELS)
    assert Callback.Kind.CONSULT in Callback.Kind.values


def test_it_draws_realistic_key_population_prevalence():
    today = date(2026, 1, 15)
    rng = random.Random(20221218)
    builder = PopulationBuilder(rng, today, NumberBook(rng, area_code="440309"))
    residents = []
    while len(residents) < 15_000:
        residents.extend(builder.household(*builder.sample_shape()))
    assign_chronic(rng, residents, today)
    assign_key_facts(rng, residents, today)
    ages = [age_on(r.birth_date, today) for r in residents]
    total = len(residents)
    elderly = [r for r, age in zip(residents, ages, strict=True) if age >= 60]
    over_40 = [r for r, age in zip(residents, ages, strict=True) if age >= 40]

    assert 0.16 <= len(elderly) / total <= 0.21
    assert 0.018 <= sum(age >= 80 for age in ages) / total <= 0.032
    assert 0.06 <= sum(r.lives_alone for r in elderly) / len(elderly) <= 0.10
    assert 0.02 <= sum(age < 3 for age in ages) / total <= 0.04
    assert 0.008 <= sum(r.pregnant_due_date is not None for r in residents) / total <= 0.012
    assert 0.20 <= sum(bool(r.chronic_conditions) for r in over_40) / len(over_40) <= 0.30
    assert 0.012 <= sum(r.disabled for r in residents) / total <= 0.018
    assert all(set(r.chronic_conditions) <= set(CONDITION_LABELS) for r in residents)
    for resident in residents[:2000]:
        info = parse_id_number(resident.id_number, today=today)
        assert (info.birth_date, info.sex) == (resident.birth_date, resident.sex)
    assert len({r.id_number for r in residents}) == total
