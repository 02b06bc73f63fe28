"""Each protocol's discriminators (docs/triage-policy.md §4), one table: the words, the fields, and what the
rules alone must propose (urgency, a red flag that must be among the flags, the complaint)."""

import pytest

from anxin.triage import TriageInput
from anxin.triage.engine import triage_by_rules

CASES = [
    # stroke (§4.27)
    ("我父亲七十六，今天下午开始右手拿不稳筷子，说话也有点慢", {}, "P1", "stroke_signs", "stroke"),
    ("我妈吃饭的时候突然嘴歪了，筷子也拿不住", {}, "P1", "stroke_signs", "stroke"),
    ("老爷子看电视看着看着，右边胳膊抬不起来了，说话也大舌头", {}, "P1", "stroke_signs", "stroke"),
    ("我爸突然说不出话，半边身子麻", {}, "P1", "stroke_signs", "stroke"),
    ("刚才嘴歪了几分钟就好了，现在说话正常", {}, "P2", None, "stroke"),
    ("我爸中风后遗症，想问康复训练怎么做", {}, "P3", None, "stroke"),
    # chest pain (§4.10)
    ("胸口像压了块大石头，出冷汗", {}, "P1", "chest_pain", "chest_pain"),
    ("一咳嗽胸口就疼，别的还好", {"age": 25}, "P2", None, "chest_pain"),
    ("一咳嗽胸口就疼", {"age": 70}, "P1", "chest_pain", "chest_pain"),
    # heart (§4.19)
    ("心慌得厉害，要晕倒了", {}, "P1", None, "heart"),
    ("心跳一百三，一直心慌到现在", {}, "P2", None, "heart"),
    ("血压180/115，头有点胀", {}, "P2", None, "heart"),
    # arrest (§4.9)
    ("人倒在地上没反应，好像没呼吸了", {}, "P1", "cardiac_arrest", "arrest"),
    # unconscious (§4.29)
    ("八十五岁老爷子今天一直躺着不吃不喝，问话也不太理", {}, "P1", "altered_consciousness", "unconscious"),
    ("奶奶叫不醒了", {}, "P1", "altered_consciousness", "unconscious"),
    ("我抽血的时候晕了一下，现在醒了没事了", {"age": 30}, "P3", None, "unconscious"),
    ("我妈晕倒了一下，现在醒过来了，说话正常", {"age": 72}, "P2", None, "unconscious"),
    # breathing (§4.6)
    ("喉咙肿得咽不下口水，说话声音都变了", {}, "P1", "dyspnea", "breathing"),
    ("我老公打呼噜很响，有时候好像憋气", {}, "P3", None, "breathing"),  # sleep apnoea, not dyspnoea
    ("俺爹七十多了，这两天干点活就喘，歇一会儿能缓过来", {}, "P2", None, "breathing"),  # 俺爹七十多 is 75
    ("我爸喘不上气，坐着都喘", {}, "P1", "dyspnea", "breathing"),
    ("孩子肋骨那里一吸一吸往里凹", {}, "P1", "dyspnea", "breathing"),
    ("呼吸一分钟三十多次", {"age": 50}, "P1", "dyspnea", "breathing"),
    ("嘴唇发紫", {}, "P1", "cyanosis", "breathing"),
    ("最近有点胸闷，别的没什么", {"age": 35}, "P3", None, "breathing"),
    # allergy (§4.2)
    ("吃了虾以后喉咙发紧，声音都变了", {}, "P1", "anaphylaxis", "allergy"),
    ("吃了新药以后嘴唇肿起来了", {}, "P2", None, "allergy"),
    ("胳膊上起了一片小疹子，痒", {}, "P3", None, "allergy"),
    # choking (§4.11)
    ("孩子吃果冻卡住了，脸都紫了说不出话", {}, "P1", "choking", "choking"),
    ("吃鱼卡了根鱼刺，能喘气", {}, "P2", None, "choking"),
    # falls (§4.17)
    ("我爸摔了一跤，后脑勺着地，刚才吐了两次", {}, "P1", "head_injury", "falls"),
    ("奶奶摔倒了起不来", {}, "P1", "severe_trauma", "falls"),
    ("从梯子上摔下来了", {}, "P1", "severe_trauma", "falls"),
    ("我家孩子爬到六楼窗户外面去了，站在空调外机上", {}, "P1", "severe_trauma", "falls"),
    ("孩子趴在窗台上往外看，窗户有护栏的", {}, "P4", None, None),
    ("摔了一下擦破点皮，没什么大事", {"age": 30}, "P4", None, "falls"),
    # trauma (§4.28)
    ("手被门夹了，指甲发紫，能动", {}, "P3", None, "trauma"),  # a bruised nail is no cyanosis
    (
        "手指切了个大口子，流了很多血，现在按住止住了",
        {},
        "P2",
        None,
        "haemorrhage",
    ),  # 切了 is a cut, not a severed finger
    ("被电动车撞了，腿流血", {}, "P1", "severe_trauma", "trauma"),
    ("切菜把手指划了个小口子，血已经止住了", {"age": 30}, "P4", None, "trauma"),
    ("脚崴了，肿得像馒头，不敢着地", {}, "P2", None, "trauma"),
    # haemorrhage (§4.21)
    ("手上血流不止", {}, "P1", "major_bleeding", "haemorrhage"),
    ("伤口的血一直往外冒，按不住", {}, "P1", "major_bleeding", "haemorrhage"),
    ("吐了好多咖啡色的东西", {}, "P1", "major_bleeding", "haemorrhage"),
    ("流鼻血半个小时了还止不住", {}, "P2", None, "haemorrhage"),
    ("痰里有点血丝", {}, "P3", None, "haemorrhage"),
    ("切菜割了个大口子，血流了好多，按了十分钟现在止住了，要不要缝针", {}, "P2", None, "haemorrhage"),
    ("血流了好多，现在止住了，可他脸色发白、冒冷汗", {}, "P1", "major_bleeding", "haemorrhage"),
    ("出血很多，现在止住了，他手脚冰凉", {}, "P1", "major_bleeding", "haemorrhage"),
    ("手上划了道口子，挺深的，得缝针吧", {"age": 30}, "P2", None, "haemorrhage"),
    # burns (§4.7)
    ("被开水烫了，整个胳膊起大泡", {"age": 30}, "P2", None, "burns"),
    ("开水烫到孩子脸了", {}, "P1", "severe_burn", "burns"),
    ("手背被热油烫了，起了好几个水泡", {"age": 40}, "P2", None, "burns"),
    ("被开水烫了一下，手指发红，没起泡", {"age": 30}, "P4", None, "burns"),
    # electrocution, drowning (§4.15, §4.14)
    ("孩子洗澡的时候滑到浴缸里，捞起来没反应", {}, "P1", "drowning", "drowning"),
    ("修灯的时候触电了，人昏过去了", {}, "P1", "electrocution", "electrocution"),
    ("插插头被电了一下，手指头现在还有点麻，别的没事", {"age": 35}, "P2", None, "electrocution"),
    ("我爸七十了，这两天大便上老带着鲜血，人精神还行，不晕", {"age": 70}, "P2", None, "haemorrhage"),
    ("柜子角砸到脚面上了，青紫了一大块，能走路，脚趾头也都能动", {"age": 40}, "P3", None, "trauma"),
    ("插座漏电，我被电了一下，现在没事了，想问要不要紧", {"age": 35}, "P3", None, "electrocution"),
    ("孩子掉进池塘里了，刚捞上来", {}, "P1", "drowning", "drowning"),
    # assault (§4.4)
    ("我老公拿着菜刀说要砍死我", {}, "P1", "violence", "assault"),
    ("昨天被人打了，脸上青了一块", {}, "P2", None, "assault"),
    # animal bite (§4.3)
    ("被蛇咬了一口", {}, "P1", None, "animal_bite"),
    ("被邻居家的狗咬了，破皮出血了", {}, "P2", None, "animal_bite"),
    ("被蚊子咬了个包，痒", {}, "P4", None, "animal_bite"),
    # eye (§4.16)
    ("眼睛突然看不见了", {}, "P1", "stroke_signs", "eye"),
    ("84消毒液溅进眼睛里了", {}, "P2", None, "eye"),
    # pregnancy (§4.23)
    ("怀孕八个月，今天早上起来眼睛看东西模糊，头很痛", {}, "P1", "obstetric_emergency", "pregnancy"),
    ("怀孕32周，下面突然流了好多血", {}, "P1", "obstetric_emergency", "pregnancy"),
    ("孕34周，感觉流水了，裤子湿了", {}, "P1", "obstetric_emergency", "pregnancy"),
    ("孕39周，破水了，没见红", {}, "P2", "pregnancy_warning", "pregnancy"),
    ("怀孕30周，今天宝宝好像不怎么动", {}, "P2", "pregnancy_warning", "pregnancy"),
    ("孕38周，见红了一点点", {}, "P3", None, "pregnancy"),
    # newborn (§4.24)
    ("屋企個BB啱啱出世五日，黃到手板都係", {}, "P2", None, "newborn"),
    ("宝宝出生十天，呼吸一停一停的，嘴唇发紫", {}, "P1", "newborn_danger", "newborn"),
    ("出生二十天的宝宝，吃奶比平时少了一半", {}, "P2", None, "newborn"),
    # fever (§4.30)
    ("孩子一岁半，发烧40度，身上起了一些按了不褪色的红点", {}, "P1", "meningitis_signs", "fever"),
    ("阳了，发烧38度5，吃什么药", {}, "P4", None, "fever"),
    ("发烧，脖子发硬，身上有按压不褪色的出血点", {}, "P1", "meningitis_signs", "fever"),
    ("宝宝两个月，发烧38度", {}, "P2", "infant_fever", "fever"),
    ("发烧三十八度，已经五天了", {"age": 30}, "P3", None, "fever"),
    # vomiting and diarrhoea (§4.31)
    ("孩子上吐下泻一天没尿", {}, "P2", "severe_dehydration", "vomiting_diarrhoea"),
    ("拉了两三次肚子，能喝水", {"age": 30}, "P4", None, "vomiting_diarrhoea"),
    ("一岁的宝宝拉肚子好几次", {}, "P3", None, "vomiting_diarrhoea"),
    # convulsions (§4.12)
    ("孩子发烧抽起来了，翻白眼", {}, "P1", "convulsion", "convulsions"),
    # diabetic (§4.13)
    ("我爸有糖尿病，刚才说话颠三倒四，叫他也迷迷糊糊", {}, "P1", "hypoglycaemia", "diabetic"),
    ("血糖2.8，出冷汗手抖，人是清醒的", {}, "P2", None, "diabetic"),
    ("血糖二十多", {}, "P2", None, "diabetic"),
    # chronic disease (§4.32)
    ("我们这里停电了，我爸用的制氧机不能用了，他有慢阻肺", {}, "P2", None, "chronic_disease"),
    ("我爸尿毒症，小区封了去不了透析", {}, "P2", "dialysis_missed", "chronic_disease"),
    # poisoning (§4.22)
    ("我误吃了两片降压药，现在没什么感觉", {"age": 45}, "P2", None, "poisoning"),
    ("我误吃了两片老鼠药", {"age": 45}, "P1", "poisoning", "poisoning"),
    ("我家孩子误食了洗衣凝珠", {}, "P1", "poisoning", "poisoning"),
    ("孙子把奶奶的降压药当糖吃了几片，现在看着没事", {}, "P1", "poisoning", "poisoning"),
    ("喝了农药", {}, "P1", "poisoning", "poisoning"),
    ("不小心把早上的药吃了两遍", {"age": 50}, "P2", None, "poisoning"),
    # inhalation (§4.8)
    ("我哋成家人都头晕，屋企用紧炭炉", {}, "P1", "co_poisoning", "inhalation"),
    ("屋里烧蜂窝煤取暖，早上一家人都头疼想吐", {}, "P1", "co_poisoning", "inhalation"),
    ("厨房一股煤气味，没人不舒服", {}, "P2", None, "inhalation"),
    # heat and cold (§4.20)
    ("工地上中暑了，人迷迷糊糊叫不应", {}, "P1", "heat_stroke", "heat_cold"),
    ("老人在雪地里冻了一晚上，现在叫不醒", {}, "P1", "hypothermia", "heat_cold"),
    # headache (§4.18)
    ("突然一下子头疼得像炸开一样，从来没这么疼过", {}, "P1", "stroke_signs", "headache"),
    ("头疼得厉害还一直吐", {}, "P2", None, "headache"),
    # abdominal and back pain (§4.1, §4.5)
    ("肚子疼得直不起腰，一个多小时了", {}, "P2", None, "abdominal_pain"),
    ("肚子疼，冒冷汗，脸色煞白", {}, "P1", None, "abdominal_pain"),
    ("腰疼，腿发麻没劲", {}, "P2", None, "back_pain"),
    ("腰疼好几天了", {}, "P3", None, "back_pain"),
    # mental health (§4.25)
    ("我老婆生完孩子两周，天天哭，说孩子没她会更好", {}, "P2", "suicidal_ideation", "mental_health"),
    ("儿子说同学欺负他，他不想上学了，整天关在房间里", {}, "P3", None, "mental_health"),
    ("我现在站在江边，不想活了", {}, "P1", "suicidal_ideation", "mental_health"),
    ("最近在网上查怎么自杀不痛苦", {}, "P1", "suicidal_ideation", "mental_health"),
    ("活着没意思，天天想死", {}, "P2", "suicidal_ideation", "mental_health"),
    ("最近很焦虑，睡不着", {}, "P3", None, "mental_health"),
    # dialect function words are read as Mandarin (咗 唔 喺 冇)
    ("阿婆跌咗落地，叫佢冇反应", {}, "P1", "altered_consciousness", "unconscious"),
    ("我老豆透唔到气，坐喺度都喘", {}, "P1", "dyspnea", "breathing"),
    # issue 13, after blind set 1: kinds of wording the first run missed, in other words
    ("外婆刚才说话舌头像打了结，讲不清楚", {}, "P1", "stroke_signs", "stroke"),
    ("他去年中过风，右手一直不太灵活，想问康复", {}, "P3", None, "stroke"),
    ("我爸刚才右脸麻了十来分钟，后来自己好了", {}, "P2", None, "stroke"),
    ("孩子把一颗纽扣电池吞下去了，看着还好", {"age": 3}, "P1", None, "choking"),
    ("机器把工人的两个手指头压断了", {}, "P1", "severe_trauma", "trauma"),
    ("吃华法林的老人鼻血流了一个钟头止不住", {}, "P1", "major_bleeding", "haemorrhage"),
    ("游泳时沉下去一下，马上被拉起来了，现在说话正常，也不咳", {"age": 30}, "P2", None, "drowning"),
    ("热水器用完有点头疼，开窗透了气，现在好多了", {}, "P2", None, "inhalation"),
    ("前夫发短信说今晚要来弄死我，我现在在娘家", {}, "P2", None, "assault"),
    ("孩子今天抽了三次，每次之间都没完全醒过来", {}, "P1", "convulsion", "convulsions"),
    ("阿公叫佢都唔係好应", {}, "P1", "altered_consciousness", "unconscious"),
    # sick person (§4.26)
    ("我奶奶九十多了，两天没怎么吃东西", {}, "P2", None, "sick_person"),
    ("最近老是头晕，没胃口", {"age": 40}, "P3", None, "sick_person"),
    # rules added after blind set 3 was read
    ("我七十好几了，这个月爬两层楼就喘得得歇半天，坐着不动倒是不喘", {}, "P2", None, "breathing"),
    ("我爸前年中的风，左腿走路稍微拖一点，两年了一直这样，没变坏", {}, "P3", None, "stroke"),
    ("冠心病，前天一站起来就晕过去了，几秒钟就醒，之后一切正常", {"age": 58}, "P2", None, "unconscious"),
    ("有癫痫十几年了，早上抽了一次，跟以往一样一两分钟就停了，现在人完全正常", {}, "P2", None, "convulsions"),
    ("昨晚烧的炭盆，早上头有点昏痛，我现在在院子里坐了半个钟头吹风，好多了", {}, "P2", None, "inhalation"),
    (
        "奶奶的电热毯线皮破了，摸到被打了一下，现在心里咚咚咚跳得慌",
        {"age": 81},
        "P1",
        "electrocution",
        "electrocution",
    ),
    ("插座打了一下手，当时麻酥酥的，现在啥感觉都没有了", {"age": 40}, "P3", None, "electrocution"),
    ("我现在就坐在十七楼的窗台上，腿已经在外面了", {}, "P1", "suicidal_ideation", "mental_health"),
    ("药攒了满满一瓶，今晚吃掉就好了", {}, "P1", "suicidal_ideation", "mental_health"),
    (
        "怀孕二十六周，肚子突然疼起来，越来越疼，现在疼得直不起腰",
        {},
        "P1",
        "obstetric_emergency",
        "pregnancy",
    ),
    ("这两天解完大手，纸上都是鲜红的血，不头晕", {}, "P2", None, "haemorrhage"),
    ("孩子生下来第二天，今天连身上都黄了，手心脚心也黄黄的", {"age": 0.005}, "P2", None, "newborn"),
    ("家里的猫抓了我手背一下，稍微破了点皮但是没出血", {"age": 30}, "P3", None, "animal_bite"),
    ("狗咬在棉裤上，裤子咬了个洞，腿上一块青，皮没破也没出血", {"age": 45}, "P4", None, "animal_bite"),
    ("宝儿4岁，今早开始shao，能吃能玩，布洛芬喂多少", {"age": 4, "temperature_c": 38.5}, "P4", None, "fever"),
    # rules added after blind set 4 was read
    ("绳子我买回来了，挂钩也找好了", {}, "P1", "suicidal_ideation", "mental_health"),
    ("安眠药我这半年一点点攒的，今天晚上我想把它们都吃了", {}, "P1", "suicidal_ideation", "mental_health"),
    ("食堂有个客人滑到地上了，一动不动，也看不到喘气", {}, "P1", "cardiac_arrest", "arrest"),
    ("去后山采了野生菌煲汤，喝完两个钟，都开始肚痛，吐了几次", {}, "P1", "poisoning", "poisoning"),
    (
        "俺今年六十八，上趟茅房回来就喘得上不来气，坐炕上歇一会儿就好了，坐着躺着都不喘",
        {},
        "P2",
        None,
        "breathing",
    ),
    ("老头子肺气肿，喷两下那个药就缓过来了，过一阵子又上来", {"age": 74}, "P2", None, "breathing"),
    ("高压电线耷拉下来，俺家老三碰着了，手上烧黑了一块", {"age": 38}, "P1", "electrocution", "electrocution"),
    ("两个人打起来了，一个遭捅了一刀在肚子上，血流了一地", {}, "P1", "severe_trauma", "trauma"),
    ("河套里有人扑腾，喊救命呢！", {}, "P1", "drowning", "drowning"),
    ("工地老乡从外墙架子上梭下来了，二楼那么高", {}, "P1", "severe_trauma", "falls"),
    (
        "车间架子上掉下来的大扳手砸了脚面子，肿得跟个馒头似的，脚不敢沾地，没出血",
        {"age": 30},
        "P2",
        None,
        "trauma",
    ),
    # rules added after blind set 5 was read
    ("心口疼了一小阵，也就几分钟，后来再没疼过，这两天干活都好好的", {"age": 35}, "P2", None, "chest_pain"),
    ("俺娘左手一下子麻了，韭菜都拿不住，过了半个钟头她说又好了", {"age": 66}, "P2", None, "stroke"),
    (
        "小子五岁，吃了鸡蛋羹，身上一片一片起风疙瘩，从脖子到腿都是，刚又吐了两回",
        {},
        "P1",
        "anaphylaxis",
        "allergy",
    ),
    ("婆子在后山拾了一篮子蘑菇，炖了一锅，吃完都开始上吐下泻", {}, "P1", "poisoning", "poisoning"),
    ("我老豆食紧薄血丸，流鼻血流咗成个钟都止唔到", {}, "P1", "major_bleeding", "haemorrhage"),
    (
        "我个仔有羊吊，今朝发过一次，同平时一样抽咗半分钟，之后瞓一觉醒返就正常晒",
        {},
        "P2",
        None,
        "convulsions",
    ),
    ("我家也烧的煤，早上起来脑袋有点发沉，赶紧出门透了会儿气，现在基本没事了", {}, "P2", None, "inhalation"),
    # rules added after blind set 6 was read
    ("前天夜里心口痛过一阵，大约十来分钟，后来自家好了。今朝人好好的", {}, "P2", None, "chest_pain"),
    ("我二十六岁，一咳嗽胸口两边就牵牢痛，不咳的时候一点不痛，也不喘", {}, "P2", None, "chest_pain"),
    ("走到小区门口就气促，要停下来歇一歇，坐下来就平复了", {"age": 73}, "P2", None, "breathing"),
    (
        "孩子有癫痫，早饭前抽了一回，不到两分钟，跟平常发作一个样，这会儿在玩得好好的",
        {},
        "P2",
        None,
        "convulsions",
    ),
]


