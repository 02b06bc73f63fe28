"""The `anxin` command as an operator runs it: a real gunicorn serving pages and static files, a worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anxin.hotline import services
from anxin.hotline.models import CaseEvent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, deadline: float) -> urllib.request.addinfourl:
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2)  # noqa: S310 - a loopback URL built here
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_anxin_serve_runs_gunicorn_with_static_files(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "ANXIN_SECRET_KEY": "a-test-key-" + "x" * 40,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "anxin.cli", "serve", "--port", str(port), "--migrate", "--workers", "1"],
        cwd=tmp_path,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        login = wait_for(f"{base}/accounts/login/", time.monotonic() + 60)
        assert login.status == 200
        assert "登录" in login.read().decode()
        htmx = urllib.request.urlopen(f"{base}/static/vendor/htmx/htmx.min.js", timeout=5)  # noqa: S310
        assert htmx.status == 200
        assert b"htmx" in htmx.read(2000)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_the_worker_records_an_sla_breach_from_the_queue(world):
    case = services.case_open(
        by=world.agent,
        line=world.medical_line,
        summary="孩子抽搐，叫不醒",
        category="emergency",
        urgency="P1",
        disposition="call_120",
        subject_resident=world.baby,
        now=timezone.now() - timedelta(minutes=5),
    )
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "anxin.hotline.tasks.case_sla_check"
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    case.refresh_from_db()
    assert case.sla_breached_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.SLA_BREACHED).count() == 1
