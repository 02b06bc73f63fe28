"""Domain errors: raised by services and validators, turned into 4xx by views and the API.

Each names the field at fault and a reason a person can read, so a bad request changes nothing
and tells the caller what to fix.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "reason": self.reason}


class InvalidInput(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The record changed under the caller (stale version) or is in a state that forbids the step."""

    status = 409
