"""Where the secret key comes from.

Django signs password-reset tokens, sessions' integrity and signed cookies with ``SECRET_KEY``, so a key anyone can
read lets anyone forge them. A server (``anxin serve``) therefore refuses to start without ``ANXIN_SECRET_KEY``;
the demo makes a random key once and keeps it in ``var/`` so that its logins survive a restart; every other
command (tests, ``manage``, the command-line tools) that finds no key gets a random one for its process alone.
Old keys named in ``ANXIN_SECRET_KEY_FALLBACKS`` still verify what they signed, so a key can be rotated without
logging everybody out.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from anxin.core.i18n import gettext

KEY_VARIABLE = "ANXIN_SECRET_KEY"
FALLBACKS_VARIABLE = "ANXIN_SECRET_KEY_FALLBACKS"
DEMO_KEY_FILE_NAME = "demo-secret-key"
MIN_LENGTH = 32
# The key the repository once shipped as the default: public, so never accepted.
_EXAMPLE = f"export {KEY_VARIABLE}=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
PUBLISHED_KEYS = frozenset({"anxin-demo-only-key-set-ANXIN_SECRET_KEY-in-production"})


class SecretKeyMissing(Exception):
    """The server cannot start: no key, or one that is not secret."""


def configured_key() -> str:
    """The key of this process: the environment's, else a random one (see the module's note)."""
    return os.environ.get(KEY_VARIABLE, "").strip() or _process_key()


def fallback_keys() -> list[str]:
    """Earlier keys, comma-separated (keys Django generates never hold a comma)."""
    raw = os.environ.get(FALLBACKS_VARIABLE, "")
    return [key.strip() for key in raw.split(",") if key.strip()]


def require_server_key() -> str:
    """The key a server may run with, or SecretKeyMissing saying what to do."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        raise SecretKeyMissing(
            gettext(
                "%(variable)s 未设置：服务器不能用公开或临时的密钥启动。请设置一个随机密钥，例如：%(example)s"
            )
            % {"variable": KEY_VARIABLE, "example": _EXAMPLE}
        )
    if key in PUBLISHED_KEYS or key.startswith("django-insecure-"):
        raise SecretKeyMissing(
            gettext("%(variable)s 是公开的示例密钥，请换成随机生成的密钥") % {"variable": KEY_VARIABLE}
        )
    if len(key) < MIN_LENGTH:
        raise SecretKeyMissing(
            gettext("%(variable)s 太短：至少 %(min)d 个字符，建议 50 个以上的随机字符")
            % {"variable": KEY_VARIABLE, "min": MIN_LENGTH}
        )
    return key


def demo_key(var_dir: Path) -> str:
    """The demo's own key: generated on its first start, kept in ``var/demo-secret-key`` (readable by the owner
    only), the same on every later start."""
    path = var_dir / DEMO_KEY_FILE_NAME
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_LENGTH:
            return key
    var_dir.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


@cache
def _process_key() -> str:
    return get_random_secret_key()
