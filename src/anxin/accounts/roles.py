"""What each role may do. The table is the rule; views and the API ask ``role_can``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("热线坐席")
    CLINICIAN = "clinician", _("临床医生")
    COUNSELLOR = "counsellor", _("心理咨询师")
    GRID_WORKER = "grid_worker", _("社区/网格员")
    FAMILY_DOCTOR = "family_doctor", _("家庭医生")
    VOLUNTEER = "volunteer", _("志愿者")
    COMMAND = "command", _("指挥中心")
    ADMIN = "admin", _("管理员")


# resident.read: see residents in covered places (masked); resident.reveal: see full ID number and phone
# (logged); case.read: see cases in covered places; case.intake: open cases; case.act: move a case along;
# triage.review: read the triage override report (which rules agents overrode, and why);
# knowledge.read: search and read the knowledge base (volunteers: items for the public only);
# knowledge.internal: also items meant for agents only; knowledge.edit: import, write and publish items;
# ledger.import: import key-population ledgers and set tags by hand for residents in covered places;
# monitoring.read: see monitoring plans, worklists, readings and dashboards in covered places;
# monitoring.record: record a check (reading or "not reached") and manage plans.
_READ_KB = frozenset({"knowledge.read", "knowledge.internal"})
_MONITOR = frozenset({"monitoring.read", "monitoring.record"})
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset({"resident.read", "resident.reveal", "case.read", "case.intake", "case.act"})
    | _READ_KB,
    Role.CLINICIAN: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.intake", "case.act", "triage.review"}
    )
    | _READ_KB
    | _MONITOR,
    Role.COUNSELLOR: frozenset({"resident.read", "case.read", "case.intake", "case.act"}) | _READ_KB,
    Role.GRID_WORKER: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.act", "ledger.import"}
    )
    | _READ_KB
    | _MONITOR,
    Role.FAMILY_DOCTOR: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.act", "ledger.import"}
    )
    | _READ_KB
    | _MONITOR,
    Role.VOLUNTEER: frozenset({"case.read", "knowledge.read"}),
    Role.COMMAND: frozenset(
        {"resident.read", "case.read", "triage.review", "knowledge.edit", "ledger.import", "monitoring.read"}
    )
    | _READ_KB,
    Role.ADMIN: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.intake", "case.act", "triage.review", "admin"}
    )
    | _READ_KB
    | _MONITOR
    | {"knowledge.edit", "ledger.import"},
}


def role_can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
