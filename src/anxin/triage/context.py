"""Is a matched symptom said of now, or denied, past, or only feared?

A caller's sentence is cut into clauses at punctuation and at 但/可是/不过; a cue is read inside its clause only.
"没有呼吸困难", "不喘" deny it, and so does "喘气都正常"; "上次抽搐是三年前" puts it in the past; "万一抽搐怎么办" only fears it;
"气得我要中风了" is a figure of speech; "隔壁床大爷呼吸困难被推走了，我爸就是有点咳" is someone else, already in care.
Anything else counts: when unsure, the cue stands, because missing an emergency costs more than a false alarm.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Polarity(StrEnum):
    PRESENT = "present"
    NEGATED = "negated"
    HISTORY = "history"
    HYPOTHETICAL = "hypothetical"
    FIGURATIVE = "figurative"
    SOMEONE_ELSE = "someone_else"
    # not a reading of the words' context: a milder rule that names the case ("按住止住了", "打呼噜…憋气")
    # outweighed the rule these words fired (its ``unless``)
    OUTWEIGHED = "outweighed"


_CLAUSE_BREAK = re.compile(
    r"[,.;!?，。；！？、\n~～…:：]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|但是|但|可是|不过|然而|现在|刚才|刚刚|今天|昨天|后来"
)
# Phrases that start with a negation word but do not negate what follows.
_NOT_NEGATION = re.compile(
    r"有没有|是不是|是否|要不要|能不能|会不会|不知道|不清楚|不确定|不会说|不停|不止|不断|不退|不了|不住|不行|不好|不对|不舒服|没法|没办法|没人|无法|不能"
)
# A negation word counts only when nothing but a filler stands between it and the cue ("不动" is a verb).
_NEGATION_BEFORE = re.compile(
    r"(?:没有|没|无|未|否认|不|并无)(?:明显|明显的|太|怎么|怎么样|是很|很|是|再|有|出现|发生|感觉|觉得|见|什么|啥子|啥|任何|的|过|一点|想|要|打算|会|到|看见|看到|发现|见到|见|气(?=$)|磕着|磕到|摔着|碰着|得|哪个|哪一个|谁|人|吃|服|用|阿司匹林|华法林|那些|这些|之类的?)*"
    # "没得哪个头痛想吐", "没有发烧咳嗽": one denial over a list of signs
    r"(?:(?:头痛|头疼|头晕|头昏|恶心|想吐|呕吐|发烧|发热|咳嗽|胸闷|胸痛|肚子疼|腹泻|拉肚子)(?:和|、|或|也|跟|或者)?)*$"
)
# "胸痛倒是没有": the denial closes the clause ("满月没几天" is not a denial).
_NEGATION_AFTER = re.compile(
    r"^(?:倒是|倒|也|都|是|的情况)?(?:没有|没|无|不是)(?:的|了|啊|呀|过)?$|"
    r"^(?:那些|这些|之类的?|等|什么的)?(?:抗凝的?|抗凝药)?的?药?(?:都|也|一直|从来|根本)?(?:没有|没|不)(?:吃|用|服|在吃)(?:过|的|了)?$"
)
# "说话喘气都正常", "喘气也匀": the clause says the sign is normal.
_NORMAL_AFTER = re.compile(
    r"^气?(?:[、和跟与]?(?:说话|讲话|吃饭|吃东西|咽东西|吞咽|走路|精神|睡觉|吃喝|脸色|嘴唇|咽唾沫|咽口水|吞口水|喝水))*(?:啥的|什么的|等)?(?:也|都|倒|还)*(?:是)?(?:得|的)?(?:很|挺|蛮|还)?"
    r"(?:正常|挺正常|好好的|挺好|很好|没事|没问题|匀|顺|平稳|利索|清楚|不费劲|不费力|行|可以|不快|不急|不碍事|顺溜|不憋|没毛病|"
    r"(?:跟|和|同|像)(?:平时|平常|往常|以前|原来)(?:一样|差不多))(?:的|了|啊)?$"
)
_COMPARISON = re.compile(r"比(以前|之前|上次|原来|平时|昨天)")
_HISTORY_AFTER = re.compile(
    r"([0-9一二两三四五六七八九十几]+|好几|很多)(年|个月)(前|以前)|小时候|年轻时|^史|^病史"
)
_HISTORY = re.compile(
    r"上次|上回|以前|曾经|既往|去年|前年|小时候|年轻时|早年|很久以前|好几年前|几年前|多年前|上个月|上个?礼拜|上个?星期|上周|"
    r"[0-9一二两三四五六七八九十几]+年前|[0-9一二两三四五六七八九十几]+个月前|病史|上一胎|上胎|头胎那次|生老大|"
    r"[0-9一二两三四五六七八九十几]+岁(?:的时候|那年|时)"
)
# "我去年心脏骤停过一回，是同事做心肺复苏救回来的": a marker of a time long past sets the scene for the rest of its
# sentence, across commas, until the caller comes back to now ("现在", "这两天", "又", "一直" …).
_PAST_FRAME = re.compile(
    r"去年|前年|大前年|早年|小时候|年轻时|年轻的时候|(?:上)?(?:小学|初中|高中|中学|大学)(?:的时候|时|那会儿?)|上个月|上上个月|[0-9一二两三四五六七八九十几半]+(?:多)?年(?:多)?(?:前|以前)|"
    r"[0-9一二两三四五六七八九十几]+(?:多)?个(?:多)?月(?:前|以前)|那年|生老大|头胎那次"
)
_BACK_TO_NOW = re.compile(
    r"现在|目前|如今|眼下|这会儿?|此刻|今天|今早|今晚|今儿|今日|今年|刚才|刚刚|刚|方才|这两天|这几天|这阵子?|这些天|"
    r"这个?月|这个?礼拜|这个?星期|这周|最近|近来|近期|昨天|昨晚|前天|又|再次|还是|还在|一直|仍然|仍|依然|至今|到现在|"
    r"越来越|突然|忽然|马上|立刻|而家|宜家|啱啱|今朝|现时|后来|之后|以后|从那以后|自那以后|自从"
)
_HYPOTHETICAL = re.compile(
    r"以为|还以为|当成|误以为|(?:咋个|咋|怎么|如何|怎样)防|防止|如果|万一|要是|假如|假设|真有人|要是有人|学学|想学|组织大家学|会不会|会引起|会导致|怎么预防|预防|担心会|怕会|害怕会|以防|比如|例如|"
    r"什么情况|哪些情况|什么症状|出现什么|需要注意|注意什么|要注意|应该注意|前兆|先兆|征兆|有啥症状|"
    r"新闻|听说|网上说|据说|有人说|别人家|电视剧|电视里|剧里|电影里|小说里|视频里|抖音上|说有个|"
    r"是不是要|是不是快|会不会要|我怕|就怕|生怕|怕他|怕她|怕孩子|怕宝宝|怕娃|担心他|担心她|担心孩子"
)


# "气得我要中风了", "压力大得喘不过气": a feeling said through a symptom, right before the cue.
# A body part may stand between ("笑得我肚子疼", "烦得我头疼"); waiting in a queue is a feeling too ("排队排得我都快晕倒了").
_FIGURATIVE_BEFORE = re.compile(
    r"(?:压力(?:太|很|特别|好)?大|累|气|烦|愁|忙|吓|急|憋屈|郁闷|心累|熬|笑|排队?|等|挤|"
    r"(?:贷|债|钱|工作|生活|学业|担子|项目|任务|作业|考试|事情|家务|活儿)[^，,。]{0,4}压)"
    r"(?:得|的)(?:我|俺|人|让人|叫人|令人|都|快|要|直|差点|差一点|当场|当时)*(?:回家|回去|晚上|半夜|整晚|一宿)?(?:肚子|头|脑壳|脑袋|胃|心口|心|腰)?$|气出(?:个|了)?$|(?:脑子|一时)一$|"
    r"(?:带娃|带孩子|带小孩|加班|上班|家务|学习)[^，,。]{0,3}到(?:我|人)?(?:都|快|要)*$"  # "带娃带到喘不过气"
)
# "老糊涂了" (forgetful), "装糊涂": a sign's word inside a set phrase that says nothing of the body.
_FIGURE_OF_SPEECH = re.compile(r".{0,2}(?:老糊涂|装糊涂|难得糊涂|糊涂虫|糊涂账)")
# "电视剧里有人心脏骤停，旁边的人给做心肺复苏": a scene on a screen or in the news reaches to the end of its
# sentence, unless the caller turns to someone of their own on the way (我, 我家, 孩子, 老人 …).
_SCREEN = re.compile(
    r"电视剧|电视里|电视上|电影里|剧里|视频里|抖音上?|快手上|小说里|新闻里|新闻上|新闻说|新闻话|新闻讲|报道说|网上看到|刷到|视频说|视频上"
)
_OWN_PEOPLE = re.compile(
    r"我(?!们(?:隔壁|小区|楼|村|单位|这|那))|咱|俺|孩子|宝宝|老人|老公|老婆|爸|妈|爷|奶|姥|外公|外婆|儿媳|媳妇|闺女|儿子|女儿"
)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
# "快晕倒了", "差点昏过去": it almost happened, so it did not.
_ALMOST_BEFORE = re.compile(r"(?:快要?|差点|差一点|险些|几乎|差啲)(?:就|都|要)?$")
# "差点心脏骤停", "差一点噎死": whatever follows 差点 did not happen (快 only for fainting: "快不行了" is real).
_NEAR_MISS_BEFORE = re.compile(r"(?:差点|差一点|险些|差啲)(?:就|都|要|没)?$")
# "心梗有啥前兆", "中风的症状有哪些": the sign is the topic of a question, not an event.
_QUESTION_AFTER = re.compile(
    r"^(?:的|有|会有|一般有)?(?:啥|什么|哪些)?(?:前兆|先兆|征兆|症状|表现)|^[^，,。]{0,10}(?:培训|课程|讲座|教学|演练|知识)"
)
_ALMOST_SIGN = re.compile(r"(?:晕倒|晕过去|昏过去|昏倒|抽过去|背过气|晕)")

# "胸口不疼": a pattern with a gap can swallow the denial; a negation just before its last character denies it.
_NEGATION_INSIDE = re.compile(
    r"(?:不|没有|没得|没|无)(?:哪个|哪一个|谁|人|啥子|啥|什么|怎么|太|很|是很|再|往上|向上)*"
    r"(?:(?:头痛|头疼|头晕|恶心|发烧|咳嗽|胸闷)(?:和|、|也|跟)?)*(?:头|肚子|胸口|心口|想)?"
    r"(?:[疼痛紫青乌硬僵肿麻歪斜晕吐抽破翻扇紧凹摔碰磕撞]|头晕|头昏|迷糊|糊涂|犯困|流血|出血|(?:看见|看到|见到|发现|带|见|有)?血|骨折|受伤|伤着?|费劲|费力|吃力|耽误|错过|不舒服|难受|心慌|心悸|胸闷|气短)$"
)
# "都没人不舒服" inside a match, and "万一…止不住" in a match that spans clauses.
_NOBODY_INSIDE = re.compile(
    r"(?:没人|没有人)(?!接|应|开|管|理|回|在家)|谁都没|谁也没|大家都没|都没有?(?:人|谁)?不舒服"
)
# "同桌说玩手机眼睛会瞎掉": would, told or feared, not is ("吃完奶会吐" is a habit, "不会说话了" a sign)
_WOULD_BEFORE = re.compile(r"(?:说|听说|怕|担心|以后|将来|长期|久了|时间长了)[^，,。]{0,16}(?<![不一开])会$")
# "没人头疼", "大家都没不舒服": nobody has it (checked before "没人" is read as "没人管").
_NOBODY_BEFORE = re.compile(
    r"(?:没人|没谁|没有人|没有谁|谁也没|谁都没|大家都没|都没)(?:有|感觉|觉得|出现|说)?$"
)

# "隔壁床大爷呼吸困难被推走了，我爸就是有点咳": another person's emergency that is already in care, told before the
# caller turns to their own. All three are needed, so a neighbour calling about a neighbour still counts.
_SOMEONE_ELSE = re.compile(
    r"隔壁床|隔篱床|隔篱|邻床|同病房|病友|邻居|同事|同学|朋友|别人|楼上|楼下|对门|隔壁|人家|对方|路人|行人|工友|前院|后院|"
    r"老[张王李赵刘陈杨黄周吴孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方白邹孟熊秦邱江薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤]家?|"
    r"(?:那|这)(?:个|位)?(?:人|男的|女的|老人|大爷|大妈|小孩|孩子|司机)|"
    r"有(?:个|一个|位)(?:人|小孩|孩子|宝宝|娃|老人|大爷|大妈|老太太|老头|孕妇|阿姨|叔叔|男的|女的|小伙子?|姑娘|大哥|大姐|大叔|大婶|老乡|工人|游客)|"
    r"小[张王李赵刘陈杨黄周吴孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟]|"
    r"老姐妹|老伙计|老朋友|室友|舍友|同屋|同寝室|"
    r"[0-9一二三四五六七八九十]+(?:栋|号楼|幢|单元)"
)
_CALLER = re.compile(r"我|咱|俺")
_IN_CARE = (
    r"(?:被|让)?(?:120|幺二零|救护车|急救车|家里人|家属|人)?(?:已经|早就|早|都|也)?(?:给|被)?"
    r"(?:拉走|推走|接走|送走|抬走|送(?:去|到|进)?(?:了)?(?:医院|急诊|抢救)|住(?:进)?(?:了)?院|进(?:了)?(?:icu|重症|抢救室)|"
    r"推(?:去|到|进)(?:了)?(?:抢救|抢救室|icu|急诊|手术室)|推了?[^，,。]{0,2}(?:入|进)(?:手术室|抢救室)|拉(?:去|到|进)(?:了)?[^，,。]{0,4}医院|在医院抢救|叫了120|打了120|去世|过世|没了|走了)"
)
_IN_CARE_AFTER = re.compile(rf"^[^。！？!?\n]{{0,30}}?{_IN_CARE}")
_IN_CARE_WORDS = re.compile(_IN_CARE)
_NAMED_AFTER = re.compile(rf"(?:了|的)?(?:{_SOMEONE_ELSE.pattern})")


def _start_after_last(boundary: re.Pattern, text: str, start: int) -> int:
    """Where the stretch of ``text`` that holds ``start`` begins: just after the last boundary before it."""
    last = 0
    for found in boundary.finditer(text, 0, start):
        last = found.end()
    return last


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``text`` around the span [start, end)."""
    clause_start = _start_after_last(_CLAUSE_BREAK, text, start)
    following = _CLAUSE_BREAK.search(text, end)
    return clause_start, following.start() if following else len(text)


