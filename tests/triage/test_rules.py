"""One table per rule family: red flags, groups, channels, categories, and fields against text."""

import pytest

from anxin.triage import TriageInput
from anxin.triage.engine import triage_by_rules


def _decide(text, **fields):
    """The rules alone: these tables are about what each rule family does (the safety net only raises)."""
    return triage_by_rules(TriageInput(text, **fields))


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("宝宝三个月大，烧到三十八度六，刚才抽了一下", "convulsion"),
        ("孩子發燒抽蓄了，翻白眼", "convulsion"),
        ("我爸喘不上气", "dyspnea"),
        ("我邻居呼吸困男，喘得厉害", "dyspnea"),
        ("我妈血氧八十八", "spo2_low"),
        ("奶奶叫不醒了", "altered_consciousness"),
        ("老伴胸口疼得厉害，出冷汗", "chest_pain"),
        ("嘴唇发紫", "cyanosis"),
        ("我不想活了，药都准备好了", "suicidal_ideation"),
        ("我不想活了，现在站在楼顶上", "suicidal_ideation"),
    ],
)
def test_p1_red_flags_call_120(text, flag):
    decision = _decide(text)
    assert flag in decision.red_flags
    assert (decision.urgency, decision.disposition) == ("P1", "call_120")


@pytest.mark.parametrize(
    ("text", "fields", "flag", "disposition"),
    [
        ("宝宝两个月，发烧38度", {}, "infant_fever", "fever_clinic"),
        ("宝宝5个月，烧到39度2", {}, "infant_fever", "fever_clinic"),
        ("孕36周，见红了", {}, "pregnancy_warning", "doctor_callback"),
        ("感觉胎动少了", {"pregnancy_weeks": 33}, "pregnancy_warning", "doctor_callback"),
        ("高烧39度已经五天了", {}, "high_fever_persistent", "fever_clinic"),
        ("我爸尿毒症，小区封了去不了透析", {}, "dialysis_missed", "doctor_callback"),
        ("孩子上吐下泻一天没尿", {}, "severe_dehydration", "doctor_callback"),
        ("活着没意思，天天想死", {}, "suicidal_ideation", "psych_counselor"),
    ],
)
def test_p2_red_flags(text, fields, flag, disposition):
    decision = _decide(text, **fields)
    assert flag in decision.red_flags
    assert (decision.urgency, decision.disposition) == ("P2", disposition)


@pytest.mark.parametrize(
    ("text", "fields", "urgency", "disposition"),
    [
        ("阳了，发烧38度5，吃什么药", {}, "P4", "answer_closed"),
        ("我妈七十多岁，有高血压，发烧咳嗽", {}, "P3", "doctor_callback"),
        ("咳嗽两天", {"age": 68}, "P3", "doctor_callback"),
        ("我爷爷85岁，发烧38度2", {}, "P2", "doctor_callback"),
        ("在化疗，今天烧到38度3", {}, "P2", "fever_clinic"),
        ("发烧", {"conditions": ["cancer_chemo"], "temperature_c": 38.4}, "P2", "fever_clinic"),
        ("烧到41度2", {}, "P2", "fever_clinic"),
        ("孩子4岁，烧到39度5", {}, "P3", "doctor_callback"),
        ("孩子两岁，咳嗽", {"spo2": 95}, "P2", "doctor_callback"),
        ("糖尿病，血糖越来越高控制不住", {}, "P2", "doctor_callback"),
    ],
)
def test_group_thresholds(text, fields, urgency, disposition):
    decision = _decide(text, **fields)
    assert (decision.urgency, decision.disposition) == (urgency, disposition)


@pytest.mark.parametrize(
    ("text", "fields", "flag"),
    [
        ("血氧还行", {"spo2": 90}, "spo2_low"),
        ("宝宝有点热", {"age": 0.1, "temperature_c": 38.2}, "infant_fever"),
        ("肚子疼", {"pregnancy_weeks": 30}, "pregnancy_warning"),
        ("血氧97 还好", {"spo2": 91}, "spo2_low"),
    ],
)
def test_a_field_that_makes_it_more_urgent_wins(text, fields, flag):
    decision = _decide(text, **fields)
    assert flag in decision.red_flags
    field_evidence = [
        e for item in decision.explanation() if item.get("red_flag") == flag for e in item["evidence"]
    ]
    assert any(e["source"] == "field" for e in field_evidence)


