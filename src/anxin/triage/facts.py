"""What a message says about its subject: readings (temperature, SpO2, age, pregnancy weeks, days of fever)
and groups (infant, elderly, pregnant, chronic disease …), each with the evidence it came from.

The number grammar is code here; which words name a group is data (``rules/groups.toml``). Structured fields
from the agent become readings and groups of their own, so a rule sees both and the more urgent reading wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from anxin.triage.context import Polarity, polarity
from anxin.triage.evidence import Evidence, Reading
from anxin.triage.gate import required_sets, text_grams
from anxin.triage.numbers import NUMBER, add_more, parse_number
from anxin.triage.vitals import VITAL_READERS

N = NUMBER
_TEMPERATURE_UNIT = r"(?:摄氏度|度|°c|℃|°)"
_TEMPERATURE_WITH_UNIT = re.compile(
    rf"(?P<n>{N})(?P<more>多|好几)?{_TEMPERATURE_UNIT}(?:整)?(?P<frac>[0-9一二三四五六七八九](?![0-9]))?(?P<more2>多)?"
)
_TEMPERATURE_AFTER_CUE = re.compile(
    rf"(?:烧到|烧了|发烧|发热|高烧|低烧|体温|温度|耳温|额温|腋温|肛温|口温|水银|体温计|温枪|量了|测了|烧)"
    rf"(?:枪|计|是|有|到|到了|都|还|还是|才|只有|一直|在|量|测|了|的|一下|下|显示|出来|\s)*"
    rf"(?P<n>{N})(?P<more>多)?(?!{N}|天|日|周|个|次|小时|点|岁)"
)
_TEMPERATURE_ABOUT = re.compile(
    r"(?<![0-9.])(?P<n>3[5-9](?:\.[0-9])?|4[0-2](?:\.[0-9])?)(?:度)?(?:上下|左右)"
)
_SPO2_CUE = re.compile(r"血氧|血痒|血样|血养|氧饱和度?|饱和度|spo2|sp02|氧合|指脉氧")
# A number after the cue belongs to it until another measurement or the sentence ends.
_READING_NAMES = ("temperature", "spo2", "fever_days", "heart_rate", "resp_rate", "glucose")
_SPO2_WINDOW = 16
_SPO2_WINDOW_END = re.compile(r"心率|脉搏|体温|血压|心跳|呼吸|温度|烧|岁|[。！？!?\n]")
_SPO2_NUMBER = re.compile(rf"(?P<n>{N})(?P<more>多|几|好几)?(?!{N}|度|岁|次|天|个|小时|分钟|周|年)")
_AGE_YEARS = re.compile(rf"(?P<n>{N})(?P<more>多|来)?(?:周)?岁(?P<half>半)?(?:(?P<months>{N})个?月)?")
_AGE_DECADES = re.compile(r"(?P<n>[一二三四五六七八九]十)(?P<how>好几|出头)")  # 八十好几 = 85, 二十出头 = 22
_KIN = r"(?:爷爷|奶奶|姥姥|姥爷|外婆|外公|老人|老人家|老太太|老爷子|大爷|大妈|阿姨|我爸|我妈|爸爸|妈妈|父亲|母亲|婆婆|公公|老伴|老公|老婆|老头|老头子|老太|邻居|爹|老爸|老妈|我娘|俺娘|老汉儿|阿公|阿婆|阿爸|阿妈|阿嬷|阿爷|太婆|老母亲|老父亲|岳父|岳母|丈母娘|老丈人|我(?=今年)|俺(?=今年)|咱(?=今年)|本人(?=今年))"
_AGE_KIN = re.compile(
    rf"{_KIN}(?:今年|都|已经|快|也|有)*(?P<n>[2-9][0-9]|[二三四五六七八九]十[一二三四五六七八九]?)(?P<more>多|好几)?(?:了|岁|，|,|\s|$)"
)
# "我28，用不用去医院", "俺五十六了", "我闺女十六，": an age said bare, right after the person, before a pause.
_AGE_SAID_BARE = re.compile(
    r"(?:(?P<self>我|俺|咱|本人)(?:今年|都|已经)?(?P<n>[1-9][0-9]|[二三四五六七八九]十[一二三四五六七八九]?)"
    r"|(?:闺女|儿子|女儿|孙子|孙女|老大|老二|伢子)(?:今年|才|都|已经)?(?P<child>1[0-7]|十[一二三四五六七]?))"
    r"(?P<more>多)?(?:了|岁)?(?=[，,。！!？?\s]|$)"
)
_AGE_WEEKS = re.compile(
    rf"(?:(?P<n1>{N})(?:个)?(?:周|星期)(?:大)|{{BABY}}(?:才|刚|只有)?(?P<n2>{N})(?:个)?(?:周|星期))"
)
_BABY = r"(?:宝宝|孩子|婴儿|娃儿|娃|小孩|宝儿|女儿|儿子|孙子|孙女|外孙女?|小宝|闺女|男孩|女孩)"
_AGE_MONTHS = re.compile(
    rf"(?:{_BABY}(?:才|刚|刚刚|只有|今年|刚满|满)?(?P<n1>{N})(?P<half1>个半|个)?月(?!前|后|了吗|份|底|初)"
    rf"|(?P<n2>{N})(?P<half2>个半|个)?月(?:大|的{_BABY}|{_BABY}))"
)
_AGE_WEEKS = re.compile(_AGE_WEEKS.pattern.replace("{BABY}", _BABY))
_AGE_DAYS = re.compile(
    rf"(?:(?:出生|出世|生下来|生了)(?:才|刚|刚刚|只有|不到)?(?P<n1>{N})(?P<more>多)?(?:天|日)|(?P<n2>{N})天(?:大)?的{_BABY}|{_BABY}(?:才|刚|只有)?(?P<n3>{N})天)"
)
_PREGNANCY = re.compile(
    rf"(?:孕|怀孕|怀了|怀着|怀上)(?:了|已经|快|才|刚|刚刚|都)?(?P<n>{N})(?P<more>多)?(?P<unit>周|个多?月|月)"
)
_FEVER_WORD = r"(?:发烧|高烧|发热|低烧|高热|烧不退|不退烧|烧)"
_DAY_UNIT = r"(?:天|日|周|个星期|星期|个礼拜|礼拜)"
_A_TEMPERATURE = rf"(?:{N}多?(?:{_TEMPERATURE_UNIT}(?:整)?[0-9一二三四五六七八九]?)?)"
_FEVER_DAYS = re.compile(
    rf"(?:{_FEVER_WORD}(?:到|了)?{_A_TEMPERATURE}?(?:了|已经|都|快|反反复复|反复|连续|持续|第|的第|，|,|\s)*"
    rf"(?P<n1>{N}|好几|几)(?P<more1>多)?(?P<unit1>{_DAY_UNIT})"
    rf"|第?(?P<n2>{N}|好几|几)(?P<more2>多)?(?P<unit2>{_DAY_UNIT})(?:了|以来|多)?(?:[，,\s])?"
    rf"(?:一直|还|还是|都|反复|持续|连续|了|是|在)*(?:{_FEVER_WORD}|{_A_TEMPERATURE}))"
)
_VAGUE_COUNTS = {"好几": 4.0, "几": 3.0}  # "烧了好几天": more than three, read cautiously
_WEEK_UNITS = ("周", "个星期", "星期", "个礼拜", "礼拜")


@dataclass
class Facts:
    text: str  # normalised, same length as the original
    original: str
    channel: str | None = None
    temperature: list[Reading] = field(default_factory=list)
    spo2: list[Reading] = field(default_factory=list)
    age: list[Reading] = field(default_factory=list)
    pregnancy_weeks: list[Reading] = field(default_factory=list)
    fever_days: list[Reading] = field(default_factory=list)
    bp_systolic: list[Reading] = field(default_factory=list)
    bp_diastolic: list[Reading] = field(default_factory=list)
    heart_rate: list[Reading] = field(default_factory=list)
    resp_rate: list[Reading] = field(default_factory=list)
    glucose: list[Reading] = field(default_factory=list)
    groups: dict[str, Evidence] = field(default_factory=dict)
    chars: frozenset[str] = (
        frozenset()
    )  # the characters of ``text`` and its two-character runs, for the gates

    def __post_init__(self) -> None:
        self.chars = text_grams(self.text)

    def extreme(self, name: str, *, lowest: bool | None = None) -> Reading | None:
        """The reading that matters most: the highest temperature or days of fever, the lowest SpO2 (or, with
        ``lowest``, the end asked for)."""
        readings = getattr(self, name)
        if not readings:
            return None
        if lowest is None:
            lowest = name == "spo2"
        return min(readings, key=_by_value) if lowest else max(readings, key=_by_value)

    def readings_present(self) -> frozenset[str]:
        """The names of the readings this message has at least one of ("bp" for either blood pressure)."""
        names = {name for name in _READING_NAMES if getattr(self, name)}
        if self.bp_systolic or self.bp_diastolic:
            names.add("bp")
        return frozenset(names)

    def text_evidence(self, start: int, end: int) -> Evidence:
        return Evidence("text", self.original[start:end], start, end, None)

    def add_group(self, group: str, evidence: Evidence) -> None:
        self.groups.setdefault(group, evidence)


def _by_value(reading: Reading) -> float:
    return reading.value


_GATES: dict[int, tuple[frozenset[str], ...]] = {}  # by id(regex): a Pattern hashes its whole program


def _required(regex: re.Pattern) -> tuple[frozenset[str], ...]:
    gates = _GATES.get(id(regex))
    if gates is None:
        gates = _GATES[id(regex)] = required_sets(regex.pattern)
    return gates


def _scan(facts: Facts, regex: re.Pattern) -> Iterator[re.Match]:
    """``regex.finditer`` over the text, skipped when the text lacks what a match needs (a number, a unit)."""
    chars = facts.chars
    for required in _required(regex):
        if required.isdisjoint(chars):
            return iter(())
    return regex.finditer(facts.text)


def _value(match: re.Match, name: str = "n") -> float | None:
    spoken = match[name]
    if spoken in _VAGUE_COUNTS:
        return _VAGUE_COUNTS[spoken]
    return parse_number(spoken) if spoken else None


def _first_group(match: re.Match, *names: str) -> str | None:
    return next((name for name in names if match[name]), None)


def _present(facts: Facts, match: re.Match) -> bool:
    return polarity(facts.text, match.start(), match.end()) is Polarity.PRESENT


def read_temperatures(facts: Facts) -> None:
    for match in _scan(facts, _TEMPERATURE_WITH_UNIT):
        value = _value(match)
        if value is None:
            continue
        if match["frac"] and value == int(value):
            value += (parse_number(match["frac"]) or 0) / 10  # 38度6
        if match["more"] or match["more2"]:
            value = add_more(value) if not match["frac"] else value + 0.05
        _add_temperature(facts, match, value)
    for match in _scan(facts, _TEMPERATURE_AFTER_CUE):
        value = _value(match)
        if value is not None and match["more"]:
            value = add_more(value)
        _add_temperature(facts, match, value)
    for match in _scan(facts, _TEMPERATURE_ABOUT):
        _add_temperature(facts, match, float(match["n"]))


def _add_temperature(facts: Facts, match: re.Match, value: float | None) -> None:
    if value is None or not 34.0 <= value <= 43.5 or not _present(facts, match):
        return
    if any(r.evidence.start == match.start() or r.evidence.end == match.end() for r in facts.temperature):
        return
    facts.temperature.append(Reading(value, facts.text_evidence(match.start(), match.end())))


def read_spo2(facts: Facts) -> None:
    text = facts.text
    for cue in _scan(facts, _SPO2_CUE):
        if not _present(facts, cue):
            continue
        window_end = min(len(text), cue.end() + _SPO2_WINDOW)
        stop = _SPO2_WINDOW_END.search(text, cue.end(), window_end)
        for match in _SPO2_NUMBER.finditer(text, cue.end(), stop.start() if stop else window_end):
            value = _value(match)
            if value is None:
                continue
            if match["more"]:
                value = add_more(value)
            if 50 <= value <= 100:
                facts.spo2.append(Reading(value, facts.text_evidence(cue.start(), match.end())))


def read_ages(facts: Facts) -> None:
    for match in _scan(facts, _AGE_YEARS):
        value = _value(match)
        if value is None:
            continue
        if match["more"]:
            value = add_more(value)
        if match["half"]:
            value += 0.5
        elif match["months"]:
            value += (parse_number(match["months"]) or 0) / 12
        if value <= 120:
            facts.age.append(Reading(value, facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_KIN):
        value = parse_number(match["n"])
        if value:
            value = add_more(value) if match["more"] else value
            facts.age.append(Reading(value, facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_SAID_BARE):
        value = parse_number(match["n"] or match["child"])
        said = any(
            r.evidence.start is not None and r.evidence.start < match.end() and match.start() < r.evidence.end
            for r in facts.age
        )
        if value and not said:
            value = add_more(value) if match["more"] else value
            facts.age.append(Reading(value, facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_WEEKS):
        weeks = _value(match, _first_group(match, "n1", "n2"))
        if weeks is not None and weeks <= 20:
            facts.age.append(Reading(round(weeks / 52, 3), facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_DECADES):
        value = parse_number(match["n"])
        if value:
            value += 5 if match["how"] == "好几" else 2
            facts.age.append(Reading(value, facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_MONTHS):
        name = _first_group(match, "n1", "n2")
        months = _value(match, name)
        if months is None or months > 36:
            continue
        if match["half1"] == "个半" or match["half2"] == "个半":
            months += 0.5
        facts.age.append(Reading(round(months / 12, 3), facts.text_evidence(match.start(), match.end())))
    for match in _scan(facts, _AGE_DAYS):
        days = _value(match, _first_group(match, "n1", "n2", "n3"))
        if days is not None and days <= 120:
            facts.age.append(Reading(round(days / 365, 3), facts.text_evidence(match.start(), match.end())))


def read_pregnancy(facts: Facts) -> None:
    for match in _scan(facts, _PREGNANCY):
        value = _value(match)
        if value is None:
            continue
        weeks = value if match["unit"] == "周" else value * 4.3
        if match["more"]:
            weeks += 0.5 if match["unit"] == "周" else 2
        if 0 < weeks <= 45 and _present(facts, match):
            facts.pregnancy_weeks.append(Reading(weeks, facts.text_evidence(match.start(), match.end())))


def read_fever_days(facts: Facts) -> None:
    for match in _scan(facts, _FEVER_DAYS):
        name = _first_group(match, "n1", "n2")
        value = _value(match, name)
        if value is None:
            continue
        unit = match["unit1"] or match["unit2"]
        if unit in _WEEK_UNITS:
            value *= 7
        if match["more1"] or match["more2"]:
            value += 0.5
        if value <= 60 and _present(facts, match):
            facts.fever_days.append(Reading(value, facts.text_evidence(match.start(), match.end())))


READERS = (read_temperatures, read_spo2, read_ages, read_pregnancy, read_fever_days, *VITAL_READERS)
__all__ = ["READERS", "Evidence", "Facts", "Reading"]
