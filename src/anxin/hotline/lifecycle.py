"""Which step may be taken from which status, and where it leads. Pure; services enforce it."""

from __future__ import annotations

from anxin.core.i18n import gettext_noop

OPEN, TRANSFERRED, AWAITING, RESOLVED, CLOSED = (
    "open",
    "transferred",
    "awaiting_callback",
    "resolved",
    "closed",
)
ACTIVE = frozenset({OPEN, TRANSFERRED, AWAITING})

# step -> (statuses it may start from, status it leads to; None keeps the status)
STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    "reclassify": (ACTIVE, None),
    "transfer": (frozenset({OPEN, TRANSFERRED, AWAITING}), TRANSFERRED),
    "accept": (frozenset({TRANSFERRED}), OPEN),
    "schedule_callback": (frozenset({OPEN}), AWAITING),
    "complete_callback": (frozenset({AWAITING, OPEN}), OPEN),
    "dispatch": (ACTIVE, None),
    "note": (ACTIVE | {RESOLVED}, None),
    "resolve": (frozenset({OPEN, AWAITING}), RESOLVED),
    "return_visit": (frozenset({RESOLVED}), None),
    "close": (frozenset({RESOLVED}), CLOSED),
    "reopen": (frozenset({RESOLVED, CLOSED}), OPEN),
}

# msgids, translated where they are shown (hotline.services._claim); the same texts as Case.Status's labels.
STATUS_LABELS = {
    OPEN: gettext_noop("处理中"),
    TRANSFERRED: gettext_noop("已转办待接收"),
    AWAITING: gettext_noop("待回电"),
    RESOLVED: gettext_noop("已办结待回访"),
    CLOSED: gettext_noop("已关闭"),
}


def step_allowed(step: str, status: str) -> bool:
    return status in STEPS[step][0]


def step_target(step: str, status: str) -> str:
    target = STEPS[step][1]
    return status if target is None else target


def steps_available(status: str) -> list[str]:
    return [step for step, (sources, _) in STEPS.items() if status in sources]
