"""Negation, history and hypotheticals: what a caller denies, remembers or fears does not fire."""

import pytest

from anxin.triage import TriageInput, triage
from anxin.triage.context import Polarity, polarity


def _polarity(text, cue):
    start = text.index(cue)
    return polarity(text, start, start + len(cue))


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        ("没有呼吸困难", "呼吸困难", Polarity.NEGATED),
        ("孩子不喘", "喘", Polarity.NEGATED),
        ("无胸痛", "胸痛", Polarity.NEGATED),
        ("胸痛倒是没有", "胸痛", Polarity.NEGATED),
        ("上次抽搐是三年前", "抽搐", Polarity.HISTORY),
        ("以前得过心梗", "心梗", Polarity.HISTORY),
        ("万一抽搐怎么办", "抽搐", Polarity.HYPOTHETICAL),
        ("会不会呼吸困难", "呼吸困难", Polarity.HYPOTHETICAL),
        ("不知道是不是抽搐", "抽搐", Polarity.PRESENT),
        ("烧一直不退还喘", "喘", Polarity.PRESENT),
        ("没有发烧但是呼吸困难", "呼吸困难", Polarity.PRESENT),
        ("三年前抽过，今天又抽了", "又抽", Polarity.PRESENT),
        ("没法呼吸", "呼吸", Polarity.PRESENT),
        ("隔壁床大爷呼吸困难被推走了，我爸就是有点咳", "呼吸困难", Polarity.SOMEONE_ELSE),
        ("同事昨天抽搐送医院了，我们办公室要不要测核酸", "抽搐", Polarity.SOMEONE_ELSE),
        # a neighbour calling about a neighbour, or the caller's own people, still count
        ("邻居家老人喘不上气，你们快来", "喘不上气", Polarity.PRESENT),
        ("邻居说我爸喘不上气被拉走了，我妈也喘", "喘不上气", Polarity.PRESENT),
        ("楼下大爷胸口疼送医院了", "胸口疼", Polarity.PRESENT),
        # a long-past time sets the scene across commas until the caller comes back to now
        ("我去年心脏骤停过一回，是同事做心肺复苏救回来的", "心肺复苏", Polarity.HISTORY),
        ("我爸去年中过风，刚才又嘴歪了", "嘴歪", Polarity.PRESENT),
        ("两年前摔过一跤，后来一直头疼", "头疼", Polarity.PRESENT),
        ("上个月做了支架，这几天胸口疼", "胸口疼", Polarity.PRESENT),
        # someone else named by where they live, already taken by 120
        ("群里说3栋有个宝宝高烧抽筋被120拉走了，我家老二也流鼻涕", "抽筋", Polarity.SOMEONE_ELSE),
        ("喘气跟平时一样", "喘", Polarity.NEGATED),
        ("不头晕，不心慌", "心慌", Polarity.NEGATED),
        ("阿司匹林那些抗凝的都没吃", "阿司匹林", Polarity.NEGATED),
        ("阿司匹林天天吃", "阿司匹林", Polarity.PRESENT),
        ("真的带娃带到喘不过气了", "喘不过气", Polarity.FIGURATIVE),
        ("咳嗽咳到喘不过气", "喘不过气", Polarity.PRESENT),
        ("昨晚刷到一个视频，说我们隔壁小区有人跳楼了", "跳楼", Polarity.HYPOTHETICAL),
        ("眼皮肿了，头先吃了些海鲜，没气喘", "喘", Polarity.NEGATED),
        ("现在喘气、说话、咽东西都跟平常一样", "喘", Polarity.NEGATED),
        ("宿舍小李刚才过敏喉咙肿，已经被120拉走了。我胳膊上起了几个红点", "喉咙肿", Polarity.SOMEONE_ELSE),
        ("隔壁床大爷半夜心跳停了被推去抢救，我妈吓坏了", "心跳停", Polarity.SOMEONE_ELSE),
        ("也没吃阿司匹林那些抗凝的药", "抗凝", Polarity.NEGATED),
        ("万一半夜噎着了、心脏停了，起码有人知道", "心脏停", Polarity.HYPOTHETICAL),
        ("他噎着了、现在喘不上气", "喘不上气", Polarity.PRESENT),
        ("前院老张家煤气中毒，昨儿让幺二零给拉走了，俺们家也烧炉子", "煤气中毒", Polarity.SOMEONE_ELSE),
        (
            "隔壁老王昨晚突然倒下没了呼吸，家里人按了半天胸口，后来被120拉走了。他儿媳妇头疼",
            "没了呼吸",
            Polarity.SOMEONE_ELSE,
        ),
    ],
)
def test_it_reads_the_polarity_of_a_cue(text, cue, expected):
    assert _polarity(text, cue) is expected