def _on_screen(text: str, start: int) -> bool:
    screens = list(_SCREEN.finditer(text, _start_after_last(_SENTENCE_END, text, start), start))
    return bool(screens) and not _OWN_PEOPLE.search(text, screens[-1].end(), start)


def _told_of_someone_else(text: str, start: int) -> bool:
    """Another person is named before ``start`` in its sentence, and the caller does not come in between."""
    sentence_start = _start_after_last(_SENTENCE_END, text, start)
    others = list(_SOMEONE_ELSE.finditer(text, sentence_start, start))
    return bool(others) and not _CALLER.search(text, others[-1].end(), start)


def _someone_elses_in_care(text: str, start: int, end: int) -> bool:
    named_after = _NAMED_AFTER.match(text, end)
    if named_after:  # "晕倒那个大爷已经让120拉走了": the person comes after the words, then their care
        return bool(_IN_CARE_AFTER.match(text[named_after.end() :]))
    if not _told_of_someone_else(text, start):
        return False
    in_care = _IN_CARE_AFTER.match(text[end:])
    return bool(in_care) and bool(_OWN_PEOPLE.search(text, end + in_care.end()))


def someone_elses_care(text: str) -> list[tuple[int, int]]:
    """Where the message says another person is already in care ("隔壁老王昨天中风住院了，我爸…"): words about
    that person's hospital that do not make the caller's own request a question of finding care."""
    if not _SOMEONE_ELSE.search(text):
        return []
    return [
        m.span()
        for m in _IN_CARE_WORDS.finditer(text)
        if _told_of_someone_else(text, m.start()) and _OWN_PEOPLE.search(text, m.end())
    ]


