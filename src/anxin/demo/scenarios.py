"""What callers rang about in the demo history: one row per kind of call, with the words callers use.

Placeholders filled per case: {age} {months} {weeks} {days} {temp} {high} {spo2} {who} {condition} {drug}
{compound} {building} {hospital} {centre} {name} {dept}. ``subject`` names a pool of residents (see
cases.SubjectPools); "none" is a caller who is not in the registry. ``caller`` "neighbour" means someone
outside the household rings about the subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from anxin.hotline.models import Channel as Ch


@dataclass(frozen=True)
class Scenario:
    """One kind of call; built by ``scenario()`` from a one-line head (tests check every code is known)."""

    code: str
    lines: tuple[str, ...]
    subject: str
    category: str
    urgency: str
    disposition: str
    weight: int
    summaries: tuple[str, ...]
    resolutions: tuple[str, ...]
    handoff: str = ""
    callback_role: str = "clinician"
    caller: str = "household"
    channels: tuple[str, ...] = (Ch.PHONE,)


def scenario(head: str, summaries: tuple[str, ...], resolutions: tuple[str, ...], **extra) -> Scenario:
    """``head`` is "code line[,line] subject category urgency disposition weight"."""
    code, lines, subject, category, urgency, disposition, weight = head.split()
    return Scenario(
        code=code,
        lines=tuple(lines.split(",")),
        subject=subject,
        category=category,
        urgency=urgency,
        disposition=disposition,
        weight=int(weight),
        summaries=summaries,
        resolutions=resolutions,
        **extra,
    )


SCENARIOS: tuple[Scenario, ...] = (
    scenario(
        "infant_fever medical infant medical_consult P2 fever_clinic 14",
        (
            "宝宝{months}个月，半夜突然发烧，刚量腋温{temp}度，我们两口子抗原都是阳的，现在要不要马上去医院？哪里有儿科发热门诊？",
            "孩子{months}个月大，从下午开始烧，现在{high}度，奶也不太肯吃，一直哭闹，吃了退烧药一个多小时还没退。",
            "宝宝还不到一岁，发烧{temp}度，手脚冰凉，精神比平时差，我们很着急，不知道该怎么办。",
        ),
        (
            "医生回电评估：婴儿发热伴吃奶差，指导物理降温后立即到{hospital}儿科发热门诊就诊，已提供路线；随访得知已挂号就诊。",
            "已指导减少衣物、温水擦浴，按体重服用退烧药；指引至{hospital}儿科急诊，家长已出发，到院后反馈已就诊。",
        ),
        channels=(Ch.PHONE, Ch.PHONE, Ch.CHAT_GROUP),
    ),
    scenario(
        "febrile_convulsion medical toddler emergency P1 call_120 3",
        (
            "孩子烧到{high}度，刚才突然抽了一下，眼睛往上翻，一两分钟才停，现在叫他有反应但是没精神，好害怕！",
            "孩子高烧{high}度，抽筋了，手脚一直在抖，已经快五分钟了还没停！",
        ),
        ("已指导侧卧、不要往嘴里塞东西，同时呼叫120，患儿送{hospital}急诊，随访已住院观察。",),
    ),
    scenario(
        "child_fever_days medical child care_navigation P3 fever_clinic 8",
        (
            "孩子{age}岁，发烧第{days}天了，吃了布洛芬能退下去，过几个小时又烧起来，精神还可以，要不要去医院？",
            "我家孩子{age}岁，咳嗽发烧{temp}度，学校通知抗原阳性，想问问附近哪里有儿科发热门诊，晚上开不开？",
        ),
        (
            "发热超过3天，建议就诊；已推荐{centre}发热诊室（距离近、当前排队少），家长表示明早带孩子去。",
            "已告知{hospital}儿科发热门诊24小时开放，交代观察精神、尿量，出现嗜睡或呼吸急促立即就医。",
        ),
    ),
    scenario(
        "elderly_breathless medical,elderly elderly emergency P1 call_120 5",
        (
            "{who}{age}岁，阳了第{days}天，今天喘得厉害，指夹血氧只有{spo2}，嘴唇有点发紫，怎么办？",
            "{who}{age}岁了，发烧{high}度，呼吸很急，说话都接不上气，叫他也有点迷迷糊糊的。",
        ),
        ("已呼叫120，指导半卧位、保持通风；患者送{hospital}急诊，随访已收入院。",),
    ),
    scenario(
        "elderly_fever_chronic medical,elderly,community chronic_elderly medical_consult P2 doctor_callback 10",
        (
            "家里老人{age}岁，有{condition}，发烧{temp}度两天了，吃不下东西，平时的药还要不要照常吃？",
            "{who}{age}岁，{condition}好多年了，这两天咳嗽发烧，血压有点高，想请医生帮忙看看要不要去医院。",
        ),
        (
            "家庭医生回电评估：生命体征平稳，继续规律服药，多饮水，已纳入每日健康监测；如出现气促、意识改变立即拨打120。",
            "医生电话问诊后调整用药，登记为重点人群每日随访，网格员已送去血氧仪。",
        ),
        callback_role="family_doctor",
    ),
    scenario(
        "adult_fever_meds medical,citizen adult medication P4 answer_closed 14",
        (
            "阳了第二天，烧到{high}度，浑身酸痛，布洛芬和对乙酰氨基酚能不能一起吃？隔多久吃一次？",
            "我发烧{temp}度，嗓子像刀割一样疼，家里只有连花清瘟，能不能和退烧药一起吃？",
            "吃了退烧药出了一身汗，体温降到37度多了，是不是就不用再吃了？",
        ),
        ("已答复：两种退烧药不要同时服用，间隔4-6小时，24小时不超过4次；多饮水，持续高热超过3天就医。",),
        channels=(Ch.PHONE, Ch.PHONE, Ch.WEB),
    ),
    scenario(
        "antigen_question medical,citizen adult testing P4 answer_closed 8",
        (
            "抗原两条杠但是没什么症状，需要报告吗？要在家待几天？",
            "我抗原转阴了，明天能不能去上班？会不会传染给家里老人？",
        ),
        ("已答复：无症状可居家观察，按最新防控指引执行；与老人分餐分室，出现症状加重及时就医。",),
        channels=(Ch.PHONE, Ch.WEB),
    ),
    scenario(
        "pregnant_fever medical pregnant medical_consult P2 doctor_callback 6",
        (
            "我怀孕{weeks}周了，昨晚开始发烧{temp}度，能吃什么药？会不会影响宝宝？",
            "怀孕{weeks}周，阳了，有点头晕心慌，胎动好像跟平时差不多，需要去医院吗？",
        ),
        (
            "产科医生回电：可按说明服用对乙酰氨基酚，多饮水；如出现腹痛、阴道流血流液、胎动异常，立即到{hospital}产科急诊。",
        ),
    ),
    scenario(
        "pregnant_bleeding medical pregnant emergency P1 call_120 2",
        ("怀孕{weeks}周，刚才见红了，肚子一阵一阵地痛，家里就我一个人！",),
        ("已呼叫120送{hospital}产科急诊，同时通知社区网格员联系家属，随访母婴平安。",),
    ),
    scenario(
        "dialysis_transport medical,community,citizen dialysis care_navigation P3 community_transfer 5",
        (
            "我是透析病人，每周一三五要去{hospital}透析，现在小区管控出不去，明天上午的透析怎么办？能不能安排车？",
            "我爸是尿毒症透析的，这两天也阳了，透析中心说要走专门通道，我们不知道怎么安排。",
        ),
        ("社区已协调专车闭环接送，血透室安排专用时段，患者已按时完成透析返回。",),
        handoff="血透患者，需闭环转运至{hospital}血透室，请社区协调车辆并对接医院。",
    ),
    scenario(
        "chemo_fever medical chemo medical_consult P2 doctor_callback 3",
        ("{who}在做化疗，上周刚做完一次，现在发烧{temp}度，医生说过白细胞可能会低，要不要马上去医院？",),
        ("肿瘤科医生回电：建议立即到{hospital}发热门诊查血常规，已协助联系绿色通道，随访已就诊。",),
    ),
    scenario(
        "medication_elderly community,elderly,medical chronic_elderly medication P3 medication_delivery 10",
        (
            "老人的{drug}只剩两天的量了，他腿脚不方便出不了门，社康能不能帮忙开长处方送上门？",
            "{who}{age}岁，{condition}，每天要吃{drug}，药店买不到，能不能帮忙想想办法？",
        ),
        ("社康已开具3个月长处方，网格员协同志愿者送药上门，老人已按时服药。",),
        handoff="重点人群（{condition}），{drug}即将断药，请社康开长处方并安排送药上门。",
    ),
    scenario(
        "discharged_followup medical,community discharged medical_consult P3 doctor_callback 4",
        ("家里人前几天刚从医院出院，出院带的药快吃完了，复查要怎么约？需要去原来的医院吗？",),
        ("家庭医生已回电，预约下周社康复诊并续开药物，已纳入出院患者随访。",),
        callback_role="family_doctor",
    ),
    scenario(
        "elderly_alone_check community,elderly,citizen elderly_alone other P3 home_visit 6",
        (
            "我是{name}的邻居，老人一个人住，两天没见她出门了，敲门也没人应，有点担心。",
            "楼上{age}岁的独居老人这几天一直咳嗽，晚上听到她咳得很厉害，能不能请社区去看看？",
        ),
        (
            "网格员会同家庭医生上门，老人感冒卧床，已测体温血氧、送药，并联系其子女，纳入每日电话随访。",
            "网格员已上门，老人状况尚可，已留下一键呼叫器使用说明，每日随访。",
        ),
        handoff="独居老人（{age}岁），邻居反映多日未见，请网格员尽快上门查看。",
        caller="neighbour",
    ),
    scenario(
        "disabled_home_visit community,medical disabled care_navigation P3 home_visit 5",
        ("家里老人卧床好几年了，这几天咳嗽发烧{temp}度，没法下楼，医生能不能上门看看？",),
        ("家庭医生与网格员上门评估，居家治疗，已开药并安排每日随访。",),
        handoff="失能卧床人员发热，需家庭医生上门评估。",
    ),
    scenario(
        "anxiety psych adult psych_support P3 psych_counselor 7",
        (
            "最近一直睡不着，每天看新闻心里很慌，总觉得喘不上气，测了抗原是阴的，就是很焦虑。",
            "家里老人都阳了，我一个人照顾，压力特别大，动不动就想哭，不知道跟谁说。",
        ),
        ("心理咨询师疏导约40分钟，教授放松呼吸方法，约定三天后回访，来电人情绪明显缓解。",),
        callback_role="counsellor",
        channels=(Ch.PHONE, Ch.PHONE, Ch.WEB),
    ),
    scenario(
        "quarantine_parent citizen,medical quarantine psych_support P2 psych_counselor 3",
        ("我在隔离，家里孩子病了我回不去，整个人都快崩溃了，能不能帮帮我？",),
        ("转心理热线疏导，同时联系社区协助孩子就医，来电人情绪已稳定。",),
        handoff="来电人隔离中情绪激动，请心理咨询师尽快回电疏导。",
        callback_role="counsellor",
    ),
    scenario(
        "psych_risk psych adult psych_support P2 psych_counselor 2",
        ("觉得活着没什么意思，这几天一直有不好的念头，晚上一个人的时候特别难受。",),
        ("已按危机干预流程评估风险，来电人同意安全计划，已联系家属陪伴并转介精神专科门诊，纳入随访。",),
        callback_role="counsellor",
    ),
    scenario(
        "locked_supplies community,citizen locked supplies P3 volunteer_errand 7",
        (
            "我们{compound}封了好几天了，家里米和菜都快没了，团购也进不来，能不能帮忙买点？",
            "{compound}{building}，宝宝的奶粉只剩半罐了，小区出不去，网上买的也送不进来。",
        ),
        ("志愿者已代购并送到楼下，居民已确认收到。",),
        handoff="封控小区居民生活物资需求，请安排志愿者代购代送。",
        channels=(Ch.CHAT_GROUP, Ch.CHAT_GROUP, Ch.PHONE),
    ),
    scenario(
        "locked_medicine community,medical locked_chronic medication P3 medication_delivery 5",
        ("{compound}{building}，家里老人要吃的{drug}快没了，小区封着出不去，能不能帮忙开药送进来？",),
        ("社康开具长处方，医疗保障专班送药到户，已确认收到。",),
        handoff="封控小区慢病患者断药风险，请社康开药并送药到户。",
        channels=(Ch.CHAT_GROUP, Ch.PHONE),
    ),
    scenario(
        "locked_dialysis community,medical locked_dialysis care_navigation P2 doctor_callback 2",
        ("我住{compound}，每周要透析三次，小区封控了，后天的透析怎么出去？",),
        ("经指挥部研判，安排专车闭环转运，血透室已预留时段，患者按时完成透析。",),
    ),
    scenario(
        "locked_pregnant community,medical locked_pregnant care_navigation P3 appointment 2",
        ("我怀孕{weeks}周了，该去产检了，小区封着能不能出去？谁能陪我去？",),
        ("经会商，安排网格员陪同、专车闭环前往{hospital}产检，已顺利返回。",),
    ),
    scenario(
        "policy_quarantine citizen none policy P4 answer_closed 8",
        (
            "密接要隔离几天？居家隔离期间能不能下楼拿快递？",
            "我从外地回来，需要报备吗？要做几次核酸？",
        ),
        ("已按现行防控政策答复并告知社区报备方式。",),
        channels=(Ch.PHONE, Ch.WEB),
    ),
    scenario(
        "fever_clinic_where medical,citizen adult care_navigation P3 fever_clinic 8",
        (
            "发烧{high}度三天了，吃药也不退，想去发热门诊看看，附近哪家人少一点？晚上还开吗？",
            "我在{compound}附近，哪里有发热门诊？社康能不能看发烧？",
        ),
        ("已推荐{centre}（当前开放，排队约30分钟），并告知{hospital}发热门诊24小时开放。",),
    ),
    scenario(
        "vaccination citizen,elderly elderly vaccination P4 answer_closed 5",
        ("{who}{age}岁了，有高血压，能不能打加强针？在哪里打，要不要预约？",),
        ("已答复接种条件和就近接种点，提醒携带身份证，血压控制稳定可接种。",),
    ),
    scenario(
        "pharmacy_complaint citizen none complaint P3 department_dispatch 3",
        ("楼下药店的退烧药卖到几十块一盒，还限购，这合理吗？",),
        ("已派发{dept}核查，反馈已约谈涉事药店并规范价格，来电人认可处理结果。",),
    ),
    scenario(
        "report_clue citizen none report_clue P3 department_dispatch 2",
        ("我们楼有一户从外地回来好几天了，一直没有报备，也没见做核酸。",),
        ("已派发{dept}，社区已核实并落实健康监测。",),
    ),
    scenario(
        "testing_site citizen,community none testing P4 answer_closed 5",
        ("附近哪里还能做核酸？要不要预约？",),
        ("已告知就近采样点位置和开放时间。",),
        channels=(Ch.PHONE, Ch.WEB, Ch.WALK_IN),
    ),
    scenario(
        "suggestion citizen,community none suggestion P4 answer_closed 2",
        ("建议社康晚上多开几个小时，下班以后去都关门了。",),
        ("已记录建议并感谢来电，将汇总报送卫健部门。",),
    ),
    scenario(
        "one_key_dizzy elderly age80 medical_consult P2 doctor_callback 4",
        ("（一键呼叫）老人说头晕、站不稳，家里没有其他人。", "（一键呼叫）老人说胸口闷，想让医生回个电话。"),
        ("家庭医生回电评估，网格员上门陪同，测血压偏高，已调整用药并联系子女。",),
        callback_role="family_doctor",
        channels=(Ch.ONE_KEY_DEVICE,),
    ),
    scenario(
        "elderly_chat elderly age80 other P4 answer_closed 3",
        ("{age}岁老人，子女都不在身边，就想找人说说话，问问最近降温要注意什么。",),
        ("已耐心倾听并提醒保暖、按时服药，告知有事随时拨打专线或按一键呼叫器。",),
    ),
    scenario(
        "quarantine_fever_meds community quarantine medication P3 medication_delivery 3",
        ("隔离第{days}天，今天体温{temp}度，家里的退烧药吃完了，能不能送一点过来？",),
        ("网格员已将退烧药送到门口，已告知用药方法。",),
        handoff="隔离人员发热缺药，请送退烧药到户。",
    ),
    scenario(
        "chest_pain medical,citizen elderly emergency P1 call_120 2",
        ("{who}{age}岁，胸口痛了半个多小时，出了一身冷汗，吃了速效救心丸也不管用。",),
        ("已呼叫120并指导保持安静平卧，患者送{hospital}胸痛中心，随访已行介入治疗。",),
    ),
)

DEPARTMENTS = ("区市场监督管理局", "街道办事处", "区疾病预防控制中心", "区卫生健康局")
DRUGS = {
    "hypertension": ("硝苯地平缓释片", "氨氯地平", "缬沙坦"),
    "diabetes": ("二甲双胍", "胰岛素", "格列美脲"),
    "heart_disease": ("阿司匹林肠溶片", "美托洛尔"),
    "copd": ("沙美特罗替卡松吸入剂", "噻托溴铵"),
    "stroke": ("阿托伐他汀", "氯吡格雷"),
    "ckd": ("骨化三醇", "碳酸氢钠片"),
    "cancer": ("止痛药",),
    "mental_illness": ("奥氮平",),
    "immunosuppressed": ("他克莫司",),
}
RETURN_VISIT_NOTES = (
    "回访：问题已解决，来电人表示感谢。",
    "回访：情况好转，对热线服务满意。",
    "回访：已按指引就医，对处理结果基本满意。",
    "回访：来电人认为等待时间偏长。",
)
