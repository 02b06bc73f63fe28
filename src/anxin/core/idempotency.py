"""Safe retries for the API: the ``Idempotency-Key`` header.

A client whose connection dropped after its call committed cannot know whether it did; it sends the call again
with the same key. Within ``KEEP`` (24 hours) the same key and the same request (method, path, query and body)
get the first answer again, marked ``Idempotent-Replayed: true``, and nothing is written; the same key with
another request is a 409. The key is stored, with the answer, in the transaction that does the call's work, so
either both commit or neither does: a crash before the commit leaves nothing behind and the retry simply runs.
Two copies of one call sent at once meet on the key's unique index (PostgreSQL: the second's insert waits for
the first's commit; SQLite: their transactions take turns): the second finds the key taken, undoes its own
work and gives the first answer.

Applies to every POST under ``/api/`` that names a key (the calls that create something), whoever the caller
is: a user's keys are their own. Only successful answers (2xx) are kept; a refused call writes nothing, so
sending it again is already safe.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import SuspiciousOperation
from django.db import connection, transaction
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
        if not KEY_PATTERN.fullmatch(key):
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


# A retry refused for one of these may be refused because its first call went through (the case's version
# moved on, the step was done): it is answered from the key. Who the caller is (401, 403) and what was sent
# (400, 413) are answered as they are now, so a revoked token or a lost permission gets no stored answer.
_STATE_REFUSALS = frozenset({409, 422})


def _once(request, principal: str, key: str, fingerprint: str, get_response) -> HttpResponse:
    """Run the call and keep its answer under the key, or give the answer the key already has.

    A first call (the usual case) pays one insert, written last, and no read: whether the key was used before
    shows only when that insert conflicts, or when the call is refused for a reason its first run may have
    caused. Either way nothing of this run is kept (a retry runs the call again, then undoes it).
    """
    with transaction.atomic():
        response = get_response(request)
        if _succeeded(response) and _store(principal, key, fingerprint, response):
            return response
        transaction.set_rollback(True)
    if _succeeded(response):
        # The key was used first (before, or by a copy of this call whose commit the insert waited for).
        return _answer_of(principal, key, fingerprint)
    if response.status_code in _STATE_REFUSALS:
        earlier = _stored(principal, key, fresh=True)
        if earlier is not None:
            return _answer(earlier, fingerprint)
    return response  # a refused first call keeps no key; sending it again is safe


def _succeeded(response: HttpResponse) -> bool:
    return 200 <= response.status_code < 300 and not response.streaming


def _store(principal: str, key: str, fingerprint: str, response: HttpResponse) -> bool:
    """Keep the answer under the key, in the call's own transaction; False if the key is taken.

    The row is written last, once, with the answer: one statement, no savepoint (ON CONFLICT DO NOTHING
    instead of catching IntegrityError) and no update afterwards, which keeps a keyed intake within a
    millisecond of an unkeyed one (bench/bench_idempotency.py). A row past KEEP that the daily purge has not
    reached yet no longer counts: it is deleted and the key stored anew.
    """
    now = timezone.now()
    row = IdempotencyKey(
        principal=principal,
        key=key,
        fingerprint=fingerprint,
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        content=bytes(response.content),
        created_at=now,
    )
    for _ in range(2):
        if _insert(row):
            return True
        stale = IdempotencyKey.objects.filter(principal=principal, key=key, created_at__lt=now - KEEP)
        if not stale.delete()[0]:
            return False
    return False


def _insert(row: IdempotencyKey) -> bool:
    fields, sql = _insert_statement(connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


@functools.cache
def _insert_statement(vendor: str) -> tuple[list, str]:
    """The model's columns and ``INSERT … ON CONFLICT DO NOTHING`` for them, built once per process."""
    meta = IdempotencyKey._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    unique = ", ".join(quote(meta.get_field(name).column) for name in ("principal", "key"))
    # The names come from the model; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({unique}) DO NOTHING"
    )
    return fields, sql


def _answer_of(principal: str, key: str, fingerprint: str) -> HttpResponse:
    """The answer stored under a key whose insert just conflicted: read whatever its age, so that a row
    crossing KEEP in between cannot make the undone run's answer go out."""
    record = _stored(principal, key)
    if record is None:  # purged in between: nothing stands; the client may send it again
        return _error(409, gettext("使用此键的请求仍在处理中，请稍后重试"))
    return _answer(record, fingerprint)


def _stored(principal: str, key: str, *, fresh: bool = False) -> IdempotencyKey | None:
    """The key's row (``fresh``: only if younger than KEEP)."""
    rows = IdempotencyKey.objects.filter(principal=principal, key=key)
    if fresh:
        rows = rows.filter(created_at__gte=timezone.now() - KEEP)
    try:  # get(), not first(): the pair is unique, and first() would add an ORDER BY
        return rows.get()
    except IdempotencyKey.DoesNotExist:
        return None


def _answer(record: IdempotencyKey, fingerprint: str) -> HttpResponse:
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
