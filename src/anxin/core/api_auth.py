from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from anxin.accounts.models import ApiToken, User, hash_token
from anxin.core.errors import Forbidden


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ax_...``; the token's user and scope apply to every call."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute so a busy client does not write on every request.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


def require(user: User, permission: str) -> None:
    """For endpoints whose selector answers "nothing" to a role without the permission: say 403 instead,
    so a client can tell "not allowed" from "no match"."""
    if not user.can(permission):
        raise Forbidden("当前角色无权调用此接口")
