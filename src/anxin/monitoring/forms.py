"""Parse the check form (the worklist's one-tap recording). A value that is not a number is refused here,
naming the field; ranges and thresholds are the service's business."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from anxin.core.errors import InvalidInput
from anxin.core.text import to_halfwidth

NUMBER_FIELDS = ("temperature_c", "spo2", "respiratory_rate")
FORM_FIELDS = frozenset({*NUMBER_FIELDS, "symptoms", "psych_concern", "note", "method", "reached"})
NUMBER_MAX_CHARS = 10


def _number(data: QueryDict, name: str) -> float | None:
    # Full-width digits and a decimal comma, as phones in Chinese input mode type them (３７，５).
    raw = to_halfwidth(data.get(name, "")).strip().replace(",", ".")
    if not raw:
        return None
    if len(raw) > NUMBER_MAX_CHARS:
        raise InvalidInput(gettext("必须是数字"), field=name)
    try:
        return float(raw)
    except ValueError as exc:
        raise InvalidInput(gettext("必须是数字"), field=name) from exc


def parse_check(data: QueryDict) -> dict[str, Any]:
    """Keyword arguments for services.check_record. The "not reached" button posts reached=0."""
    reached = data.get("reached", "1") != "0"
    return {
        "reached": reached,
        "method": data.get("method", "phone"),
        "temperature_c": _number(data, "temperature_c") if reached else None,
        "spo2": _number(data, "spo2") if reached else None,
        "respiratory_rate": _number(data, "respiratory_rate") if reached else None,
        "symptoms": data.getlist("symptoms")[:20] if reached else [],
        "psych_concern": reached and data.get("psych_concern") == "1",
        "note": data.get("note", ""),
    }
