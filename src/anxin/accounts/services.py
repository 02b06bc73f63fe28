from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, InvalidInput


def user_authenticate(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check a login, counting failures; after too many the account locks for a while."""
    account = User.objects.filter(username=username).first()
    now = timezone.now()
    if account is not None and account.locked_until and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        reason = ngettext(
            "连续登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试",
            "连续登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试",
            minutes,
        )
        raise Forbidden(reason % {"minutes": minutes}, field="username")
    user = authenticate(request, username=username, password=password)
    if user is None:
        if account is not None:
            _record_failure(account, now)
        raise InvalidInput(gettext("用户名或密码错误"), field="password")
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return user


def _record_failure(account: User, now) -> None:
    User.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
    account.refresh_from_db(fields=["failed_logins"])
    if account.failed_logins >= settings.ANXIN_LOGIN_MAX_FAILURES:
        lock_until = now + timedelta(minutes=settings.ANXIN_LOGIN_LOCK_MINUTES)
        User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=lock_until)
