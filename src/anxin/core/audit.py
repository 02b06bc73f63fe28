from __future__ import annotations

from anxin.core.models import AccessLog


def access_log_write(
    *, user, action: str, obj, fields: str = "", purpose: str = "", ip: str | None = None
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=fields,
        purpose=purpose[:200],
        ip=ip,
    )
