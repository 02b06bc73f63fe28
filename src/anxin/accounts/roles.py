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
# triage.review: read the triage override report (which rules agents overrode, and why).
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset({"resident.read", "resident.reveal", "case.read", "case.intake", "case.act"}),
    Role.CLINICIAN: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.intake", "case.act", "triage.review"}
    ),
    Role.COUNSELLOR: frozenset({"resident.read", "case.read", "case.intake", "case.act"}),
    Role.GRID_WORKER: frozenset({"resident.read", "resident.reveal", "case.read", "case.act"}),
    Role.FAMILY_DOCTOR: frozenset({"resident.read", "resident.reveal", "case.read", "case.act"}),
    Role.VOLUNTEER: frozenset({"case.read"}),
    Role.COMMAND: frozenset({"resident.read", "case.read", "triage.review"}),
    Role.ADMIN: frozenset(
        {"resident.read", "resident.reveal", "case.read", "case.intake", "case.act", "triage.review", "admin"}
    ),
}


def role_can(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