def _would(text: str, clause_start: int, start: int, end: int) -> bool:
    """A 会 told or feared ("同桌说玩手机眼睛会瞎掉") just before the cue or inside its match."""
    modal = text.rfind("会", start, end)
    if modal >= 0 and text.startswith(("会更", "会好", "会比", "会过得"), modal):
        modal = -1  # "说孩子没她会更好": the wish is the sign
    return bool(_WOULD_BEFORE.search(text, clause_start, modal + 1 if modal >= 0 else start))


_MAJOR_BREAK = re.compile(r"[,.;!?，。；！？\n]")


def _list_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The list of items joined by 、 that holds the cue: what stands before and after it in that list, or ""
    when the cue's clause is cut by something else than 、 ("万一半夜噎着了、心脏停了": the 万一 reaches 心脏停了)."""
    list_start = _start_after_last(_MAJOR_BREAK, text, start)
    following = _MAJOR_BREAK.search(text, end)
    list_end = following.start() if following else len(text)
    before, after = text[list_start:start], text[end:list_end]
    only_commas = all(m.group() == "、" for m in _CLAUSE_BREAK.finditer(before))
    return (before if only_commas else ""), after


def _asked_either_way(text: str, start: int, end: int) -> bool:
    """ "喘不喘", "疼不疼", "烧没烧": the sign is asked about, not told."""
    return text[end : end + 1] in ("不", "没") and text[end + 1 : end + 2] == text[end - 1 : end]


