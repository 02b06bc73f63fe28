"""The whole server killed with SIGKILL in the middle of concurrent intakes loses no call and opens none twice.

The real thing, on the suite's engine (CI runs it on SQLite and on PostgreSQL): ``anxin serve`` in its own
process group over a demo district, intakes from several threads, each with its own Idempotency-Key; the
process group killed mid-run; the server started again; every call that was not acknowledged retried with
its key, and a few that were. Then every call is in the database exactly once, with its events and its
queued SLA check, and a retry of an acknowledged call got the first answer back.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from anxin.demo.geography import DEMO_COMMUNITY_CODE
from tests.core.test_backup import PG_ADMIN, _anxin

CALLS = 60
KILL_AFTER = 15  # acknowledged calls before the kill
THREADS = 6
SECRET = "fault-test-" + "k" * 40


@pytest.fixture
def database_url(tmp_path):
    """A fresh database on the suite's engine, with the demo district in it."""
    from django.db import connection

    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'fault.sqlite3'}"
        yield _with_demo(tmp_path, url)
        return
    import psycopg

    name = f"anxin_fault_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    try:
        yield _with_demo(tmp_path, f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _with_demo(tmp_path, url: str) -> str:
    loaded = _anxin(tmp_path, url, "demo", "--no-serve", "--scale", "0.05")
    assert loaded.returncode == 0, loaded.stderr
    return url


class Server:
    """``anxin serve`` as an operator starts it, in a process group of its own."""

    def __init__(self, tmp_path, url: str) -> None:
        self.tmp_path, self.url = tmp_path, url
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            {
                "DATABASE_URL": self.url,
                "ANXIN_SEMANTIC": "false",
                "ANXIN_SECRET_KEY": SECRET,
                "ANXIN_WORK_DIR": str(self.tmp_path),
            }
        )
        command = [sys.executable, "-m", "anxin.cli", "serve", "--port", str(self.port), "--workers", "2"]
        log = (self.tmp_path / "serve.log").open("ab")
        self.process = subprocess.Popen(
            command, cwd=self.tmp_path, env=env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _status(f"{self.base}/api/ping") == 401:
                return
            time.sleep(0.2)
        raise AssertionError((self.tmp_path / "serve.log").read_text()[-3000:])

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _intake(server: Server, token: str, number: int, key: str) -> tuple[int, dict, dict]:
    body = {
        "line": "medical",
        "summary": f"故障演练第{number}号来电：老人咳嗽两天，想问社区医生能否上门",
        "category": "medical_consult",
        "urgency": "P3",
        "disposition": "community_transfer",
        "place": DEMO_COMMUNITY_CODE,
    }
    request = urllib.request.Request(  # noqa: S310 - our own server
        f"{server.base}/api/cases",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, {}, dict(error.headers)


def _written(tmp_path, url: str) -> dict:
    """What the database holds for each drill call, read by a separate process after the fact."""
    script = (
        "import json, django; django.setup()\n"
        "from anxin.hotline.models import Case\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "queued = [r.args_kwargs['args'] for r in"
        " DBTaskResult.objects.filter(task_path='anxin.hotline.tasks.case_sla_check')]\n"
        "rows = {}\n"
        "for case in Case.objects.filter(summary__startswith='故障演练第'):\n"
        "    number = case.summary.split('第')[1].split('号')[0]\n"
        "    checks = queued.count([case.pk])\n"
        "    rows.setdefault(number, []).append({'id': case.pk, 'events': case.events.count(), 'checks': checks})\n"
        "print(json.dumps(rows))\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "anxin.config.settings"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_killed_server_loses_no_call_and_a_retry_opens_none_twice(tmp_path, database_url):
    token = _anxin(tmp_path, database_url, "manage", "issue_token", "agent").stdout.strip().splitlines()[-1]
    server = Server(tmp_path, database_url)
    keys = {number: f"drill-{number}-{uuid.uuid4().hex}" for number in range(CALLS)}
    acknowledged: dict[int, int] = {}
    cut_off: list[int] = []
    unexpected: list[tuple[int, int]] = []  # an answer but not 201 ("database is locked", a 500): a failure
    enough = threading.Event()
    lock = threading.Lock()

    def call(number: int) -> None:
        if enough.is_set():
            return
        try:
            status, answer, _ = _intake(server, token, number, keys[number])
        except (OSError, http.client.HTTPException):  # the connection died with the server: not acknowledged
            with lock:
                cut_off.append(number)
            return
        with lock:
            if status != 201:
                unexpected.append((number, status))
                return
            acknowledged[number] = answer["id"]
            if len(acknowledged) >= KILL_AFTER:
                enough.set()

    server.start()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(call, number) for number in range(CALLS)]
            assert enough.wait(timeout=120), "the server acknowledged too few calls before the kill"
            server.kill()  # calls in flight now die with it
            for future in futures:
                future.result()
        assert 0 < len(acknowledged) < CALLS
        assert unexpected == []
        print(f"acknowledged before the kill: {len(acknowledged)}; cut off in flight: {len(cut_off)}")

        server.start()
        for number in range(CALLS):
            if number in acknowledged:
                continue
            status, _, _ = _intake(server, token, number, keys[number])
            assert status == 201, number
        for number in list(acknowledged)[:5]:
            status, answer, headers = _intake(server, token, number, keys[number])
            assert status == 201 and answer["id"] == acknowledged[number]
            assert headers.get("Idempotent-Replayed") == "true"
    finally:
        server.stop()

    written = _written(tmp_path, database_url)
    assert sorted(written, key=int) == [str(number) for number in range(CALLS)]
    for number, cases in written.items():
        assert len(cases) == 1, (number, cases)
        (case,) = cases
        assert case["events"] >= 1 and case["checks"] == 1, (number, case)
        if int(number) in acknowledged:
            assert case["id"] == acknowledged[int(number)]