def test_a_calmer_field_does_not_undo_the_words():
    assert "spo2_low" in _decide("血氧八十八", spo2=98).red_flags


@pytest.mark.parametrize(
    ("text", "channel", "category", "urgency", "disposition"),
    [
        ("一键呼叫器报警", "one_key_device", "medical_consult", "P2", "doctor_callback"),
        ("一键呼叫器报警，老人说喘不上气", "one_key_device", "emergency", "P1", "call_120"),
        ("我最近总是心里不舒服", "psych_hotline", "psych_support", "P3", "psych_counselor"),
        ("你好", "citizen_hotline", "other", "P4", "answer_closed"),
        ("你好", "medical_hotline", "medical_consult", "P4", "answer_closed"),
    ],
)
def test_channels(text, channel, category, urgency, disposition):
    decision = _decide(text, channel=channel)
    assert (decision.category, decision.urgency, decision.disposition) == (category, urgency, disposition)


@pytest.mark.parametrize(
    ("text", "category", "disposition"),
    [
        ("家里没菜了，能帮忙买点吗", "supplies", "volunteer_errand"),
        ("能不能帮我买点面条和鸡蛋", "supplies", "volunteer_errand"),
        ("降压药吃完了，出不去小区买不到", "medication", "medication_delivery"),
        ("隔离几天可以解封", "policy", "answer_closed"),
        ("加强针在哪里打", "vaccination", "answer_closed"),
        ("抗原两道杠是阳了吗", "testing", "answer_closed"),
        ("举报楼下药店哄抬物价", "report_clue", "department_dispatch"),
        ("投诉你们电话一直打不通", "complaint", "department_dispatch"),
        ("建议多开几个发药点", "suggestion", "answer_closed"),
        ("最近很焦虑，睡不着", "psych_support", "psych_counselor"),
        ("发热门诊在哪", "care_navigation", "fever_clinic"),
        ("我妈一个人住，打电话一直没人接", "care_navigation", "community_transfer"),
        ("我爸瘫痪在床，想打疫苗", "vaccination", "home_visit"),
    ],
)
def test_categories_and_their_dispositions(text, category, disposition):
    decision = _decide(text)
    assert (decision.category, decision.disposition) == (category, disposition)


@pytest.mark.parametrize("text", ["外面排队的人多不多，几点关门", "他一米八的个子，完蛋了钥匙丢了"])
def test_a_food_character_inside_another_word_is_no_supplies_cue(text):
    assert _decide(text).category != "supplies"


def test_the_most_urgent_concern_wins_in_a_mixed_message():
    decision = _decide("想问问小区什么时候送菜，另外我爸喘不上气")
    assert (decision.category, decision.urgency, decision.disposition) == ("emergency", "P1", "call_120")


@pytest.mark.parametrize(
    "text",
    ["寶寶兩個月大，發燒三十八度五", "宝宝两个月大🤒38.5℃", "宝宝２个月，发烧３８．５度"],
)
def test_traditional_fullwidth_and_emoji_read_the_same(text):
    assert "infant_fever" in _decide(text).red_flags


def test_each_fired_rule_explains_itself_with_the_words_that_triggered_it():
    text = "宝宝三个月大，烧到三十八度六，刚才抽了一下"
    decision = _decide(text)
    decisive = [item for item in decision.explanation() if item.get("decisive")]
    assert decisive[0]["rule"] == "rf.convulsion"
    span = decisive[0]["evidence"][0]["span"]
    assert text[span[0] : span[1]] == decisive[0]["evidence"][0]["quote"] == "抽了一下"
    assert decisive[0]["because"]


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("我爸血压一百五，要紧吗", "P3"),  # a reading out of range is a sign: never closed at first contact
        ("心跳一百二十多，没别的感觉", "P2"),
        ("我血压130/80，能打疫苗吗", "P4"),  # a normal reading is not
    ],
)
def test_a_reading_outside_its_normal_range_is_about_health(text, urgency):
    assert _decide(text).urgency == urgency