@pytest.mark.parametrize(("text", "fields", "urgency", "flag", "complaint"), CASES)
def test_each_protocol_discriminator(text, fields, urgency, flag, complaint):
    decision = triage_by_rules(TriageInput(text, **fields))
    assert decision.urgency == urgency, decision.decided_by
    assert flag is None or flag in decision.red_flags
    assert decision.complaint == complaint


@pytest.mark.parametrize(
    "text",
    [
        "气得我要中风了",
        "压力大得喘不过气来",
        "累得要死",
        "新闻上说有人一氧化碳中毒",
        "万一孩子抽搐怎么办",
        "以前得过心梗，现在挺好",
        "笑得我喘不上气了",
        "孩子被他气出心梗了",
        "喝水呛了一下，现在喘气说话都正常",
        "头疼发烧，鼻子也堵",
        "额头有点烫，量了三十八度",
        "我爷爷瘫痪在床，背上起了些红疹子",
        "半夜腿抽筋了，揉了一会儿好了",
        "冬天屋里烧炭盆取暖要注意什么",
        "他说脸不歪，手也能举起来，就是头晕",
        "追剧追到半夜，还在刷手机",
        "爸爸吃华法林，万一流鼻血止不住怎么办",
        "这视频笑得我差点晕过去",
        "房贷压得我喘不过气",
        "吃了芒果嘴唇有点肿，喘气倒还正常",
        "脚有点肿，还没到喘不上气的地步",
        "想了解一下中风有什么前兆",
        "今天排核酸队排得我都快晕倒了😵 能不能多开几个采样点啊",
        "看电视剧里有人心脏骤停，旁边的人给做心肺复苏，我也想学，社区有培训吗",
        "等红灯的时候被后面的车追尾了，身上没破没流血，可是脖子后面越来越酸疼",
        "看到这个月的电费单 我差点心脏骤停😱 谁家也这么贵啊",
        "我没啥不舒服，就想问问心梗有啥前兆，我爸有高血压，想提前了解一下",
        "孩子有热性惊厥史，现在又发烧38度了，万一晚上又抽了我该怎么处理？他现在挺好的",
        "我上一胎31周就破水早产了，现在怀二胎26周，目前一切都挺好的，就想问问要注意些啥",
        "最近眼皮老跳，左眼跳了三天了，是不是要抽风了？",
        "我爸最近手老是抖，端碗都抖，不是抽筋那种，七十岁了",
        "孩子烧到三十九度五，手脚冰凉一直在发抖，但是没有抽，叫他有反应，眼睛也没往上翻",
        "母亲七十三岁，半小时前久站后短暂晕厥，约十秒恢复，现神志清楚，无胸痛心慌。",
    ],
)
def test_figurative_reported_feared_and_past_signs_are_not_p1(text):
    assert triage_by_rules(TriageInput(text)).urgency != "P1"


