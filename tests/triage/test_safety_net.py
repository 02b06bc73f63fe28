"""The learned safety net: it can only raise a proposal, says what it read and why, ships trained on the
current labelled cases, and can be switched off."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.triage import TriageInput, triage
from anxin.triage.codes import COMPLAINTS, URGENCIES, urgency_rank
from anxin.triage.engine import triage_by_rules
from anxin.triage.safety_net import default_safety_net, enabled
from anxin.triage.safety_net.model import NONE, Opinion
from anxin.triage.safety_net.review import Thresholds, review
from anxin.triage.safety_net.train import main as train_main

THRESHOLDS = Thresholds(p1=0.6, p2=0.7, health=0.7)
WORDS = [
    "我妈",
    "突然",
    "嘴歪",
    "说不出话",
    "吃饭",
    "发烧",
    "三十九度",
    "喘",
    "没菜了",
    "孩子",
    "摔了",
    "头疼",
    "不想活",
    "怀孕",
    "流血",
    "隔离几天",
    "核酸",
    "谢谢",
    "胸口",
    "压着",
    "没有",
    "以前",
    "万一",
    "，",
    "。",
    "😭",
    "救命",
    "一股煤气味",
    "没人不舒服",
]
texts = st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=6), min_size=1, max_size=12).map(
    "".join
)
probabilities = st.lists(st.floats(0, 1), min_size=4, max_size=4).map(
    lambda ps: {u: p / (sum(ps) or 1) for u, p in zip(URGENCIES, ps, strict=True)}
)
opinions = st.builds(
    Opinion,
    urgency=probabilities,
    complaint=st.sampled_from([*COMPLAINTS, NONE]),
    complaint_score=st.floats(0, 1),
    health=st.floats(0, 1),
    words=st.just(()),
)


def _label(code):
    return code


@settings(max_examples=300, deadline=None)
@given(text=texts, opinion=opinions, age=st.none() | st.floats(0, 110))
def test_the_net_can_never_lower_a_proposal(text, opinion, age):
    if not text.strip():
        return
    rules = triage_by_rules(TriageInput(text, age=age))
    reviewed = review(rules, opinion, THRESHOLDS, _label)
    assert urgency_rank(reviewed.urgency) <= urgency_rank(rules.urgency)
    assert set(rules.red_flags) <= set(reviewed.red_flags)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_the_whole_engine_is_never_below_its_rules(text):
    if not text.strip():
        return
    inp = TriageInput(text)
    assert urgency_rank(triage(inp).urgency) <= urgency_rank(triage_by_rules(inp).urgency)


def _opinion(p1: float, complaint: str = "stroke", health: float = 0.99) -> Opinion:
    rest = (1 - p1) / 3
    return Opinion({"P1": p1, "P2": rest, "P3": rest, "P4": rest}, complaint, 0.83, health, ("脸", "歪"))


def test_it_raises_what_reads_like_an_emergency_and_says_why():
    rules = triage_by_rules(TriageInput("家里没菜了"))
    raised = review(rules, _opinion(0.9), THRESHOLDS, _label)
    assert (raised.urgency, raised.disposition, raised.category) == ("P1", "call_120", "emergency")
    assert raised.decided_by == "model.safety_net" and raised.complaint == "stroke"
    item = next(i for i in raised.explanation() if i["rule"] == "model.safety_net")
    assert item["decisive"] and item["reads_like"] == "stroke" and item["score"] == 0.83
    assert item["words"] == ["脸", "歪"] and "stroke" in item["because"]


def test_a_reading_below_the_thresholds_is_shown_but_changes_nothing():
    rules = triage_by_rules(TriageInput("隔离几天可以解封"))
    reviewed = review(rules, _opinion(0.1, complaint=NONE, health=0.1), THRESHOLDS, _label)
    assert (reviewed.urgency, reviewed.category, reviewed.decided_by) == ("P4", "policy", rules.decided_by)
    item = next(i for i in reviewed.explanation() if i["rule"] == "model.safety_net")
    assert item["decisive"] is False and item["raised"] is False


def test_a_health_reading_does_not_undo_a_rule_that_judged_it_minor():
    rules = triage_by_rules(TriageInput("阳了，发烧38度5，吃什么药"))
    assert rules.minor and rules.urgency == "P4"
    reviewed = review(rules, _opinion(0.05, complaint="fever", health=0.99), THRESHOLDS, _label)
    assert reviewed.urgency == "P4"


def test_a_health_reading_does_not_lower_a_hazard_sent_to_a_department():
    rules = triage_by_rules(TriageInput("楼道里一股煤气味，家里人都没有不舒服，怎么办"))
    assert (rules.urgency, rules.disposition) == ("P2", "department_dispatch")
    reviewed = review(rules, _opinion(0.05, complaint="inhalation", health=0.99), THRESHOLDS, _label)
    assert (reviewed.urgency, reviewed.disposition) == ("P2", "department_dispatch")


def test_the_shipped_model_is_trained_on_the_current_cases():
    assert train_main(["--check"]) == 0, "retrain: python -m anxin.triage.safety_net.train"


def test_it_is_on_by_default_and_can_be_switched_off(monkeypatch):
    assert enabled() and default_safety_net() is not None
    assert any(i["rule"] == "model.safety_net" for i in triage(TriageInput("头疼")).explanation())
    monkeypatch.setenv("ANXIN_TRIAGE_SAFETY_NET", "false")
    assert default_safety_net() is None
    assert all(i["rule"] != "model.safety_net" for i in triage(TriageInput("头疼")).explanation())


@pytest.mark.parametrize("text", ["气得我要中风了", "谢谢你们，我妈已经好了"])
def test_plain_messages_are_not_raised_to_p1(text):
    assert triage(TriageInput(text)).urgency != "P1"