@pytest.mark.parametrize(
    "text",
    [
        "没有呼吸困难，血氧97 还好",
        "上次抽搐是三年前，这次就是有点咳嗽",
        "万一孩子抽搐了怎么办？想提前问问",
        "不胸痛也不喘，就是嗓子疼",
        "嘴唇没有发紫，精神还可以",
        "以前犯过心梗，现在阳了，胸口不疼，就是没力气",
        "不憋气，胸口也不痛，就是浑身没力气",
        "新闻说有孩子发烧抽搐了，我家孩子七岁，要注意什么",
        "我抽烟抽了三十来年了，这两天早上咳嗽，痰里带点血丝",
        "我爸高血压吃了好多年药，这两天后脑勺有点发胀",
        "建议物业装个除颤仪，真有人倒下就晚了，社区能不能组织大家学学心肺复苏？",
        "宝宝刚才打嗝打了十分钟，小脸憋得通红，现在停了，吃奶正常",
        "孕30周 没见红没流水 胎动也挺好 就是这几天脚脖子肿 晚上小腿还抽筋",
        "村卫生所那个新来的爱答不理的，气得俺回家喘不上气，这是啥服务态度",
        "煮粥忘关火，锅烧糊了，满屋子焦味，人都没事，烧黑的锅还能用吗？",
        "我们楼有人囤了一堆退烧药在群里高价卖，一盒布洛芬要两百",
    ],
)
def test_hard_negatives_are_not_p1(text):
    decision = triage(TriageInput(text))
    assert decision.urgency != "P1"
    assert decision.red_flags == ()


def test_the_explanation_lists_what_was_set_aside():
    decision = triage(TriageInput("没有呼吸困难，上次抽搐是三年前"))
    ignored = {(item["rule"], item["ignored"]) for item in decision.explanation() if "ignored" in item}
    assert ("rf.dyspnea", "negated") in ignored
    assert ("rf.convulsion", "history") in ignored


def test_another_persons_hospital_does_not_make_the_callers_question_finding_care():
    decision = triage(TriageInput("隔壁老太太前两天中风住院了，我妈也有高血压，平时要注意点啥？"))
    assert (decision.urgency, decision.category) == ("P4", "medical_consult")
    assert decision.complaint != "stroke"


def test_words_a_milder_rule_outweighed_are_set_aside_for_the_safety_net():
    decision = triage(TriageInput("手指切了个大口子，流了很多血，现在按住止住了"))
    outweighed = [item for item in decision.ignored if item.reason is Polarity.OUTWEIGHED]
    assert [item.rule_id for item in outweighed] == ["rf.major_bleeding"]
    assert decision.urgency == "P2"


def test_the_name_of_a_fever_clinic_is_no_fever():
    decision = triage(TriageInput("发热门诊几点关门"))
    assert (decision.category, decision.complaint) == ("care_navigation", None)


@pytest.mark.parametrize(
    "text",
    [
        "上个月吃海鲜过敏，嗓子都肿了，去急诊打了针，现在早好了，想问以后还能不能吃虾",
        "前几天搬东西闪了腰，现在好多了，能正常上班了，想问还要不要继续贴膏药",
        "刚才吃饭太急噎了一下，我自己咳出来了。现在呼吸正常，说话吞东西都没问题",
    ],
)
def test_better_now_is_answered_at_first_contact(text):
    decision = triage(TriageInput(text, age=35))
    assert (decision.urgency, decision.disposition) == ("P4", "answer_closed"), decision.decided_by
    assert decision.minor


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("插座漏电，我被电了一下，现在没事了，想问要不要紧", "P3"),  # a shock stays at its protocol's level
        ("刚才抽搐了两分钟，现在好了", "P1"),  # a discriminator still fires on its own words
        ("孩子卡住了，拍出来了但还是不正常，喘不上气", "P1"),
    ],
)
def test_better_now_leaves_the_discriminators_and_the_protocols_that_hold(text, urgency):
    assert triage(TriageInput(text, age=35)).urgency == urgency


def test_cantonese_function_words_are_read_as_mandarin():
    # 食咗 → 吃了 makes the seafood an allergen; 冇气喘 denies breathlessness
    decision = triage(TriageInput("我眼皮肿到好似金鱼咁，头先食咗啲海鲜，冇气喘"))
    assert decision.urgency == "P2", decision.decided_by