def test_someone_who_cannot_leave_home_gets_a_home_visit_at_p3():
    decision = triage_by_rules(TriageInput("老人行动不便，这两天头晕，想请医生上门看看", age=82))
    assert (decision.urgency, decision.disposition, decision.decided_by) == (
        "P3",
        "home_visit",
        "cat.home_visit",
    )


@pytest.mark.parametrize(
    "text, urgency, disposition, category",
    [
        # a minor judgement (policy §3) of one protocol is what the catch-all's "疼" or "肿了" was about
        ("撞到桌角，大腿青了一块，有点疼", "P4", "answer_closed", "medical_consult"),
        (
            "被蜜蜂蛰了一下，手背上肿了个小包，以前没过敏过，别的都好",
            "P4",
            "answer_closed",
            "medical_consult",
        ),
        (
            "熨衣服的时候熨斗碰到小臂了，红了一小块，没起泡，用凉水冲了十来分钟",
            "P4",
            "answer_closed",
            "medical_consult",
        ),
        ("手指被门夹了一下，有点红肿，能弯能动", "P4", "answer_closed", "medical_consult"),
        (
            "今天太阳毒得很，在外头跑了一天，有点发晕，回来喝了绿豆汤冲了个凉，好多了",
            "P4",
            "answer_closed",
            "medical_consult",
        ),
        (
            "刚才喝水呛着了，咳了好半天，吓死我了，现在说话喘气都正常了",
            "P4",
            "answer_closed",
            "medical_consult",
        ),
        # a minor symptom beside another request leaves the request in place (§1.6)
        ("阳了有点咳嗽，家里没菜了，能帮忙买点吗", "P3", "volunteer_errand", "supplies"),
        ("阳了，有点咳嗽，布洛芬吃几片？", "P4", "answer_closed", "medical_consult"),
        # the levels between
        (
            "被马蜂蛰了一下，整个小胳膊都肿起来了，又红又胀，别的地方没事",
            "P3",
            "doctor_callback",
            "medical_consult",
        ),
        ("家里的猫舔了一下我手上一个小口子，没出血，要紧不？", "P3", "doctor_callback", "medical_consult"),
        (
            "儿子在学校被几个同学围着踢了好几脚，身上青一块紫一块，能走能吃饭，就是喊肚子边上疼",
            "P2",
            "doctor_callback",
            "medical_consult",
        ),
        (
            "昨天我爸有十来分钟说话不利索，后来完全好了，今天一切正常",
            "P2",
            "doctor_callback",
            "medical_consult",
        ),
        (
            "慢阻肺老毛病了，这几天痰多，走几步就比平时喘得厉害，吃药也压不住，坐着还行",
            "P2",
            "doctor_callback",
            "medical_consult",
        ),
    ],
)
def test_minor_mixed_and_middle_levels(text, urgency, disposition, category):
    decision = triage_by_rules(TriageInput(text, age=35))
    assert (decision.urgency, decision.disposition, decision.category) == (urgency, disposition, category)


