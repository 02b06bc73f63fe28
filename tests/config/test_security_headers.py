"""Headers and HTTPS: a Content-Security-Policy the pages pass, and `check --deploy` clean once HTTPS is configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "anxin"
DEPLOYED = {
    "ANXIN_SECRET_KEY": "deploy-" + "q7" * 30,
    "ANXIN_HSTS_SECONDS": "31536000",
    "ANXIN_HSTS_INCLUDE_SUBDOMAINS": "true",
    "ANXIN_HSTS_PRELOAD": "true",
    "ANXIN_SSL_REDIRECT": "true",
    "ANXIN_SECURE_COOKIES": "true",
    "ANXIN_BEHIND_PROXY": "true",
    "ANXIN_ALLOWED_HOSTS": "anxin.example.gov.cn",
}


def _check_deploy(tmp_path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ANXIN_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}", **extra})
    command = [sys.executable, "-m", "anxin.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def _templates() -> list[Path]:
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"hx-(trigger|on)[^=]*=\"[^\"]*\[", re.I), "an htmx filter or hx-on (htmx evaluates them)"),
]


def test_no_template_holds_what_the_policy_refuses():
    found = [
        f"{path.relative_to(PACKAGE)}: {what}"
        for path in _templates()
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_check_deploy_is_clean_once_https_is_configured(tmp_path):
    finished = _check_deploy(tmp_path, DEPLOYED)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    assert "no issues" in finished.stdout


def test_check_deploy_names_what_is_missing_without_it(tmp_path):
    finished = _check_deploy(tmp_path, {"ANXIN_SECRET_KEY": DEPLOYED["ANXIN_SECRET_KEY"]})
    assert finished.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in finished.stderr + finished.stdout
