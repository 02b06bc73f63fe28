"""Parse posted desk forms into keyword arguments for hotline.services.

Parsing only: turn strings into ids, objects, datetimes and flags, and name the field when one cannot be
read. Every rule about what is allowed stays in the services, which also clean all free text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import InvalidInput, NotFound
from anxin.core.text import clean_text, to_halfwidth
from anxin.hotline.desk_selectors import line_get_by_code
from anxin.hotline.models import Case, Channel, Line
from anxin.hotline.proposal import TriageFields
from anxin.hotline.services import SUMMARY_MAX
from anxin.knowledge.selectors import item_for_answer
from anxin.people.models import Resident
from anxin.people.selectors import resident_get_for_user
from anxin.places.models import Place
from anxin.places.selectors import place_get_by_code

Posted = Mapping[str, str]
_ID = re.compile(r"^\d{1,12}$")
_TRUE = frozenset({"on", "1", "true", "yes"})
CODE_MAX = 40
NUMBER_MAX = 12
TRIAGE_NUMBERS = ("age", "temperature_c", "spo2", "pregnancy_weeks")
CODE_FIELDS = ("category", "urgency", "disposition")


def posted_text(post: Posted, name: str) -> str:
    """The raw field; the service cleans and limits it."""
    value = post.get(name, "")
    return value if isinstance(value, str) else ""


def parse_flag(post: Posted, name: str) -> bool:
    return posted_text(post, name).strip().lower() in _TRUE


def parse_id(post: Posted, name: str, *, required: bool = False) -> int | None:
    raw = to_halfwidth(posted_text(post, name)).strip()
    if not raw:
        if required:
            raise InvalidInput(gettext("不能为空"), field=name)
        return None
    if not _ID.match(raw):
        raise InvalidInput(gettext("编号应为数字"), field=name)
    return int(raw)


def parse_code(post: Posted, name: str) -> str:
    """A code from a select or typed by hand: short text without control characters, or ""."""
    return clean_text(to_halfwidth(posted_text(post, name)), field=name, max_length=CODE_MAX)


def parse_choice(post: Posted, name: str) -> str:
    """A required select; which values are allowed is the service's rule."""
    value = parse_code(post, name)
    if not value:
        raise InvalidInput(gettext("请选择"), field=name)
    return value


def parse_number(post: Posted, name: str) -> float | None:
    """An optional decimal (``38.6``, full-width digits too), or None when blank; ranges are the service's."""
    raw = to_halfwidth(posted_text(post, name)).strip()
    if not raw:
        return None
    if len(raw) > NUMBER_MAX:
        raise InvalidInput(gettext("应为数字"), field=name)
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidInput(gettext("应为数字"), field=name) from exc
    if not math.isfinite(value):
        raise InvalidInput(gettext("应为数字"), field=name)
    return value


def parse_codes(post: Posted, name: str) -> tuple[str, ...]:
    """Every value of a group of checkboxes; which codes are known is the service's rule."""
    getlist = getattr(post, "getlist", None)
    values = getlist(name) if getlist is not None else [posted_text(post, name)]
    codes = (
        clean_text(to_halfwidth(v), field=name, max_length=CODE_MAX) for v in values if isinstance(v, str)
    )
    return tuple(dict.fromkeys(code for code in codes if code))


def parse_answers(post: Posted) -> tuple[tuple[str, bool], ...]:
    """The key questions answered at the desk: ``answer`` fields of ``<question id>:yes`` or ``:no`` (the last
    answer to a question counts); which questions exist is the service's rule."""
    answers: dict[str, bool] = {}
    for value in parse_codes(post, "answer"):
        question, _, said = value.rpartition(":")
        if not question or said not in ("yes", "no"):
            raise InvalidInput(gettext("关键问题的回答应为“是”或“否”"), field="answers")
        answers[question] = said == "yes"
    return tuple(answers.items())


def parse_triage_fields(post: Posted) -> TriageFields:
    """The agent's readings and answers beside the caller's words (all optional)."""
    numbers = {name: parse_number(post, name) for name in TRIAGE_NUMBERS}
    return TriageFields(**numbers, conditions=parse_codes(post, "conditions"), answers=parse_answers(post))


def parse_version(post: Posted) -> int:
    version = parse_id(post, "version")
    if version is None:
        raise InvalidInput(gettext("缺少工单版本号，请刷新页面"), field="version")
    return version


def parse_local_datetime(post: Posted, name: str) -> datetime:
    """A ``datetime-local`` value (``2026-05-01T14:30``), read in the current (Asia/Shanghai) time zone."""
    raw = parse_code(post, name)
    if not raw:
        raise InvalidInput(gettext("请填写时间"), field=name)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(gettext("时间格式应为 YYYY-MM-DD HH:MM"), field=name) from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def parse_line(post: Posted, name: str = "line") -> Line:
    code = parse_choice(post, name)
    line = line_get_by_code(code)
    if line is None:
        raise InvalidInput(gettext("未知的热线代码 %(code)r") % {"code": code}, field=name)
    return line


