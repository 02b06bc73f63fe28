from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from ninja.security import HttpBearer

from anxin.accounts.models import ApiToken, User, hash_token
from anxin.core.errors import Forbidden


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ax_...``; the token's user and scope apply to every call."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        # get(), not filter().first(): the hash is unique, and first() would compile an ORDER BY on every
        # API request (docs/benchmarks.md).
        try:
            row = ApiToken.objects.select_related("user").get(key_hash=hash_token(token))
        except ApiToken.DoesNotExist:
            return None
        if not row.user.is_active:
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
        raise Forbidden(gettext("当前角色无权调用此接口"))
