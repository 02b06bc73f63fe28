"""Vital signs said in words: blood pressure (血压180/110, 高压一百八), pulse (心跳一百四, 脉搏每分钟40次),
breathing rate (呼吸一分钟三十多次) and blood sugar (血糖2.8, 血糖二十多, 血糖仪显示HI).

Each reading keeps the words it came from. A number belongs to the measurement named just before it, until
another measurement or the end of the sentence; ranges and "多" read as for temperatures (numbers.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from anxin.triage.context import Polarity, polarity
from anxin.triage.evidence import Reading
from anxin.triage.numbers import NUMBER, add_more, parse_number

N = NUMBER
_WINDOW = 14
_WINDOW_END = re.compile(r"血氧|体温|温度|烧|岁|心率|心跳|脉搏|血压|高压|低压|血糖|呼吸|[。！？!?；;\n]")
_NUMBER_AFTER = re.compile(rf"(?P<n>{N})(?P<more>多|几)?(?!{N}|度|岁|天|个|小时|周|年|℃)")

_ONE_BEFORE = frozenset("这那每统唯万第")
_ONE_AFTER = frozenset("直下样般些会阵礼星点口眼切共起同定旦向再边天周次趟遍块")
_BP_PAIR = re.compile(rf"(?P<s>{N})(?P<smore>多)?\s*[/／]\s*(?P<d>{N})(?P<dmore>多)?")
_BP_CUE = re.compile(r"血压|收缩压|高压(?!锅|线|电)")
_BP_LOW_CUE = re.compile(r"舒张压|低压(?!锅|线|电)")
_BP_CONTEXT = re.compile(r"血压|高压|低压|降压|量了|测了|量的|测的|一量|地平|沙坦|普利|洛尔")
_PULSE_CUE = re.compile(r"心率|心跳|脉搏|脉率|脉跳")
_BREATH_RATE = re.compile(
    rf"(?:呼吸|喘)(?:频率|次数)?(?:是|有|都|快到|达到|到了|到|每分钟|一分钟|1分钟|，|,|\s)*"
    rf"(?P<n>{N})(?P<more>多)?(?:次|下|口)"
    rf"|呼吸频率(?:是|有|都|到了|到|\s)*(?P<n2>{N})(?P<more2>多)?"
)
_GLUCOSE_CUE = re.compile(r"血糖|血塘|血唐|糖值")
_GLUCOSE_HI = re.compile(r"(?:血糖|血糖仪|糖值)[^，,。]{0,6}(?:hi|测不出来|爆表|测不到)")
GLUCOSE_METER_MAX = 33.3  # what a home meter's "HI" means, mmol/L


def _present(text: str, start: int, end: int) -> bool:
    return polarity(text, start, end) is Polarity.PRESENT


def _number(match: re.Match, name: str = "n", more: str = "more") -> float | None:
    value = parse_number(match[name]) if match[name] else None
    if value is not None and match[more]:
        value = add_more(value)
    return value


def _after_cue(text: str, cue: re.Match) -> re.Match | None:
    """The first number said after a measurement's name, within its part of the sentence."""
    window_end = min(len(text), cue.end() + _WINDOW)
    stop = _WINDOW_END.search(text, cue.end(), window_end)
    end = stop.start() if stop else window_end
    for number in _NUMBER_AFTER.finditer(text, cue.end(), end):
        if not _one_in_a_word(text, number):
            return number
    return None


def _one_in_a_word(text: str, number: re.Match) -> bool:
    """The character 一 inside a word ("血糖一直偏高", "这一礼拜"), not a reading."""
    if number.group() != "一":
        return False
    before = text[number.start() - 1] if number.start() else ""
    after = text[number.end()] if number.end() < len(text) else ""
    return before in _ONE_BEFORE or after in _ONE_AFTER


def read_blood_pressure(facts) -> None:
    text = facts.text
    for cue in _BP_CUE.finditer(text):
        if not _present(text, cue.start(), cue.end()):
            continue
        window = text[cue.end() : cue.end() + _WINDOW]
        pair = _BP_PAIR.search(window)
        if pair:
            systolic, diastolic = _number(pair, "s", "smore"), _number(pair, "d", "dmore")
            end = cue.end() + pair.end()
            _add(facts, facts.bp_systolic, systolic, cue.start(), end, 50, 300)
            _add(facts, facts.bp_diastolic, diastolic, cue.start(), end, 30, 200)
            continue
        number = _after_cue(text, cue)
        if number:
            _add(facts, facts.bp_systolic, _number(number), cue.start(), number.end(), 50, 300)
    for cue in _BP_LOW_CUE.finditer(text):
        number = _after_cue(text, cue)
        if number and _present(text, cue.start(), cue.end()):
            _add(facts, facts.bp_diastolic, _number(number), cue.start(), number.end(), 30, 200)
    _read_bare_pairs(facts)


def _read_bare_pairs(facts) -> None:
    """Pairs such as "量了三次，189/112、186/110" said without the word 血压, in a message about blood pressure or a
    measurement, each read as a reading of its own when it looks like one (a systolic of three digits above the
    diastolic; a date such as 12/25 does not)."""
    text = facts.text
    if not _BP_CONTEXT.search(text):
        return
    known = [(r.evidence.start, r.evidence.end) for r in facts.bp_systolic]
    for pair in _BP_PAIR.finditer(text):
        if any(start <= pair.start() < end for start, end in known):
            continue
        systolic, diastolic = _number(pair, "s", "smore"), _number(pair, "d", "dmore")
        if systolic is None or diastolic is None or not (100 <= systolic <= 300 and diastolic < systolic):
            continue
        if _present(text, pair.start(), pair.end()):
            _add(facts, facts.bp_systolic, systolic, pair.start(), pair.end(), 50, 300)
            _add(facts, facts.bp_diastolic, diastolic, pair.start(), pair.end(), 30, 200)


def read_pulse(facts) -> None:
    _read_after(facts, _PULSE_CUE, facts.heart_rate, 20, 260)


def read_breathing_rate(facts) -> None:
    text = facts.text
    for match in _BREATH_RATE.finditer(text):
        name, more = ("n", "more") if match["n"] else ("n2", "more2")
        value = _number(match, name, more)
        if _present(text, match.start(), match.end()):
            _add(facts, facts.resp_rate, value, match.start(), match.end(), 5, 120)


def read_glucose(facts) -> None:
    text = facts.text
    for match in _GLUCOSE_HI.finditer(text):
        if _present(text, match.start(), match.end()):
            _add(facts, facts.glucose, GLUCOSE_METER_MAX, match.start(), match.end(), 0.5, 40)
    _read_after(facts, _GLUCOSE_CUE, facts.glucose, 0.5, 40)


def _read_after(facts, cue_pattern: re.Pattern, readings: list, low: float, high: float) -> None:
    text = facts.text
    for cue in cue_pattern.finditer(text):
        number = _after_cue(text, cue)
        if number and _present(text, cue.start(), cue.end()):
            _add(facts, readings, _number(number), cue.start(), number.end(), low, high)


def _add(facts, readings: list, value: float | None, start: int, end: int, low: float, high: float) -> None:
    if value is None or not low <= value <= high:
        return
    if any(r.evidence.start == start for r in readings):
        return
    readings.append(Reading(value, facts.text_evidence(start, end)))


VITAL_READERS: tuple[Callable, ...] = (read_blood_pressure, read_pulse, read_breathing_rate, read_glucose)
