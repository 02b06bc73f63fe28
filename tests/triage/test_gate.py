"""The gates that let the engine skip patterns: they may only ever skip what could not have matched."""

import json
import re
from pathlib import Path

import pytest

from anxin.triage.gate import GatedPattern, GateIndex, required_chars, text_grams
from anxin.triage.normalize import normalise
from anxin.triage.ruleset import default_ruleset

DATA = Path(__file__).resolve().parents[2] / "data" / "triage"


def _texts() -> list[str]:
    texts = []
    for path in [DATA / "cases.jsonl", DATA / "holdout.jsonl", *sorted((DATA / "train").glob("*.jsonl"))]:
        with path.open(encoding="utf-8") as lines:
            texts += [normalise(json.loads(line)["text"]) for line in lines]
    return texts


def _patterns() -> list[GatedPattern]:
    ruleset = default_ruleset()
    rules = [*ruleset.general_rules, *ruleset.modifiers]
    patterns = [rule.pattern for rule in rules if rule.pattern is not None]
    patterns += [p.recognise for p in ruleset.protocols.values() if p.recognise is not None]
    patterns += [p for c in ruleset.categories for p in (c.strong, c.cues) if p is not None]
    return patterns


def _spans(regex: re.Pattern | None, text: str) -> list[tuple[int, int]]:
    return [] if regex is None else [m.span() for m in regex.finditer(text)]


def test_a_narrowed_pattern_finds_exactly_what_the_whole_pattern_finds():
    texts, patterns = _texts(), _patterns()
    assert len(texts) > 2000 and len(patterns) > 150
    narrowed = 0
    for text in texts:
        grams = text_grams(text)
        for pattern in patterns:
            regex = pattern.narrow(grams)
            narrowed += regex is not None and regex is not pattern.regex
            assert _spans(regex, text) == _spans(pattern.regex, text), (pattern.regex.pattern[:80], text)
    assert narrowed > 1000  # the narrowing is actually used


@pytest.mark.parametrize(
    "alternatives, text, expected",
    [
        (("(?:抽搐)", "(?:翻白眼)", "(?:口吐白沫)"), "孩子突然翻白眼", "(?:翻白眼)"),
        (("(?:抽搐)", "(?:翻白眼)", "(?:口吐白沫)"), "孩子发烧了", None),
        # an alternative with nothing provable always stays
        (("(?:抽搐)", "(?:翻白眼)", r"(?:\d+次)?"), "翻白眼", r"(?:翻白眼)|(?:\d+次)?"),
        # a common start the parser factors out must not let an empty pattern through
        (("(?:发热门诊)", "(?:发热诊室)", "(?:发热病房)"), "发烧了", None),
    ],
)
def test_narrow_keeps_only_the_alternatives_the_text_can_match(alternatives, text, expected):
    pattern = GatedPattern(re.compile("|".join(alternatives)), alternatives)
    regex = pattern.narrow(text_grams(text))
    assert (regex.pattern if regex is not None else None) == expected


def test_required_chars_is_exact_or_absent():
    assert required_chars("抽搐|抽风") in ({"抽"}, {"抽搐", "抽风"})
    assert required_chars("(没|不)?喘") == {"喘"}
    assert required_chars("a?b?") is None


def test_gate_index_skips_only_what_cannot_match():
    index = GateIndex({"seizure": GatedPattern(re.compile("抽搐")), "free": None})
    assert index.candidates(text_grams("他抽搐了")) == {"seizure", "free"}
    assert index.candidates(text_grams("他发烧了")) == {"free"}
    assert index.candidates(text_grams("他发烧了"), always=False) == set()
