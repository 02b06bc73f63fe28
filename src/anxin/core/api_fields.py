"""Field types for JSON API input, shared by every app's api.py.

They stop what no service should ever see: binary text, codes with stray characters, integers a database
column cannot hold, and loosely coerced values (``true`` as a version, ``"1"`` as a resident id). What a
value means (is this line code known, is this transition allowed) stays with the services.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from anxin.core.text import CONTROL_CHARACTERS

CODE_PATTERN = r"^[A-Za-z0-9_.\-]*$"
# Primary keys are BigAutoField; a larger number cannot name a row and would overflow the column.
MAX_ID = 2**63 - 1
# Case.version is a PositiveIntegerField.
MAX_VERSION = 2**31 - 1


def _no_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(gettext("含有二进制或控制字符"))
    return value


# Free text: ``Annotated[str, StringConstraints(max_length=N), NO_BINARY]``; services trim and re-check it.
NO_BINARY = AfterValidator(_no_control_characters)
# A code (line, place, category, ...): letters, digits, ``_ . -``. Whether it is known is the service's
# question; this keeps stray bytes and overlong strings away from the database.
Code = Annotated[str, StringConstraints(max_length=40, pattern=CODE_PATTERN)]
# Body integers are strict: JSON ``true`` or ``"3"`` is a client bug, not a version or an id.
BodyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
Version = Annotated[int, Field(strict=True, ge=1, le=MAX_VERSION, description="the case's current version")]
Flag = Annotated[bool, Field(strict=True)]
# Path and query values arrive as text, so these are parsed leniently but bounded.
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]


class PlainSchema(Schema):
    """A schema that pydantic validates directly when it is given a dict: a JSON body, keyword arguments, an
    answer built as a dict.

    Ninja's Schema reads every input through its DjangoGetter, so that a model instance, its related managers
    and the schema's ``resolve_*`` methods work; a dict of plain values gains nothing from that, and costs a
    Python call per field (with ``extra="forbid"``, ninja validates it twice). Anything else, a model
    instance for example, still takes ninja's way. Do not put managers, querysets or callables in the dict:
    ninja would have evaluated them, pydantic does not.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if type(values) is dict and not cls._ninja_resolvers:
            return handler(values)
        return super()._run_root_validator(values, handler, info)


class InputSchema(PlainSchema):
    """Request bodies refuse unknown fields, so a misspelt ``to_plcae`` fails loudly instead of being
    ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    field: str | None = Field(description="the input at fault (body field, query or path parameter)")
    reason: str


class ErrorOut(Schema):
    """Every 4xx answer: ``{"detail": [{"field": ..., "reason": ...}]}``."""

    detail: list[ErrorItem]


# For ``response={200: X, **READ_ERRORS}``: documents the error answers in the OpenAPI schema.
READ_ERRORS = {frozenset({401, 403, 404, 422}): ErrorOut}
WRITE_ERRORS = {frozenset({400, 401, 403, 404, 409, 413, 422}): ErrorOut}
