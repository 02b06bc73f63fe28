"""One ledger cell to one value: text, yes/no, dates, conditions, hand-set tags, quarantine, groups.

The words are data (rules/values.toml). Pure: no Django. Every parser raises ``InvalidInput`` naming the field
and the reason, so the import reports the row, the field and why.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from anxin.core.errors import InvalidInput
from anxin.core.i18n import gettext, gettext_noop
from anxin.core.text import CONTROL_CHARACTERS, to_halfwidth
from anxin.people.tags import CONDITION_LABELS, TAG_LABELS, manual_tag_codes

RULES_FILE = Path(__file__).parent / "rules" / "values.toml"
# Anything longer than this in a cell is not ledger data (a pasted document, a corrupted file).
CELL_MAX = 500
# Separators and date words people type in cells (, ， 、 ; ；  and 年 月 日), written as escapes: they are file
# content, not text anyone reads (tests/core/test_i18n.py looks for that).
SEPARATORS = re.compile(r"[,\uff0c\u3001;\uff1b\s]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.\u5e74]\s*(\d{1,2})\s*[-/.\u6708]\s*(\d{1,2})\s*\u65e5?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
GROUP_FACTS = ("lives_alone", "on_dialysis", "on_chemo", "disabled")
REQUIRABLE = ("pregnant_due_date", "chronic_conditions", "discharged_on")


@dataclass(frozen=True)
class Group:
    flags: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    quarantine: str = ""
    manual: tuple[str, ...] = ()
    requires: str = ""


@dataclass(frozen=True)
class ValueRules:
    version: str
    separator: str
    yes: frozenset[str]
    no: frozenset[str]
    yes_word: str
    no_word: str
    quarantine: dict[str, str]  # word -> status code ("" for none)
    quarantine_words: dict[str, str]  # status code -> the word export writes
    conditions: dict[str, str]  # word -> condition code
    manual_tags: dict[str, str]  # word -> manual tag code
    groups: dict[str, Group]  # word -> what it means


@dataclass
class GroupFacts:
    """What a 人群类别 cell adds to a row."""

    flags: set[str] = field(default_factory=set)
    conditions: list[str] = field(default_factory=list)
    quarantine: str = ""
    manual: list[str] = field(default_factory=list)
    requires: set[str] = field(default_factory=set)


def _word(text: str) -> str:
    return to_halfwidth(text).strip().upper()


def _words_of(table: dict[str, list[str]], labels: dict[str, str]) -> dict[str, str]:
    words = {_word(code): code for code in table}
    words.update({_word(labels[code]): code for code in table if code in labels})
    for code, aliases in table.items():
        words.update({_word(w): code for w in aliases})
    return words


def _group(spec: dict) -> Group:
    flags = tuple(name for name, on in spec.get("set", {}).items() if on)
    unknown = [f for f in flags if f not in GROUP_FACTS]
    unknown += [c for c in spec.get("conditions", []) if c not in CONDITION_LABELS]
    unknown += [m for m in spec.get("manual", []) if m not in TAG_LABELS]
    requires = str(spec.get("requires", ""))
    if unknown or (requires and requires not in REQUIRABLE):
        raise ValueError(f"ledger group names unknown codes: {unknown or requires}")
    return Group(
        flags=flags,
        conditions=tuple(spec.get("conditions", [])),
        quarantine=str(spec.get("quarantine", "")),
        manual=tuple(spec.get("manual", [])),
        requires=requires,
    )


def parse_value_rules(text: str) -> ValueRules:
    data = tomllib.loads(text)
    quarantine = {str(code): list(words) for code, words in data["quarantine"].items()}
    statuses = {"quarantine_home", "quarantine_central", "confirmed", "none"}
    if set(quarantine) - statuses:
        raise ValueError("ledger quarantine words name an unknown status")
    if set(data["conditions"]) - set(CONDITION_LABELS):
        raise ValueError("ledger condition words name an unknown condition")
    groups: dict[str, Group] = {}
    for spec in data["group"]:
        meaning = _group(spec)
        groups.update({_word(w): meaning for w in spec["words"]})
    return ValueRules(
        version=str(data["version"]),
        separator=str(data["separator"]),
        yes=frozenset(_word(w) for w in data["boolean"]["yes"]),
        no=frozenset(_word(w) for w in data["boolean"]["no"]),
        yes_word=str(data["boolean"]["yes"][0]),
        no_word=str(data["boolean"]["no"][0]),
        quarantine={
            _word(w): ("" if code == "none" else code) for code, words in quarantine.items() for w in words
        },
        quarantine_words={code: words[0] for code, words in quarantine.items() if code != "none"},
        conditions=_words_of(data["conditions"], CONDITION_LABELS),
        manual_tags=_words_of(data["manual_tags"], TAG_LABELS),
        groups=groups,
    )


@cache
def value_rules() -> ValueRules:
    rules = parse_value_rules(RULES_FILE.read_text(encoding="utf-8"))
    if set(rules.manual_tags.values()) - set(manual_tag_codes()):
        raise ValueError("ledger manual tag words name a tag that is not set by hand")
    return rules


# --- text ---


def cell_text(value: object, *, field: str, max_length: int = CELL_MAX) -> str:
    """A cell as trimmed text. Whole numbers lose Excel's ".0"; dates are written ISO."""
    if value is None:
        return ""
    if type(value) is str:
        text = value
    elif isinstance(value, bool):
        text = value_rules().yes_word if value else value_rules().no_word
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    if CONTROL_CHARACTERS.search(text):
        raise InvalidInput(gettext("含有二进制或控制字符"), field=field)
    text = text.strip()
    if len(text) > max_length:
        raise InvalidInput(
            gettext("过长：最多 %(max)s 个字符，实际 %(actual)s 个")
            % {"max": max_length, "actual": len(text)},
            field=field,
        )
    return text