def test_a_stroke_sign_that_only_improved_a_little_is_still_p1():
    decision = triage_by_rules(TriageInput("我爸刚才嘴歪了，后来好了一点，现在说话还是有点含糊"))
    assert decision.urgency == "P1"


@pytest.mark.parametrize(
    "text",
    [
        "我妈晕倒了，现在醒了，但是叫她名字反应很慢，迷迷糊糊的",
        "汗蒸房里待太久了，我老公出来就晕倒了，现在醒了，但说话颠三倒四的",
        "我爸晕过去了，现在没完全清醒",
    ],
)
def test_a_faint_not_fully_back_to_normal_is_p1(text):
    decision = triage_by_rules(TriageInput(text))
    assert (decision.urgency, decision.red_flags) == ("P1", ("altered_consciousness",))


@pytest.mark.parametrize(
    "text, urgency",
    [
        ("我爸今天早上起来突然浑身没劲，两条腿软得站都站不起来，说话倒还清楚", "P2"),
        ("我怀孕三十周，这两天内裤上有点见红", "P2"),
        ("孩子六岁，咳嗽的时候嗓子里有点嘶嘶响，但是喘气不费劲，玩得挺好", "P3"),
        ("我身上的风团一个小时从胳膊长到全身了，不喘，嗓子也不紧", "P2"),
        ("下班路上遭人追尾了，当时没觉得啥子，回屋头脖子后面僵起疼，转头费劲，手不麻", "P2"),
        # the milder reading does not hold against what outweighs it
        ("怀孕32周，内裤上有点见红，后来又流了好多血", "P1"),
        ("奶奶摔了一跤，腿软得站不起来", "P1"),
        ("孩子嗓子呼噜呼噜的，喘得很厉害，说不出话", "P1"),
        ("我老公三个小时前在家突然抽了一次，大概一分钟，现在人清醒能说话了，就说头疼、累", "P2"),
        ("孩子早上抽了一次，现在正常了，刚才又抽了", "P1"),
        ("孩子九岁有哮喘，下午喘了一回，喷了药缓过来了，刚才又开始有点喘，喷完又好了，现在说话正常", "P2"),
        ("哮喘犯了，喷了药缓过来了，现在又喘得说不出话", "P1"),
        ("我妈七十了，有点咳嗽，我问她喘不喘，她说不喘，嘴唇也不紫，血氧九十七", "P3"),
        ("今天骑车的时候有沙子飞进眼睛，用水冲过了，现在还是有点红有点涩，看东西没问题", "P3"),
        ("干活的时候铁屑飞进眼睛里了，疼得睁不开", "P1"),
        # what the day of calls of training set H showed
        ("信已经写好给我女儿了，药也攒了两个月，今晚就吃", "P1"),
        ("阿拉爷叔心口头痛煞了，伊老早就有心脏病个，侬快点派车来", "P1"),
        ("我先生早上起来右边胳膊和腿都不太听使唤，他说没事，躺一会就好", "P1"),
        ("孩子在外头玩雪冻着了，小脸小手冰凉，进屋暖了一会好多了", "P3"),
        ("头疼得厉害，已经吐了两回了，没发烧，也没磕着碰着", "P2"),
        ("他天天喝完酒就说要打死我，今天又发短信威胁我，我现在躲在我妈家，没受伤", "P2"),
        ("昨天晚上胸口疼了十来分钟，今天一天都好好的，要紧吗", "P2"),
        ("我是透析的，这两天嗓子疼，咳嗽，透析没耽误", "P3"),
        ("蜂窝煤烧完了，这么冷的天，哪儿还能买到煤啊", "P3"),
        ("打错了不好意思，我以为是订液化气的电话", "P4"),
        ("屋里烧着煤炉，我妈头疼想吐", "P1"),
        # P1 signs in lay words
        ("我男朋友说活着没意思，刚才发消息说要去另一个世界了，现在联系不上", "P1"),
        ("孩子头先出来了，还在家里", "P1"),
        ("热水壶整个倒在孩子身上了，从脖子到肚子都烫了", "P1"),
        ("被马蜂蜇了以后浑身起疙瘩，头晕要倒", "P1"),
        ("老人拉了一马桶的黑便，头晕站不住", "P1"),
    ],
)
def test_words_that_settle_the_level(text, urgency):
    assert triage_by_rules(TriageInput(text)).urgency == urgency


