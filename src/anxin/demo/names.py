"""Word lists for the demo district: people, places, facilities. Data only, plus tiny pickers.

Surnames follow the rough frequency of the most common Chinese surnames; given names follow the fashions of
the generation a person was born into, so an 85-year-old is 秀英 and a toddler is 梓涵. Place names are
made up in the style of Shenzhen's Longhua district; none is meant to identify a real compound or person.
"""

from __future__ import annotations

import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# "surname:weight"; weights roughly follow the national surname frequency table (per mille).
_SURNAME_TABLE = """
王:72 李:71 张:68 刘:54 陈:46 杨:33 黄:25 赵:21 吴:20 周:19 徐:15 孙:15 马:13 朱:13 胡:12 郭:12
何:11 林:11 高:10 罗:10 郑:10 梁:9 谢:8 宋:7 唐:7 许:7 韩:6 邓:6 冯:6 曹:6 彭:6 曾:6 肖:5 田:5
董:5 潘:5 袁:5 蔡:5 蒋:5 余:5 于:5 杜:4 叶:4 程:4 魏:4 苏:4 吕:4 丁:4 任:4 卢:3 姚:3 沈:3 钟:3
姜:3 崔:3 谭:3 陆:3 范:3 汪:3 廖:3 石:3 金:3 韦:3 贾:2 夏:2 付:2 方:2 邹:2 熊:2 白:2 孟:2 秦:2
邱:2 侯:2 江:2 尹:2 薛:2 黎:2 易:2 赖:2 龚:2 温:2 邵:2 覃:1 莫:1 严:1 欧:1 练:1
"""
SURNAMES: tuple[str, ...] = tuple(item.split(":")[0] for item in _SURNAME_TABLE.split())
SURNAME_WEIGHTS: tuple[int, ...] = tuple(int(item.split(":")[1]) for item in _SURNAME_TABLE.split())

# Given names by generation: born before 1965 ("old"), 1965-1989 ("mid"), 1990 and later ("young").
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "old": {
        "M": _words(
            "建国 建华 国强 志强 德明 福生 国华 振华 文华 桂林 树林 宝山 金生 德胜 长林 广福 学文 玉林 "
            "春生 有才 庆丰 秋生 炳坤 锦荣 伟民 耀祖 瑞林 汉明 家宝 永福"
        ),
        "F": _words(
            "秀英 桂英 秀兰 玉兰 桂兰 凤英 淑珍 秀珍 玉珍 素芬 春梅 冬梅 金凤 美华 月娥 丽华 惠芳 桂芳 "
            "玉梅 秀云 翠英 淑英 桂香 亚妹 少芬 瑞英 金莲 玉凤 月英 彩霞"
        ),
    },
    "mid": {
        "M": _words(
            "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 辉 鹏 飞 波 志伟 建军 海涛 晓东 文杰 俊峰 永强 国栋 建伟 "
            "少华 志明 家豪 振宇 嘉伟 伟杰"
        ),
        "F": _words(
            "静 丽 敏 燕 艳 娟 霞 芳 娜 红 玲 婷 晓燕 丽娟 海燕 秀梅 春燕 雪梅 晓红 慧敏 美玲 丽萍 小燕 "
            "晓琳 佩珊 嘉欣 淑仪 翠玲 文静 丽君"
        ),
    },
    "young": {
        "M": _words(
            "浩然 子轩 宇航 俊杰 浩宇 梓豪 博文 子豪 皓轩 宇轩 一鸣 子墨 沐阳 浩轩 思远 睿 瑞 晨 昊 轩 "
            "俊熙 梓睿 奕辰 宇泽 铭轩 嘉诚 梓航 锦程 天佑 承泽"
        ),
        "F": _words(
            "子涵 欣怡 梓涵 诗涵 雨桐 可馨 思彤 语嫣 一诺 梦瑶 佳怡 雨欣 紫萱 欣妍 若汐 婉清 雅琪 思琪 "
            "怡然 晓彤 梓萱 语桐 诗琪 安琪 芷若 沐晴 依诺 可欣 心怡 静怡"
        ),
    },
}


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    generation = "old" if birth_year < 1965 else "mid" if birth_year < 1990 else "young"
    return rng.choice(GIVEN_NAMES[generation][sex])


def person_name(rng: random.Random, sex: str, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, sex, birth_year)


def caller_label(name: str, sex: str) -> str:
    """How an agent writes down a caller: surname plus 先生/女士."""
    return name[0] + ("先生" if sex == "M" else "女士")


DISTRICT_NAME = "龙华区"
DISTRICT_CODE = "440309"
DISTRICT_POINT = (22.700, 114.040)

# Six streets (街道) with 56 communities in the style of Shenzhen's Longhua: (name, centre, communities).
STREETS: tuple[tuple[str, tuple[float, float], tuple[str, ...]], ...] = (
    ("观湖街道", (22.712, 114.066), _words("鹭湖 观城 新田 松元厦 樟坑径 润城 大和 樟溪 田背")),
    ("民治街道", (22.662, 114.040), _words("民治 民新 民强 民泰 民康 民乐 白石龙 北站 新牛 龙塘 上芬 大岭")),
    ("龙华街道", (22.676, 114.022), _words("龙园 三联 富康 清华 油松 松和 景龙 华联 龙华 清湖")),
    ("大浪街道", (22.690, 113.998), _words("大浪 浪口 龙胜 陶元 横朗 新石 同胜 高峰 赤岭头")),
    ("福城街道", (22.728, 114.078), _words("福民 章阁 茜坑 大水坑 桔塘 新和 樟坑 福前")),
    ("观澜街道", (22.734, 114.025), _words("观澜 桂花 库坑 大富 新澜 君子布 黎光 牛湖")),
)

# One rural township (乡镇) with its villages (村): served by village clinics, a township health centre
# and a district hospital campus, like the county in the Taiyuan report.
TOWNSHIP_NAME = "新兴镇"
TOWNSHIP_POINT = (22.742, 114.092)
VILLAGES: tuple[str, ...] = _words("石桥 高岭 上坪 下坑 黄泥塘 录古 白沙 岭下")

# The community whose grid worker and family doctor are the demo logins; it holds the locked compound.
DEMO_COMMUNITY = "鹭湖"
LOCKED_COMPOUND_NAME = "桂香家园"
SHOWCASE_COMPOUND_NAME = "鹭湖新村"

COMPOUND_PREFIXES: tuple[str, ...] = _words(
    "锦绣 金色 阳光 碧水 翠竹 凤凰 丰泽 御景 水岸 山水 天悦 和平 幸福 东方 紫荆 怡景 嘉园 龙腾 华富 "
    "美丽 书香 春华 明珠 雅苑 润泽 恒丰 聚龙 清风 梧桐 半山"
)
COMPOUND_SUFFIXES: tuple[str, ...] = _words("花园 家园 名苑 新村 华庭 雅居 公馆 小区 豪庭 苑")
ROADS: tuple[str, ...] = _words(
    "人民路 和平路 建设路 工业路 文化路 新区大道 龙观大道 环城路 华荣路 梅龙路 布龙路 东环路 致远路 "
    "民塘路 观澜大道 腾龙路"
)
VILLAGE_GROUPS: tuple[str, ...] = _words("一组 二组 三组 四组")

CLINIC_STYLES: tuple[str, ...] = (
    "{surname}氏诊所",
    "{place}门诊部",
    "{place}中医诊所",
    "{place}综合门诊部",
    "{surname}{given}诊所",
    "{place}康宁诊所",
    "{place}仁和门诊部",
    "{place}儿科诊所",
    "{place}社区诊所",
)
