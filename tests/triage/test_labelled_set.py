"""The labelled set in data/triage: the safety bar issue 3 sets, checked on every run.

Under-triage of an emergency is the worst error: P1 recall must stay at or above 0.98, and no P1 case may be
proposed as P3 or P4. The full figures are in docs/triage.md (`anxin triage --eval`).
"""

from pathlib import Path

import pytest

from anxin.triage.codes import CATEGORIES, DISPOSITIONS, RED_FLAGS, URGENCIES
from anxin.triage.evaluate import evaluate

DATA = Path(__file__).resolve().parents[2] / "data" / "triage"


@pytest.fixture(scope="module")
def dev():
    with (DATA / "cases.jsonl").open("rb") as lines:
        return evaluate(lines)


def test_the_set_is_large_and_every_line_reads(dev):
    assert dev.cases >= 300
    assert dev.errors == []


def test_it_covers_every_code(dev):
    for name, codes in (("category", CATEGORIES), ("urgency", URGENCIES), ("disposition", DISPOSITIONS)):
        assert {code for code in codes if dev.tallies[name].gold[code]} == set(codes), name
    assert {flag for flag in RED_FLAGS if dev.tallies["red_flags"].gold[flag]} == set(RED_FLAGS)


def test_p1_recall_is_at_least_0_98(dev):
    assert dev.p1_recall >= 0.98


def test_no_p1_case_is_proposed_as_p3_or_p4(dev):
    assert dev.p1_under_triaged == 0