def test_a_gas_smell_with_no_one_ill_is_a_hazard_for_the_gas_company():
    decision = triage_by_rules(TriageInput("楼道里一股煤气味，挺冲的，家里人都没有不舒服，怎么办啊"))
    assert (decision.urgency, decision.disposition, decision.category) == (
        "P2",
        "department_dispatch",
        "other",
    )


@pytest.mark.parametrize(
    "text",
    [
        "人事不省", "牙关紧闭", "气若游丝", "奄奄一息", "头破血流", "言语不清", "呕血", "手上血流不止",
        "高烧不退，人迷迷糊糊", "窒息了", "他跟老婆吵架喝药了", "割脉了", "人软了", "倒地不起", "眼前一黑就倒了",
    ],
)  # fmt: skip
def test_the_set_phrases_of_an_emergency_are_p1_by_the_rules_alone(text):
    assert triage_by_rules(TriageInput(text)).urgency == "P1"


@pytest.mark.parametrize(
    "text",
    [
        "昨晚迷迷糊糊睡着了",
        "压力大得让人窒息",
        "开会开得我快窒息了",
        "孩子发烧喝药了还不退",
        "眼前一黑差点栽倒，现在好了",
        # blind set 2's false alarms, said in other words
        "卫生院现在还在打新冠疫苗不",
        "新闻说有人烧炭中毒，我们家也天天烧炭取暖，炭盆怎么放才安全",
        "这阵子项目压得我喘不过气，天天加班",
        "孩子吐了一摊红的，还以为吐血了，原来是吃的火龙果",
        "炉子没封好闻到煤烟味，开了窗，一家人没得哪个头痛想吐",
        "同桌说天天晚上玩手机眼睛会瞎掉，真的假的",
        "婆婆滑倒了，脑袋没碰着，自己爬起来了",
        "嘴唇肿了 喘气没事 说话也正常 嗓子不紧",
    ],
)
def test_the_same_words_as_a_figure_of_speech_a_near_miss_or_a_denial_are_not(text):
    assert triage_by_rules(TriageInput(text)).urgency != "P1"


