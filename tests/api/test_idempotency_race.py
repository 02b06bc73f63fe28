"""Copies of one call sent at the same moment, each on its own connection, with real commits: one case, and
every copy answered with it (the later ones replayed). CI runs it on SQLite, where the copies' transactions
take turns (BEGIN IMMEDIATE), and on PostgreSQL, where they run together and a later copy's insert of the key
waits on the unique index for the first's commit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from anxin.accounts.models import ApiToken
from anxin.hotline.models import Case
from tests.api.test_cases import intake

COPIES = 4


@pytest.mark.django_db(transaction=True)
def test_copies_of_one_call_at_once_open_one_case_and_all_get_its_answer(world):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is not shared between threads (the fault test covers it)")
    _, token = ApiToken.issue(user=world.agent, name="race")
    body = intake(world, summary="同一通来电被客户端同时发了几遍")
    start = threading.Barrier(COPIES)
    answers: list[tuple[int, int, str | None]] = []

    def send() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        start.wait()
        try:
            response = client.post(
                "/api/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="race-1"
            )
            answers.append(
                (response.status_code, response.json().get("id"), response.get("Idempotent-Replayed"))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Case.objects.filter(summary=body["summary"]).count() == 1
    assert [status for status, _, _ in answers] == [201] * COPIES
    assert len({case_id for _, case_id, _ in answers}) == 1
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * (COPIES - 1)
