"""Fixtures for the real-browser tests: Debian's chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import WSGIServer
from playwright.sync_api import Browser, sync_playwright
from pytest_django.live_server_helper import LiveServer

# Flags for a headless chromium in a container or CI: no sandbox (often unavailable), and no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        # A missing browser is a broken setup, not a reason to skip: scripts/setup installs it.
        pytest.fail("chromium is not installed (Debian package `chromium`; run scripts/setup)", pytrace=False)
    return path


@pytest.fixture
def browser(monkeypatch) -> Iterator[Browser]:
    """A headless chromium for one test.

    Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a thread with
    a running loop; the test thread only touches the database around the browser steps, so allow it here.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


class SerialWSGIServer(WSGIServer):
    """Django's test server handling one request at a time.

    The test database is in-memory SQLite, so the server shares the test's one connection; Django's default
    threaded live server lets the page's parallel htmx requests interleave transactions on that connection
    ("cannot open savepoint", lost sessions). One at a time, and the server closes each connection.
    """

    def __init__(self, *args, connections_override=None, allow_reuse_address=False, **kwargs) -> None:
        # Closing every connection leaves the port in TIME_WAIT; reuse lets a fixed --liveserver port
        # be bound again by the next run (Linux still refuses a port another server is listening on).
        super().__init__(*args, allow_reuse_address=True, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live_server (same address options), served by SerialWSGIServer."""
    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.server_class = SerialWSGIServer
    server.start()
    yield server
    server.stop()