@pytest.mark.parametrize(
    ("text", "fields", "urgency"),
    [
        # what blind set 2's first run missed, said in other words
        ("我现在坐在12楼窗台上，两条腿已经伸到外面了", {}, "P1"),
        ("儿子发烧两天了，脖子梗着，叫他低头看脚尖，低不下去", {"age": 8}, "P1"),
        ("我奶奶这几天越来越糊涂，问她在哪也说不上来", {}, "P1"),
        ("孩子的胰岛素晚上已经打过了，我不知道又给打了一针", {"age": 9}, "P2"),
        ("我妈说活着也没啥意思，想跟我爸一块去了", {}, "P2"),
        ("屋里烧的炭盆，早上头有点胀痛，出去吹了会儿风好多了，就还有一点点痛", {}, "P2"),
        ("修车的时候电瓶水溅到胳膊上了，有点红", {"age": 30}, "P2"),
        ("孕32周，今天感觉宝宝动得少了，上午就动了两下", {}, "P2"),
    ],
)
def test_blind_set_2_misses_in_other_words(text, fields, urgency):
    assert triage_by_rules(TriageInput(text, **fields)).urgency == urgency


@pytest.mark.parametrize(
    ("text", "fields", "p1"),
    [
        ("我爸把瓶子里的除草剂当水喝了一口，吐出来了", {}, True),
        ("宝宝刚才舔了洗碗机的洗涤块", {"age": 1.5}, True),
        ("爷爷头顶撞到柜角鼓了个包，平时不吃阿司匹林那些药，没吐", {"age": 71}, False),
        ("上个礼拜被电动车刮了一下，拍了片没骨折，想问医药费怎么报销", {}, False),
        ("宝宝现在好好的没发烧，想问家里要备哪种退烧药", {"age": 0.6}, False),
    ],
)
def test_unseen_second_writer_cases_in_other_words(text, fields, p1):
    assert (triage_by_rules(TriageInput(text, **fields)).urgency == "P1") is p1


