"""The `anxin triage` line format: one JSON object in, one JSON object out, in order.

A line that cannot be triaged (not JSON, wrong types, empty or oversize text) becomes
``{"id": ..., "error": "..."}`` and the next line is still read. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import orjson

from anxin.triage.codes import CHANNELS, CONDITIONS, FIELD_RANGES
from anxin.triage.engine import TriageInput, triage
from anxin.triage.ruleset import default_ruleset
from anxin.triage.textcheck import CONTROL_CHARACTERS

MAX_TEXT = 4000


class LineError(ValueError):
    pass


def _number(record: dict, name: str) -> float | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LineError(f"{name}: must be a number")
    low, high = FIELD_RANGES[name]
    if not low <= value <= high:
        raise LineError(f"{name}: {value} is outside {low}–{high}")
    return float(value)


def _text(record: dict) -> str:
    text = record.get("text")
    if not isinstance(text, str):
        raise LineError("text: must be a string")
    if CONTROL_CHARACTERS.search(text):
        raise LineError("text: contains binary or control characters")
    if not text.strip():
        raise LineError("text: empty")
    if len(text) > MAX_TEXT:
        raise LineError(f"text: too long ({len(text)} characters, at most {MAX_TEXT})")
    return text


def _choice(record: dict, name: str, allowed: tuple[str, ...]) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise LineError(f"{name}: must be one of {', '.join(allowed)}")
    return value


def _conditions(record: dict) -> tuple[str, ...]:
    value = record.get("conditions")
    if value is None:
        return ()
    if not isinstance(value, list) or any(not isinstance(c, str) for c in value):
        raise LineError("conditions: must be a list of strings")
    unknown = [c for c in value if c not in CONDITIONS]
    if unknown:
        raise LineError(f"conditions: unknown {', '.join(unknown)}; known: {', '.join(CONDITIONS)}")
    return tuple(value)


def _answers(record: dict) -> tuple[tuple[str, bool], ...]:
    value = record.get("answers")
    if value is None:
        return ()
    if not isinstance(value, dict) or any(not isinstance(v, bool) for v in value.values()):
        raise LineError("answers: must be an object of question id → true/false")
    known = default_ruleset().questions
    unknown = [q for q in value if q not in known]
    if unknown:
        raise LineError(f"answers: unknown questions {', '.join(unknown)}")
    return tuple(value.items())


def parse_record(record: object) -> TriageInput:
    if not isinstance(record, dict):
        raise LineError("line must be a JSON object")
    if "id" in record and not isinstance(record["id"], str):
        raise LineError("id: must be a string")
    return TriageInput(
        text=_text(record),
        age=_number(record, "age"),
        sex=_choice(record, "sex", ("M", "F")),
        temperature_c=_number(record, "temperature_c"),
        spo2=_number(record, "spo2"),
        pregnancy_weeks=_number(record, "pregnancy_weeks"),
        conditions=_conditions(record),
        channel=_choice(record, "channel", CHANNELS),
        answers=_answers(record),
    )


def _record_id(record: object):
    return record.get("id") if isinstance(record, dict) else None


def decode_line(line: str | bytes) -> object:
    """The JSON value on one line; LineError if it is not UTF-8 or not JSON (NaN and Infinity are not)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as error:
        if isinstance(line, bytes):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as not_utf8:
                raise LineError(f"not UTF-8 text (byte {not_utf8.start})") from not_utf8
        raise LineError(f"not JSON: {error}") from error


def encode_line(result: dict) -> str:
    return orjson.dumps(result).decode("utf-8") + "\n"


def triage_line(line: str | bytes) -> dict:
    try:
        record = decode_line(line)
    except LineError as error:
        return {"id": None, "error": str(error)}
    try:
        decision = triage(parse_record(record))
    except LineError as error:
        return {"id": _record_id(record), "error": str(error)}
    return {"id": record.get("id"), **decision.as_dict()}


def triage_lines(lines: Iterable[str | bytes]) -> Iterator[dict]:
    """One result per line, in order; blank lines are skipped."""
    for line in lines:
        if line.strip():
            yield triage_line(line)