def parse_place(post: Posted, name: str = "place") -> Place | None:
    code = parse_code(post, name)
    if not code:
        return None
    place = place_get_by_code(code)
    if place is None:
        raise InvalidInput(gettext("未知的地点代码 %(code)r") % {"code": code}, field=name)
    return place


def parse_resident(post: Posted, name: str, user: User) -> Resident | None:
    resident_id = parse_id(post, name)
    if resident_id is None:
        return None
    try:
        return resident_get_for_user(user, resident_id)
    except NotFound as exc:
        raise NotFound(exc.reason, field=name) from exc


def parse_intake(post: Posted, user: User) -> dict[str, Any]:
    """Keyword arguments for services.case_open (without ``by``). A code left at "按建议" (empty) is None:
    the triage proposal's."""
    return {
        "line": parse_line(post),
        "channel": parse_choice(post, "channel"),
        "caller_phone": posted_text(post, "caller_phone"),
        "caller_name": posted_text(post, "caller_name"),
        "caller_resident": parse_resident(post, "caller_resident", user),
        "subject_resident": parse_resident(post, "subject_resident", user),
        "subject_note": posted_text(post, "subject_note"),
        "place": parse_place(post),
        "summary": posted_text(post, "summary"),
        **{name: parse_code(post, name) or None for name in CODE_FIELDS},
        "dispatched": parse_flag(post, "dispatched"),
        "close_now": parse_flag(post, "close_now"),
        "triage_fields": parse_triage_fields(post),
        "override_reason": posted_text(post, "override_reason"),
        "knowledge_item": parse_knowledge_item(post, user),
    }


def parse_knowledge_item(post: Posted, user: User):
    """The knowledge base item the agent answered with (the desk's "用此条答复并办结" button), or None."""
    code = parse_code(post, "knowledge_item")
    if not code:
        return None
    return item_for_answer(code=code, user=user)


def parse_triage_preview(post: Posted, user: User) -> dict[str, Any]:
    """The intake form as it stands, for the triage preview: what the engine reads and the selects' codes."""
    return {
        "line": parse_line(post),
        "channel": parse_code(post, "channel") or Channel.PHONE,
        "summary": clean_text(posted_text(post, "summary"), field="summary", max_length=SUMMARY_MAX),
        "subject": parse_resident(post, "subject_resident", user),
        "fields": parse_triage_fields(post),
        "chosen": {name: parse_code(post, name) for name in CODE_FIELDS},
    }


def intake_place(post: Posted, user: User) -> Place | None:
    """Where the caller needs help, as the intake form stands: subject's home, caller's home, typed place."""
    for name in ("subject_resident", "caller_resident"):
        resident = parse_resident(post, name, user)
        if resident is not None:
            return resident.household
    return parse_place(post)


# --- one parser per case step: (posted form, user, case) -> keyword arguments for the service ---

StepParser = Callable[[Posted, User, Case], dict[str, Any]]


def parse_nothing(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {}


def parse_reclassify(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {
        "category": parse_choice(post, "category"),
        "urgency": parse_choice(post, "urgency"),
        "disposition": parse_choice(post, "disposition"),
        "reason": posted_text(post, "reason"),
    }


def parse_transfer(post: Posted, user: User, case: Case) -> dict[str, Any]:
    """``to`` is ``line:<code>`` or ``place:<code>``, from one select with both kinds of target."""
    target = parse_code(post, "to")
    kind, _, code = target.partition(":")
    if not code or kind not in ("line", "place"):
        raise InvalidInput(gettext("请选择转办目标：一条热线或一个社区/网格"), field="to")
    if kind == "line":
        line = line_get_by_code(code)
        if line is None:
            raise InvalidInput(gettext("未知的热线代码 %(code)r") % {"code": code}, field="to")
        return {"to_line": line, "note": posted_text(post, "note")}
    place = place_get_by_code(code)
    if place is None:
        raise InvalidInput(gettext("未知的地点代码 %(code)r") % {"code": code}, field="to")
    return {"to_place": place, "note": posted_text(post, "note")}


def parse_schedule_callback(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {
        "due_at": parse_local_datetime(post, "due_at"),
        "kind": parse_choice(post, "kind"),
        "note": posted_text(post, "note"),
        "assignee_role": parse_code(post, "assignee_role"),
    }


def parse_complete_callback(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {
        "callback_id": parse_id(post, "callback_id", required=True),
        "outcome": posted_text(post, "outcome"),
    }


def parse_dispatch(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {"target": posted_text(post, "target"), "note": posted_text(post, "note")}


def parse_note(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {"note": posted_text(post, "note")}


def parse_resolve(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {"resolution": posted_text(post, "resolution")}


def parse_return_visit(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {"satisfaction": parse_choice(post, "satisfaction"), "note": posted_text(post, "note")}


def parse_reason(post: Posted, user: User, case: Case) -> dict[str, Any]:
    return {"reason": posted_text(post, "reason")}