@pytest.mark.parametrize(
    "text",
    [
        "我妈肚子疼得腰都直不起来，浑身冒凉汗",
        "爷爷吃华法林的，刚才脑门磕在桌角上，起了个包",
        "（一键呼叫）……我这左边……胳膊腿都麻了……",
        "我老公打胰岛素的，刚才开始胡咧咧，叫他名儿也不搭理",
        "宝宝生了9天，刚吐了一大口，是绿色的",
        "儿子吃了一颗腰果，说嗓子紧紧的，声音都哑了",
        "孩子花生过敏，刚才给他扎了肾上腺素笔，现在好点了",
        "电单车撞到个阿伯，佢坐喺地下起唔到身，褲腳一直滲血",
        "同事右手被冲床压了一下，食指前头两节没了",
        "工友晒了一上午，突然倒了，浑身滚烫，一滴汗都没有",
        "我爸七十多了，被马蜂蛰了十几个包，回来吐了两回，小便跟酱油一样",
        "孙女被大狗咬了脸，嘴角撕开好长一条口子，肉都翻出来了",
        "外公吃华法林的，流鼻血塞着捏了一个多钟头都止不住",
        "一个男的挑着担子爬坡的时候突然就倒了，十几秒就醒了",
        "弟弟把火锅拽翻了，汤全泼在他脸上和脖子上，起了好多泡",
        "阿公呕出来的东西好似咖啡渣，仲夹住鲜红色",
        "我哥精神分裂停药了，现在拎着菜刀站在客厅，说谁过去就砍谁",
        "我妈这两天屙的屎黑黢黢的，跟柏油一样",
        "我怀孕四个月，排队的时候眼睛一黑就倒下去了",
        "公公倒在灶房地上，喊他只晓得哼",
        "爷爷吃年糕噎住了，一个字都说不出来，也咳不出来",
        "我头先食晒成樽安眠藥，大概三十粒",
        "个仔烧咗两日，今日话条颈好硬，低头都低唔落",
    ],
)
def test_p1_signs_in_the_words_of_blind_set_2_and_its_second_writers_are_p1_by_the_rules(text):
    assert triage_by_rules(TriageInput(text)).urgency == "P1"


@pytest.mark.parametrize(
    ("text", "fields", "urgency", "disposition"),
    [
        # a faint fully back to normal (§4.29): P2 at 60+ or with heart disease, P3 under 60 with a trigger
        ("楼下老大爷刚才晕倒了，我们扶他坐了会儿，现在讲话清楚", {"age": 70}, "P2", "doctor_callback"),
        ("我排队站了半天，突然眼前一黑晕了一下，现在好好的", {"age": 24}, "P3", "doctor_callback"),
        ("我侄子献完血晕了，躺着喝了杯糖水，现在跟没事人一样", {"age": 19}, "P3", "doctor_callback"),
        ("对门王大爷前天晕倒住院了，我跟他一样大，现在好好的，想去体检", {"age": 70}, "P4", "answer_closed"),
        # a burn from a hot appliance is a burn, not an electric shock (§4.7, §4.15)
        ("电暖器把我小腿烫了，起了一个小泡，没有触电", {"age": 35}, "P3", "doctor_callback"),
        ("烧烤签子烫了一下胳膊，红了一点，没起泡", {"age": 30}, "P4", "answer_closed"),
        # an electric shock with tingling, or in pregnancy (§4.15)
        ("插头漏电电咗我一下，手指仲有啲痹", {"age": 30}, "P2", "doctor_callback"),
        ("吹风机漏电，电了我一下，现在没什么", {"sex": "F", "pregnancy_weeks": 30}, "P2", "doctor_callback"),
        # chest pain that came and went days ago, well since (§4.10 P2)
        ("大前天胸口疼过一阵，几分钟，后来就不疼了，这几天都好好的", {"age": 50}, "P2", "doctor_callback"),
        # fits in school years only (§1.2 past)
        ("高中的时候发烧抽过一次，是热性惊厥，之后没犯过", {"age": 19}, "P3", "doctor_callback"),
        # a medicine's most-per-day question is not an overdose (§4.22)
        ("发烧三十八度一，对乙酰氨基酚一天最多吃几次", {"age": 28}, "P4", "answer_closed"),
        # thanks, and questions about the line or the rules, are answered at first contact (§6)
        ("谢谢王姐前天冒雨给我们送菜上来", {}, "P4", "answer_closed"),
        ("专门打来说声谢谢，上次帮我爸叫车的那个小伙子", {}, "P4", "answer_closed"),
        ("这个热线晚上几点以后还有人接吗", {}, "P4", "answer_closed"),
        ("从外省回来，进小区还要不要扫码登记？", {}, "P4", "answer_closed"),
    ],
)
def test_blind_set_7_readings_in_other_words(text, fields, urgency, disposition):
    decision = triage_by_rules(TriageInput(text, **fields))
    assert (decision.urgency, decision.disposition) == (urgency, disposition), decision.decided_by


@pytest.mark.parametrize(
    "text",
    [
        "晕倒那个大妈已经被120拉走了，她的包落在我们店里，交给谁",
        "老糊涂了，降压药今天早上好像吃了两回，现在人好好的",
    ],
)
def test_someone_else_already_in_care_and_a_figure_of_speech_are_not_p1(text):
    assert triage_by_rules(TriageInput(text)).urgency != "P1"


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("降压药断了两天，今早量了两回，191/113、188/111，没啥感觉", "P2"),  # §4.19: ≥ 180/110 without 血压
        ("12/25那天量过一次，挺好的", "P4"),  # a date is not a reading
        ("邻居家的猫把我手背抓损了，有两道血痕", "P2"),  # §4.3: a scratch that bled
    ],
)
def test_readings_and_scratches_said_plainly(text, urgency):
    assert triage_by_rules(TriageInput(text, age=40)).urgency == urgency


