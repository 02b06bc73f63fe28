"""A handful of knowledge items, enough to show each way of being found and of being set aside. The fixture
``sample_items`` (tests/conftest.py) imports them."""

from __future__ import annotations

from anxin.knowledge.formats import Row


def item(code: str, title: str, body: str, **extra) -> dict[str, object]:
    data: dict[str, object] = {
        "id": code,
        "title": title,
        "body": body,
        "category": extra.pop("category", "home_care"),
        "tags": extra.pop("tags", []),
        "source": extra.pop("source", {"issuer": "国家卫生健康委", "document": "测试用指南"}),
        "effective_from": extra.pop("effective_from", "2022-12-07"),
    }
    data.update(extra)
    return data


SAMPLE = [
    item(
        "home-care",
        "新冠病毒感染者居家治疗指南要点",
        "无症状或轻症的感染者可以居家治疗，多饮水、注意休息，出现呼吸困难时及时就医。",
        tags=["居家治疗", "轻症"],
    ),
    item(
        "antigen-read",
        "如何判读抗原检测结果",
        "C 线和 T 线都显色为阳性；只有 C 线显色为阴性；C 线不显色结果无效，需要重新检测。",
        category="antigen",
        tags=["抗原检测", "结果判读"],
    ),
    item(
        "oximeter",
        "指夹式脉搏血氧仪的使用方法",
        "静息状态下把手指放入夹子，读数稳定后记录；血氧饱和度低于93%应尽快就医。",
        category="seek_care",
        tags=["血氧饱和度"],
    ),
    item(
        "antipyretic-adults",
        "成人发热时退热药的使用",
        "体温超过38.5℃可按说明书服用布洛芬或对乙酰氨基酚，不要同时服用两种含相同成分的药物。",
        category="medicines",
        tags=["解热镇痛药"],
    ),
    item(
        "reinfection",
        "康复后再次感染的风险和应对",
        "康复后短期内再次感染的风险较低，如再次出现症状，按感染者居家治疗要求处理。",
        category="recovery",
        tags=["再次感染", "康复"],
    ),
    item(
        "tcm-products",
        "连花清瘟胶囊等中成药的使用提示",
        "中成药应在医生或药师指导下使用，不要与其他含相同成分的药物叠加。",
        category="medicines",
        tags=["中成药"],
    ),
    item(
        "quarantine-2022-11",
        "感染者集中隔离和密切接触者5+3管理",
        "感染者实行集中隔离，密切接触者实行5天集中隔离加3天居家隔离。",
        category="quarantine",
        tags=["隔离"],
        effective_from="2022-11-11",
        effective_until="2022-12-06",
    ),
    item(
        "quarantine-2022-12",
        "感染者居家隔离的规定",
        "无症状感染者和轻型病例一般采取居家隔离，也可自愿选择集中隔离收治。",
        category="quarantine",
        tags=["隔离", "居家隔离"],
        effective_from="2022-12-07",
        supersedes="quarantine-2022-11",
    ),
    item(
        "draft-item",
        "尚未发布的隔离规定草稿",
        "这是一条草稿，隔离规定尚未确定。",
        category="quarantine",
        status="draft",
    ),
    item(
        "agents-script",
        "发热咨询的坐席答复口径",
        "先询问体温和持续时间，再询问有无呼吸困难等危险信号。",
        category="hotline",
        audience="agents",
    ),
]


def sample_rows(records: list[dict[str, object]] | None = None) -> list[Row]:
    return [Row(number, data=dict(data)) for number, data in enumerate(records or SAMPLE, start=1)]
