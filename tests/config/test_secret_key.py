"""No default secret: a server refuses to start without its own key; the demo keeps one of its own; keys rotate."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import signing
from django.test import override_settings

from anxin.config import secret
from anxin.config.secret import SecretKeyMissing, demo_key, fallback_keys, require_server_key

GOOD_KEY = "k" * 20 + "-a-long-enough-random-looking-key-0123456789"


def _serve(tmp_path, key: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ANXIN_SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    if key is not None:
        env["ANXIN_SECRET_KEY"] = key
    command = [sys.executable, "-m", "anxin.cli", "serve", "--port", "1"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (None, "ANXIN_SECRET_KEY 未设置"),
        ("", "ANXIN_SECRET_KEY 未设置"),
        ("anxin-demo-only-key-set-ANXIN_SECRET_KEY-in-production", "公开的示例密钥"),
        ("short-key", "太短"),
    ],
)
def test_serve_refuses_to_start_without_a_secret_key_of_its_own(tmp_path, key, says):
    finished = _serve(tmp_path, key)
    assert finished.returncode == 2
    assert says in finished.stderr


def test_a_good_key_is_accepted(monkeypatch):
    monkeypatch.setenv("ANXIN_SECRET_KEY", f"  {GOOD_KEY} ")
    assert require_server_key() == GOOD_KEY


def test_a_django_insecure_key_is_refused(monkeypatch):
    monkeypatch.setenv("ANXIN_SECRET_KEY", "django-insecure-" + "x" * 50)
    with pytest.raises(SecretKeyMissing):
        require_server_key()


def test_the_demo_makes_its_key_once_readable_by_its_owner_only(tmp_path):
    first = demo_key(tmp_path / "var")
    path = tmp_path / "var" / secret.DEMO_KEY_FILE_NAME
    assert len(first) >= 50 and first not in secret.PUBLISHED_KEYS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert demo_key(tmp_path / "var") == first
    assert demo_key(tmp_path / "other" / "var") != first


def test_the_demo_sets_its_key_before_django_reads_the_settings(tmp_path, monkeypatch):
    """The server and the worker the demo starts inherit the key through the environment."""
    from anxin import cli

    class Stop(Exception):
        pass

    def stop() -> None:
        raise Stop

    monkeypatch.delenv("ANXIN_SECRET_KEY", raising=False)
    monkeypatch.setenv("ANXIN_WORK_DIR", str(tmp_path))
    monkeypatch.setattr(cli, "_setup_django", stop)
    with pytest.raises(Stop):
        cli.main(["demo", "--no-serve"])
    kept = (tmp_path / "var" / secret.DEMO_KEY_FILE_NAME).read_text().strip()
    assert os.environ["ANXIN_SECRET_KEY"] == kept


def test_a_damaged_demo_key_file_is_replaced(tmp_path):
    (tmp_path / secret.DEMO_KEY_FILE_NAME).write_text("x\n")
    assert len(demo_key(tmp_path)) >= 50


def test_without_a_key_a_process_gets_a_random_one_not_a_published_one():
    assert settings.SECRET_KEY not in secret.PUBLISHED_KEYS
    assert len(settings.SECRET_KEY) >= 50


def test_fallbacks_are_read_comma_separated(monkeypatch):
    monkeypatch.setenv("ANXIN_SECRET_KEY_FALLBACKS", " old-one , older-one ,")
    assert fallback_keys() == ["old-one", "older-one"]
    monkeypatch.delenv("ANXIN_SECRET_KEY_FALLBACKS")
    assert fallback_keys() == []


def test_a_rotated_key_still_verifies_what_the_old_one_signed():
    with override_settings(SECRET_KEY="old-" + GOOD_KEY):
        token = signing.dumps({"case": 7})
    with override_settings(SECRET_KEY="new-" + GOOD_KEY, SECRET_KEY_FALLBACKS=["old-" + GOOD_KEY]):
        assert signing.loads(token) == {"case": 7}
    with (
        override_settings(SECRET_KEY="new-" + GOOD_KEY, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(signing.BadSignature),
    ):
        signing.loads(token)
