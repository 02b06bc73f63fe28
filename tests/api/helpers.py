"""Helpers for API tests: a JSON client speaking as one of the named cast, a case opened as the desk
opens one, and a check of the error shape every 4xx answer shares."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from anxin.accounts.models import User


class Api:
    """``api.post(world.agent, "/api/cases", {...})``: JSON in and out, with that user's bearer token."""

    def __init__(self, client: Client, token_for) -> None:
        self.client = client
        self._token_for = token_for
        self._headers: dict[int, dict[str, str]] = {}

    def headers(self, user: User | None) -> dict[str, str]:
        if user is None:
            return {}
        if user.pk not in self._headers:
            self._headers[user.pk] = self._token_for(user)
        return self._headers[user.pk]

    def get(self, user: User | None, path: str, params: dict[str, Any] | None = None):
        return self.client.get(path, params or {}, headers=self.headers(user))

    def post(self, user: User | None, path: str, body: Any = None, **kwargs: Any):
        """``body`` goes out as JSON; pass ``raw=b"..."`` to send bytes exactly as given."""
        raw = kwargs.pop("raw", None)
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(
            path,
            data,
            content_type=kwargs.pop("content_type", "application/json"),
            headers=self.headers(user) | kwargs.pop("headers", {}),
            **kwargs,
        )

    def put(self, user: User | None, path: str, body: Any = None, **kwargs: Any):
        data = "" if body is None else json.dumps(body)
        return self.client.put(
            path, data, content_type="application/json", headers=self.headers(user), **kwargs
        )


# A body each transition accepts (bar the version), for tests about who may call it rather than what it does.
STEP_BODIES: dict[str, dict[str, Any]] = {
    "transfer": {"note": "转", "to_place": "440309001002G1"},
    "accept": {},
    "callbacks": {"due_at": "2099-01-01T10:00:00+08:00"},
    "callbacks/1/complete": {"outcome": "已回电"},
    "dispatch": {"target": "120"},
    "notes": {"note": "备注"},
    "reclassify": {"category": "other", "urgency": "P4", "disposition": "answer_closed", "reason": "x"},
    "resolve": {"resolution": "x"},
    "return-visit": {"satisfaction": "satisfied"},
    "close": {},
    "reopen": {"reason": "x"},
}


def detail(response) -> list[dict[str, Any]]:
    """The ``detail`` list of an error answer, checking its shape on the way."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"detail"}, body
    assert body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"field", "reason"}, item
        assert isinstance(item["reason"], str) and item["reason"], item
    return body["detail"]


def fields(response) -> set[str | None]:
    return {item["field"] for item in detail(response)}
