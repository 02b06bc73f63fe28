"""The published OpenAPI document tells the truth: schemathesis, with every check on, over every operation.

What the document says a client may send, the API accepts (or answers 401/403/404/409: who you are and what
exists); what it says a client may not send, the API refuses; every answer has a documented status, content
type and shape. Bounded in examples so that the suite stays quick; run the CLI against ``anxin serve`` for a
longer search (docs/operations.md).

Four rules depend on the clock or on the rest of a request in ways JSON Schema cannot state, and their
descriptions say so; _keep_to_the_descriptions keeps the generated positive cases inside them, as a client reading the
descriptions would: a callback is due between now and 30 days ahead, an item's effective_until is not before
its effective_from, an import names each id once and supersedes items in the base or in the file (and a PUT's
body id, if any, is the path's).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from anxin.knowledge.models import Item

pytestmark = pytest.mark.django_db

# ANXIN_FUZZ_EXAMPLES=200 searches longer, and with a fresh random seed each run.
EXAMPLES_PER_OPERATION = int(os.environ.get("ANXIN_FUZZ_EXAMPLES", "25"))
DERANDOMIZE = "ANXIN_FUZZ_EXAMPLES" not in os.environ


@pytest.fixture
def load_schema(world, sample_items, token_for):
    """load_schema() -> the document as the API publishes it now (with the codes that exist now)."""
    authorization = token_for(world.admin)["Authorization"]

    def load():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
        schema.auth()(_bearer(authorization))
        return schema

    # Django's test client does the same: a request must not close the test's transaction behind it.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield load
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _bearer(authorization: str) -> type:
    """The district's administrator may call every operation, so every one is reached; schemathesis knows
    it as the API's authentication, so it still tries calls without it."""

    class AdminToken:
        def get(self, case, context):
            return authorization

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}

    return AdminToken


MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def test_every_operation_keeps_to_its_published_schema(load_schema):
    # One test over every operation (schemathesis' own pytest plugin does not run on pytest 9 yet); every
    # operation is tried in both modes and every failure is reported, not just the first. The document is
    # fetched again for each operation, as a client would after the data changed: earlier operations have
    # relabelled categories and added items, and the document lists what exists.
    labels = [result.ok().label for result in load_schema().get_all_operations()]
    assert len(labels) >= 36
    failures = []
    for label in labels:
        operation = next(op.ok() for op in load_schema().get_all_operations() if op.ok().label == label)
        for mode in MODES:
            try:
                _fuzz(operation, mode)
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - all reported below
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, mode: GenerationMode) -> None:
    @given(operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        if mode == GenerationMode.POSITIVE:
            _keep_to_the_descriptions(case)
        case.call_and_validate()

    call()


# --- the rules JSON Schema cannot state -------------------------------------------------------------


def _keep_to_the_descriptions(case) -> None:
    label, body = case.operation.label, case.body
    if not isinstance(body, dict):
        return
    if label.endswith("/callbacks"):
        _due_within_the_window(body)
    elif label == "POST /api/kb/import":
        _each_id_once(body)
        _supersedes_what_exists(body)
    elif label == "PUT /api/kb/items/{code}":
        _in_order(body)
        if body.get("id") is not None:
            body["id"] = case.path_parameters["code"]


def _due_within_the_window(body: dict) -> dict:
    due = _datetime(body.get("due_at"))
    now = timezone.now()
    if due is not None and not now < due < now + timedelta(days=30):
        body["due_at"] = (now + timedelta(hours=2)).isoformat()
    return body


def _each_id_once(body: dict) -> dict:
    items = body.get("items")
    if isinstance(items, list):
        seen: set[object] = set()
        kept = []
        for item in items:
            key = item.get("id") if isinstance(item, dict) else None
            if key not in seen:
                seen.add(key)
                kept.append(_in_order(item) if isinstance(item, dict) else item)
        body["items"] = kept
    return body


def _supersedes_what_exists(body: dict) -> None:
    items = [item for item in body.get("items") or [] if isinstance(item, dict)]
    known = {item.get("id") for item in items} | set(Item.objects.values_list("code", flat=True))
    for item in items:
        if item.get("supersedes") is not None and item["supersedes"] not in known - {item.get("id")}:
            item["supersedes"] = None


def _in_order(item: dict) -> dict:
    start, end = _date(item.get("effective_from")), _date(item.get("effective_until"))
    if start and end and end < start:
        item["effective_from"], item["effective_until"] = item["effective_until"], item["effective_from"]
    return item


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _datetime(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None