def _in_past_frame(text: str, start: int, end: int) -> bool:
    """A marker of a long-past time stands earlier in the cue's sentence, and nothing since, the cue included,
    brings it back to now or on from then ("后来")."""
    sentence_start = _start_after_last(_SENTENCE_END, text, start)
    frames = list(_PAST_FRAME.finditer(text, sentence_start, start))
    return bool(frames) and not _BACK_TO_NOW.search(text, frames[-1].end(), end)


def polarity(text: str, start: int, end: int) -> Polarity:
    clause_start, clause_end = clause_bounds(text, start, end)
    before = text[clause_start:start]
    after = text[end:clause_end]
    list_before, list_after = _list_around(text, start, end)
    if (
        _HYPOTHETICAL.search(before)
        or _HYPOTHETICAL.search(list_before)
        or _on_screen(text, start)
        or _would(text, clause_start, start, end)
    ):
        return Polarity.HYPOTHETICAL
    if _someone_elses_in_care(text, start, end):
        return Polarity.SOMEONE_ELSE
    if _FIGURATIVE_BEFORE.search(before) or _FIGURE_OF_SPEECH.match(text, max(start - 2, 0), end + 1):
        return Polarity.FIGURATIVE
    inside = text[start:end]
    if _NEAR_MISS_BEFORE.search(before) or (
        _ALMOST_BEFORE.search(before) and _ALMOST_SIGN.match(text, start)
    ):
        return Polarity.FIGURATIVE
    if _QUESTION_AFTER.match(after) or _asked_either_way(text, start, end):
        return Polarity.HYPOTHETICAL
    if _NEGATION_INSIDE.search(inside):
        return Polarity.NEGATED
    if _CLAUSE_BREAK.search(inside) and _HYPOTHETICAL.search(inside):
        return Polarity.HYPOTHETICAL  # a pattern that spans clauses: "吃华法林，万一流鼻血止不住"
    if _NOBODY_BEFORE.search(before) or _NOBODY_INSIDE.search(inside):
        return Polarity.NEGATED
    if _NEGATION_BEFORE.search(_NOT_NEGATION.sub("", before)) or _NEGATION_AFTER.match(after):
        return Polarity.NEGATED
    if _NORMAL_AFTER.match(after) or _NORMAL_AFTER.match(list_after):  # "喘气、说话、咽东西都跟平常一样"
        return Polarity.NEGATED
    if _HISTORY.search(_COMPARISON.sub("", before)) or _HISTORY_AFTER.search(after):
        return Polarity.HISTORY
    if _in_past_frame(text, start, end):
        return Polarity.HISTORY
    return Polarity.PRESENT
