"""Fixtures for the real-browser tests: Debian's chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

import os
import shutil
import sys
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
        violations = _watch_for_policy_violations(instance)
        try:
            yield instance
        finally:
            instance.close()
        # Every page a browser test opens is also a test of the Content-Security-Policy: a script, style or
        # eval the policy refused is a page that does not work as written.
        assert violations == [], f"Content-Security-Policy violations: {violations}"


def _watch_for_policy_violations(instance: Browser) -> list[str]:
    """Chromium reports each refusal on the page's console; collect them from every page of every context."""
    violations: list[str] = []

    def watch(page) -> None:
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def new_context(*args, **kwargs):
        context = original_new_context(*args, **kwargs)
        context.on("page", watch)
        return context

    def new_page(*args, **kwargs):
        page = original_new_page(*args, **kwargs)
        watch(page)
        return page

    original_new_context, original_new_page = instance.new_context, instance.new_page
    instance.new_context, instance.new_page = new_context, new_page
    return violations


IDLE_CONNECTION_SECONDS = 3


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

    def get_request(self):
        connection, address = super().get_request()
        # Chromium may open a connection ahead of need and send nothing on it; served one at a time, such a
        # socket would hold up every other request (a page.goto timing out after 30 s) until it closed.
        connection.settimeout(IDLE_CONNECTION_SECONDS)
        return connection, address

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], TimeoutError):
            return  # an idle connection dropped (above): nothing went wrong
        super().handle_error(request, client_address)


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