@pytest.mark.parametrize(
    ("text", "complaint", "urgency"),
    [
        ("中午吃了凉皮，下午拉了两回，水照喝，不发烧", "vomiting_diarrhoea", "P4"),  # §3 mild, adult
        ("师傅今天拉了三回货，问下高速要不要核酸", None, "P4"),  # 拉 is hauling here
    ],
)
def test_counted_bouts_of_diarrhoea(text, complaint, urgency):
    decision = triage_by_rules(TriageInput(text, age=30))
    assert (decision.complaint, decision.urgency) == (complaint, urgency)


@pytest.mark.parametrize(
    "text",
    [
        "拉了两次肚子，水能喝，吃点什么药好",  # a question which medicine: answered, not a delivery
        "手背蹭破点皮，血早止住了，用不用抹药",
        "孩子三十七度五，玩得挺好，要不要马上去医院",
        "打了加强针，今天胳膊有点酸，人有点乏",  # §3 mild vaccine reaction
        "菜刀划了个小口，按了一会儿血就停了",  # §3 minor injury
        "前几天腰疼得厉害，这几天好多了，想说声谢谢",  # §3 better now, thanks
        "替我们全家谢谢前天送药上门的志愿者",
    ],
)
def test_questions_thanks_and_minor_things_are_answered_at_first_contact(text):
    decision = triage_by_rules(TriageInput(text, age=32))
    assert (decision.urgency, decision.disposition) == ("P4", "answer_closed"), decision.decided_by


def test_a_little_better_is_not_better_now():
    decision = triage_by_rules(TriageInput("肚子疼了一天，今天好了一点，还是一阵一阵疼", age=32))
    assert decision.urgency != "P4"


@pytest.mark.parametrize(
    ("text", "fields", "urgency", "disposition"),
    [
        ("炒菜油星子崩到手腕上，起了个黄豆大的小泡", {"age": 30}, "P3", "doctor_callback"),  # §4.7 blistered
        ("今天一上午拉了八回，水一样，不发烧", {"age": 30}, "P3", "doctor_callback"),  # §4.31 > 6 a day
        ("孙子九岁，在操场上晒得有点中暑，喝了水现在好点了", {}, "P3", "doctor_callback"),  # §4.20 child
        ("我奶被马蜂蛰了一下，手指头肿了个包", {}, "P3", "doctor_callback"),  # §3 not for 60+
        ("隔夜的剩饭热了吃，下午拉了两回", {"age": 30}, "P3", "doctor_callback"),  # suspected food poisoning
        ("超市一袋大米卖到一百二十块，趁封控坑人", {}, "P3", "department_dispatch"),
        ("说好上午来上门核酸，等到下午也没人来", {}, "P3", "department_dispatch"),
        ("我二十八，胸口这块一按就疼，不按不疼，喘气也匀", {}, "P2", "doctor_callback"),  # age said bare
    ],
)
def test_the_levels_writers_drew_between_minor_and_not(text, fields, urgency, disposition):
    decision = triage_by_rules(TriageInput(text, **fields))
    assert (decision.urgency, decision.disposition) == (urgency, disposition), decision.decided_by


@pytest.mark.parametrize(
    ("text", "fields", "urgency"),
    [
        ("血糖一直控制得不太好，空腹十一点几，没啥不舒服", {}, "P3"),  # 一直 is no reading of 1.0
        ("被邻居家的狗咬了一口，有牙印，皮没咬破，也没出血", {"age": 30}, "P3"),  # §4.3 skin unbroken
        ("猫挠了一下，破了一点点皮，没出血", {"age": 30}, "P3"),
        (
            "我爸六十五，胃疼的老毛病又犯了，跟以前一样",
            {},
            "P3",
        ),  # an old ailment, not a relapse of psychosis
        ("我二十出头，排了两个钟头队，眼前一黑晕了一下，几秒就醒了，现在好好的", {}, "P3"),  # §4.29 P3
    ],
)
def test_words_that_looked_like_more_than_they_were(text, fields, urgency):
    decision = triage_by_rules(TriageInput(text, **fields))
    assert decision.urgency == urgency, decision.decided_by


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("昨晚肚子绞着疼了一阵，今天早上就好了，现在一点不疼", "P4"),  # chest_pain.gone needs a chest
        ("我家狗把我新买的拖鞋咬烂了，哈哈", "P4"),  # a chewed shoe is no bite
        ("削苹果把自己手指头划了个小口，贴了创可贴已经不流了", "P4"),  # an accident, not self-harm
    ],
)
def test_an_accident_or_another_pain_is_not_read_as_the_graver_protocol(text, urgency):
    assert triage_by_rules(TriageInput(text, age=35)).urgency == urgency


@pytest.mark.parametrize(
    ("text", "fields", "urgency"),
    [
        ("楼上独居的刘大爷，我们敲门进去，喊了好几声才睁眼，问啥都答不上", {}, "P1"),  # hard to rouse (§4.29)
        ("我妈前天右手突然麻了半个钟头，后来自己就好了，今天挺正常", {"age": 62}, "P2"),  # a TIA (§4.27)
        ("老头前年中过一回风，右腿一直有点拖，想问咋练", {"age": 70}, "P3"),  # old stroke, stable
        ("村里都烧蜂窝煤，现在谁都没不舒服，想问咋个防煤气中毒", {}, "P4"),  # a prevention question
        ("被邻居家的泰迪咬了手指，两个牙洞，出了点血", {"age": 30}, "P2"),  # §4.3 bite that bled
        ("建议社区给孕妈们开个产检讲座", {}, "P4"),  # a suggestion naming a condition
        ("刚才用小刀在手臂上划了几道，血自己停了，我不是想死", {}, "P2"),  # self-harm, not an attempt on life
    ],
)
def test_blind_set_8_readings_in_other_words(text, fields, urgency):
    decision = triage_by_rules(TriageInput(text, **fields))
    assert decision.urgency == urgency, decision.decided_by
