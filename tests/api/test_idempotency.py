"""Idempotency-Key: a retry of a call that committed gets the first answer and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anxin.accounts.models import ApiToken
from anxin.accounts.roles import Role
from anxin.core.daily import DAILY_JOBS
from anxin.core.idempotency import KEEP, _fingerprint, idempotency_keys_purge
from anxin.core.models import IdempotencyKey
from anxin.hotline.models import Case, CaseEvent
from anxin.knowledge.models import Item
from tests.api.test_cases import intake
from tests.knowledge.samples import item

pytestmark = pytest.mark.django_db


def _written() -> tuple[int, int, int]:
    return Case.objects.count(), CaseEvent.objects.count(), DBTaskResult.objects.count()


def _open(api, world, key: str, **overrides):
    return api.post(world.agent, "/api/cases", intake(world, **overrides), headers={"Idempotency-Key": key})


def test_the_same_key_and_body_gets_the_first_answer_and_writes_nothing(api, world):
    first = _open(api, world, "intake-7f3a")
    assert first.status_code == 201
    written = _written()
    again = _open(api, world, "intake-7f3a")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _written() == written


def test_the_same_key_with_another_body_is_a_409_naming_the_header(api, world):
    assert _open(api, world, "k-1").status_code == 201
    written = _written()
    other = _open(api, world, "k-1", summary="另一通来电")
    assert other.status_code == 409
    assert other.json()["detail"][0]["field"] == "Idempotency-Key"
    assert _written() == written


def test_without_a_key_each_call_opens_its_own_case(api, world):
    api.post(world.agent, "/api/cases", intake(world))
    api.post(world.agent, "/api/cases", intake(world))
    assert Case.objects.count() == 2


def test_keys_are_the_callers_own(api, world):
    """Another user's identical key is another call."""
    assert _open(api, world, "shared-key").status_code == 201
    theirs = api.post(world.agent2, "/api/cases", intake(world), headers={"Idempotency-Key": "shared-key"})
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert Case.objects.count() == 2


def test_a_refused_call_keeps_no_key_so_the_corrected_retry_runs(api, world):
    refused = _open(api, world, "fix-me", urgency="P9")
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert _open(api, world, "fix-me").status_code == 201


@pytest.mark.parametrize("key", ["", "has space", "键", "x" * 256, "trailing\n"])
def test_a_malformed_key_is_a_422_and_changes_nothing(api, world, key):
    written = _written()
    response = _open(api, world, key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "Idempotency-Key"
    assert _written() == written


def test_a_retried_step_whose_first_run_went_through_gets_the_first_answer(api, world, case_a):
    body = {"version": case_a.version, "note": "已联系家属"}
    headers = {"Idempotency-Key": "note-1"}
    first = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", body, headers=headers)
    assert first.status_code == 200
    written = _written()
    # Run again, the step meets a version that has moved on (409); the key says it was this call's own.
    again = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", body, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert _written() == written


def test_a_retry_with_a_revoked_token_is_refused_not_answered_from_the_key(api, world):
    assert _open(api, world, "revoked").status_code == 201
    ApiToken.objects.filter(user=world.agent).delete()
    again = _open(api, world, "revoked")
    assert again.status_code == 401
    assert "Idempotent-Replayed" not in again.headers


def test_a_retry_by_a_user_who_lost_the_permission_is_refused(api, world):
    assert _open(api, world, "demoted").status_code == 201
    world.agent.role = Role.VOLUNTEER
    world.agent.save(update_fields=["role"])
    again = _open(api, world, "demoted")
    assert again.status_code == 403
    assert Case.objects.count() == 1


def test_a_key_older_than_a_day_is_a_new_call(api, world):
    assert _open(api, world, "old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - KEEP - timedelta(minutes=1))
    assert _open(api, world, "old").status_code == 201
    assert Case.objects.count() == 2


def test_the_daily_task_purges_expired_keys(api, world):
    _open(api, world, "a")
    _open(api, world, "b")
    IdempotencyKey.objects.filter(key="a").update(created_at=timezone.now() - KEEP - timedelta(seconds=1))
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]
    assert "anxin.core.tasks.idempotency_keys_expire" in DAILY_JOBS


def test_a_knowledge_import_is_not_imported_twice(api, world):
    body = {"items": [item("idem-1", "重试的条目", "正文内容")]}
    headers = {"Idempotency-Key": "import-1"}
    first = api.post(world.command, "/api/kb/import", body, headers=headers)
    assert first.status_code == 200, first.content
    versions = Item.objects.get(code="idem-1").version
    again = api.post(world.command, "/api/kb/import", body, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Item.objects.get(code="idem-1").version == versions


def _multipart(boundary: str, content: bytes):
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n批量\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="kb.jsonl"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return RequestFactory().post(
        "/api/upload", body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_multipart_upload_is_recognised_whatever_its_boundary():
    """A client draws a new boundary for each attempt; the same fields and file are the same request."""
    first = _fingerprint(_multipart("AaB03x", b'{"id": "a"}\n'))
    assert _fingerprint(_multipart("Zz9Yy8", b'{"id": "a"}\n')) == first
    assert _fingerprint(_multipart("AaB03x", b'{"id": "b"}\n')) != first