def id_number_text(value: object, *, field: str = "id_number") -> str:
    """An ID number cell as text. Excel keeps only 15 significant digits of a number, so an 18-digit ID typed
    into a number cell has lost its last digits: say so instead of "check digit wrong"."""
    if isinstance(value, float) and value >= 1e15:
        raise InvalidInput(
            gettext("身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”后重新填写"), field=field
        )
    return cell_text(value, field=field, max_length=40)


def words(value: object, *, field: str) -> list[str]:
    text = cell_text(value, field=field)
    return [w for w in SEPARATORS.split(text) if w]


# --- yes/no, dates ---


def parse_bool(value: object, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    word = _word(cell_text(value, field=field))
    rules = value_rules()
    if word == "" or word in rules.no:
        return False
    if word in rules.yes:
        return True
    raise InvalidInput(
        gettext("应填“%(yes)s”或“%(no)s”，不能是“%(value)s”")
        % {"yes": rules.yes_word, "no": rules.no_word, "value": cell_text(value, field=field)},
        field=field,
    )


def parse_date(value: object, *, field: str) -> date | None:
    """Dates as Excel stores them, or typed: 2023-01-15, 2023/1/15, 2023.1.15, 2023年1月15日, 20230115."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_halfwidth(cell_text(value, field=field)).strip()
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise InvalidInput(
            gettext("无法识别的日期“%(value)s”（请写成 2023-01-15）") % {"value": text}, field=field
        )
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise InvalidInput(gettext("日期不存在：%(value)s") % {"value": text}, field=field) from exc


# --- lists of words ---


def _codes(value: object, *, field: str, table: dict[str, str], reason: str) -> list[str]:
    """Codes for the words of a cell; ``reason`` is a msgid, translated only when a word is unknown."""
    found: list[str] = []
    for word in words(value, field=field):
        code = table.get(_word(word))
        if code is None:
            raise InvalidInput(gettext(reason) % {"value": word}, field=field)
        if code not in found:
            found.append(code)
    return found


def parse_conditions(value: object, *, field: str = "chronic_conditions") -> list[str]:
    """Condition codes in the order of people.tags.CONDITION_LABELS (so equal lists mean equal facts)."""
    found = _codes(
        value, field=field, table=value_rules().conditions, reason=gettext_noop("未知的慢性病“%(value)s”")
    )
    return condition_order(found)


def condition_order(codes: list[str]) -> list[str]:
    order = list(CONDITION_LABELS)
    return sorted(set(codes), key=order.index)


def parse_manual_tags(value: object, *, field: str = "manual_tags") -> list[str]:
    found = _codes(
        value, field=field, table=value_rules().manual_tags, reason=gettext_noop("未知的人工标签“%(value)s”")
    )
    return manual_order(found)


def manual_order(codes: list[str]) -> list[str]:
    order = list(manual_tag_codes())
    return sorted(set(codes), key=order.index)


def parse_quarantine(value: object, *, field: str = "quarantine_status") -> str:
    text = cell_text(value, field=field)
    if not text:
        return ""
    status = value_rules().quarantine.get(_word(text))
    if status is None:
        raise InvalidInput(gettext("未知的隔离状态“%(value)s”") % {"value": text}, field=field)
    return status


def parse_groups(value: object, *, field: str = "groups") -> GroupFacts:
    facts = GroupFacts()
    groups = value_rules().groups
    for word in words(value, field=field):
        meaning = groups.get(_word(word))
        if meaning is None:
            raise InvalidInput(gettext("未知的人群类别“%(value)s”") % {"value": word}, field=field)
        if meaning.quarantine and facts.quarantine not in ("", meaning.quarantine):
            raise InvalidInput(gettext("人群类别里有两种隔离状态"), field=field)
        facts.flags.update(meaning.flags)
        facts.conditions.extend(c for c in meaning.conditions if c not in facts.conditions)
        facts.quarantine = meaning.quarantine or facts.quarantine
        facts.manual.extend(m for m in meaning.manual if m not in facts.manual)
        if meaning.requires:
            facts.requires.add(meaning.requires)
    return facts


# --- writing cells back (export) ---


def bool_word(value: bool) -> str:
    return value_rules().yes_word if value else ""


def quarantine_word(status: str) -> str:
    return value_rules().quarantine_words.get(status, "") if status else ""
