from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.audit import access_log_write
from anxin.core.errors import Forbidden, InvalidInput
from anxin.core.models import AccessLog
from anxin.core.text import clean_text
from anxin.people.identity import normalise_phone, parse_id_number
from anxin.people.models import Resident
from anxin.people.tags import CONDITION_LABELS, unknown_manual_tags
from anxin.places.models import Place


@transaction.atomic
def resident_create(
    *,
    name: str,
    id_number: str,
    household: Place,
    phone: str = "",
    relation: str = "",
    chronic_conditions: list[str] | None = None,
    pregnant_due_date: date | None = None,
    manual_tags: list[str] | None = None,
    **flags: object,
) -> Resident:
    info = parse_id_number(id_number)
    if Resident.objects.filter(id_number=info.number).exists():
        raise InvalidInput(gettext("该身份证号已登记"), field="id_number")
    if household.kind != Place.Kind.UNIT:
        raise InvalidInput(gettext("居民须登记到具体的户（门牌）"), field="household")
    conditions = list(chronic_conditions or [])
    unknown = [c for c in conditions if c not in CONDITION_LABELS]
    if unknown:
        raise InvalidInput(
            gettext("未知的慢性病代码：%(codes)s") % {"codes": ", ".join(unknown)}, field="chronic_conditions"
        )
    resident = Resident(
        name=clean_text(name, field="name", max_length=50, required=True),
        id_number=info.number,
        birth_date=info.birth_date,
        sex=info.sex,
        phone=normalise_phone(phone) if phone else "",
        household=household,
        relation=clean_text(relation, field="relation", max_length=20),
        chronic_conditions=conditions,
        pregnant_due_date=pregnant_due_date,
        manual_tags=_checked_manual_tags(manual_tags or []),
        **flags,
    )
    resident.refresh_risk()
    resident.save()
    return resident


def _checked_manual_tags(codes: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(codes))
    unknown = unknown_manual_tags(codes)
    if unknown:
        raise InvalidInput(
            gettext("未知的人工标签：%(codes)s") % {"codes": ", ".join(unknown)}, field="manual_tags"
        )
    return codes


@transaction.atomic
def resident_set_manual_tags(*, resident: Resident, tags: list[str]) -> Resident:
    """Replace the tags set by hand and recompute the risk level from the new tag set."""
    resident.manual_tags = _checked_manual_tags(tags)
    resident.refresh_risk()
    resident.save(update_fields=["manual_tags", "risk_level", "risk_rules", "risk_assessed_on", "updated_at"])
    return resident


RISK_FIELDS = ["risk_level", "risk_rules", "risk_assessed_on"]


def residents_refresh_risk(*, residents: QuerySet[Resident] | None = None, today: date | None = None) -> int:
    """Recompute stored risk levels (ages move on, statuses expire); returns how many changed. Batched so a
    district of millions runs in bounded memory."""
    today = today or timezone.localdate()
    queryset = (residents if residents is not None else Resident.objects.all()).order_by("pk")
    changed, last_pk = 0, 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:2000])
        if not batch:
            return changed
        stale = [r for r in batch if r.refresh_risk(today)]
        with transaction.atomic():
            Resident.objects.bulk_update(stale, RISK_FIELDS, batch_size=500)
        changed += len(stale)
        last_pk = batch[-1].pk


def resident_reveal(*, user: User, resident: Resident, purpose: str = "", ip: str | None = None) -> dict:
    """The unmasked ID number and phone, for a role allowed to see them; every reveal is logged."""
    if not user.can("resident.reveal"):
        raise Forbidden(gettext("当前角色无权查看完整身份证号和手机号"))
    access_log_write(
        user=user,
        action=AccessLog.Action.REVEAL,
        obj=resident,
        fields="id_number,phone",
        purpose=purpose,
        ip=ip,
    )
    return {"id_number": resident.id_number, "phone": resident.phone}
