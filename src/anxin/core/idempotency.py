"""Safe retries for the API: the ``Idempotency-Key`` header.

A client whose connection dropped after its call committed cannot know whether it did; it sends the call again
with the same key. Within ``KEEP`` (24 hours) the same key and the same request (method, path, query and body)
get the first answer again, marked ``Idempotent-Replayed: true``, and nothing is written; the same key with
another request is a 409. The key is stored in the transaction that does the call's work, so either both commit
or neither does: a crash before the commit leaves nothing behind and the retry simply runs. Two copies of one
call sent at once are serialised on the key's unique index: the second waits for the first and replays it.

Applies to every POST under ``/api/`` that names a key (the calls that create something), whoever the caller
is: a user's keys are their own. Only successful answers (2xx) are kept; a refused call writes nothing, so
sending it again is already safe.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from anxin.core.i18n import gettext
from anxin.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces: a UUID, a ULID, a counter
API_PREFIX = "/api/"


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(422, gettext("须为 1 到 255 个可打印的 ASCII 字符，不含空格"))
        principal = _principal(request)
        if principal is None:  # no credentials: the call is refused (401) whatever the key
            return self.get_response(request)
        try:
            fingerprint = _fingerprint(request)
        except (
            SuspiciousOperation
        ):  # an oversize body: the API refuses it with its own error, writing nothing
            return self.get_response(request)
        return _once(request, principal, key, fingerprint, self.get_response)


def _once(request, principal: str, key: str, fingerprint: str, get_response) -> HttpResponse:
    with transaction.atomic():
        record = _claim(principal, key, fingerprint)
        if record is None:
            return _replay(principal, key, fingerprint)
        response = get_response(request)
        if not 200 <= response.status_code < 300 or response.streaming:
            transaction.set_rollback(True)  # a refused call keeps no key and no partial write
            return response
        record.status = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.content = response.content
        record.save(update_fields=["status", "content_type", "content"])
        return response


def _claim(principal: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """The key's new row, or None when the key is taken. A row past KEEP that the daily purge has not reached
    yet no longer counts: it is deleted and the key claimed anew (only then, so a first call pays no delete)."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(principal=principal, key=key, fingerprint=fingerprint)
        except IntegrityError:
            stale = IdempotencyKey.objects.filter(
                principal=principal, key=key, created_at__lt=timezone.now() - KEEP
            )
            if not stale.delete()[0]:
                return None
    return None


def _replay(principal: str, key: str, fingerprint: str) -> HttpResponse:
    record = IdempotencyKey.objects.filter(principal=principal, key=key).first()
    if record is None or record.status == 0:
        return _error(409, gettext("使用此键的请求仍在处理中，请稍后重试"))
    if record.fingerprint != fingerprint:
        return _error(409, gettext("此键已用于另一个请求：同一个键只能重发完全相同的请求"))
    response = HttpResponse(bytes(record.content), status=record.status, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def _principal(request: HttpRequest) -> str | None:
    """Whose key it is: the bearer token (hashed; the token is never stored) or the signed-in user."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    """The request as the client meant it. A multipart upload is fingerprinted by its fields and files' bytes,
    not its raw body, whose boundary a client draws anew for every attempt."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.META.get('QUERY_STRING', '')}\n".encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((name, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, reason: str) -> JsonResponse:
    """The API's error shape (anxin.api)."""
    return JsonResponse({"detail": [{"field": HEADER, "reason": reason}]}, status=status)


def idempotency_keys_purge() -> int:
    """Delete the keys older than KEEP; how many went."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
