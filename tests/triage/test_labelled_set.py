"""The labelled sets in data/triage: the safety bar issues 3 and 13 set, checked on every run.

Under-triage of an emergency is the worst error: on every labelled case the project holds (the development set,
the no-longer-blind holdout, the training cases and the blind sets after their first scored run), P1 recall must
stay at or above 0.98, and no P1 case may be proposed as P3 or P4. The full figures are in docs/triage.md
(`anxin triage --eval`).
"""

import itertools
from pathlib import Path

import pytest

from anxin.triage.codes import CATEGORIES, COMPLAINTS, DISPOSITIONS, RED_FLAGS, URGENCIES
from anxin.triage.evaluate import evaluate
from anxin.triage.safety_net.train import SCORED_BLIND_SETS

DATA = Path(__file__).resolve().parents[2] / "data" / "triage"
# A blind set joins only after its first scored run: until then nothing may be tuned on it, tests included.
LABELLED = sorted(
    [
        DATA / "cases.jsonl",
        DATA / "holdout.jsonl",
        *DATA.glob("train/*.jsonl"),
        *(DATA / n for n in SCORED_BLIND_SETS),
    ]
)


def _evaluate(paths):
    handles = [path.open("rb") for path in paths]
    try:
        return evaluate(itertools.chain.from_iterable(handles))
    finally:
        for handle in handles:
            handle.close()


@pytest.fixture(scope="module")
def labelled():
    return _evaluate(LABELLED)


def test_the_sets_are_large_and_every_line_reads(labelled):
    assert labelled.cases >= 800
    assert labelled.errors == []


def test_together_they_cover_every_code(labelled):
    for name, codes in (("category", CATEGORIES), ("urgency", URGENCIES), ("disposition", DISPOSITIONS)):
        assert {code for code in codes if labelled.tallies[name].gold[code]} == set(codes), name
    assert {flag for flag in RED_FLAGS if labelled.tallies["red_flags"].gold[flag]} == set(RED_FLAGS)
    assert {code for code in COMPLAINTS if labelled.tallies["complaint"].gold[code]} == set(COMPLAINTS)


def test_p1_recall_is_at_least_0_98(labelled):
    assert labelled.p1_recall >= 0.98


def test_no_p1_case_is_proposed_as_p3_or_p4(labelled):
    assert labelled.p1_under_triaged == 0
