"""Field types for JSON API input, shared by every app's api.py.

They stop what no service should ever see: binary text, codes with stray characters, integers a database
column cannot hold, and loosely coerced values (``true`` as a version, ``"1"`` as a resident id). What a
value means (is this line code known, is this transition allowed) stays with the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import core_schema

from anxin.core.text import ANY_SPACE, CONTROL_CHARACTERS

CODE_PATTERN = r"^[A-Za-z0-9_.\-]*$"
# Primary keys are BigAutoField; a larger number cannot name a row and would overflow the column.
MAX_ID = 2**63 - 1
# Case.version is a PositiveIntegerField.
MAX_VERSION = 2**31 - 1


# The same characters as CONTROL_CHARACTERS, written so that both ECMA-262 (the OpenAPI reader) and Python's
# re (hypothesis, pydantic) read them alike.
_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff"
TEXT_PATTERN = f"^[^{_CONTROL}]*$"
# ...and at least one character that is whitespace to neither Python's str.strip() nor ECMA-262.
FILLED_TEXT_PATTERN = f"^[^{_CONTROL}]*[^{ANY_SPACE}{_CONTROL}][^{_CONTROL}]*$"


def _no_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(gettext("含有二进制或控制字符"))
    return value


@dataclass(frozen=True)
class _FreeText:
    """Refuses control characters and says so in the OpenAPI schema (the pattern); ``filled`` also documents
    that the service refuses a blank value (it trims and re-checks)."""

    filled: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_no_control_characters, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler):
        json_schema = handler(schema)
        json_schema["pattern"] = FILLED_TEXT_PATTERN if self.filled else TEXT_PATTERN
        if self.filled:
            json_schema["minLength"] = max(1, json_schema.get("minLength", 0))
        return json_schema


# Free text: ``Annotated[str, StringConstraints(max_length=N), NO_BINARY]``; services trim and re-check it.
NO_BINARY = _FreeText()
# Free text the service requires: not empty, not only spaces.
FILLED = _FreeText(filled=True)


@dataclass(frozen=True)
class Documented:
    """``Annotated[str, Query(...), Documented(pattern=...)]``: adds keywords to a value's JSON schema where
    ninja's Query keeps ``json_schema_extra`` for itself. The handler must check what it documents."""

    keywords: dict[str, Any]

    def __init__(self, **keywords: Any) -> None:
        object.__setattr__(self, "keywords", keywords)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.keywords)))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler):
        return {**handler(schema), **self.keywords}


def filled(name: str) -> dict:
    """A JSON-schema fragment for a model's if/then/oneOf: ``name`` is present and not blank."""
    return {"required": [name], "properties": {name: {"type": "string", "pattern": FILLED_TEXT_PATTERN}}}


def one_of(values: Iterable[str], *, blank: bool = False) -> Any:
    """Documents the codes a service accepts (it checks them itself, with its own message); ``blank`` when an
    empty string is accepted too, as "not given"."""
    codes = [str(value) for value in values]
    return Field(json_schema_extra={"enum": [*([""] if blank else []), *codes]})


# Codes that live in the database (lines, categories, ...): the OpenAPI document lists the ones that exist
# when it is built (anxin.api fills in every ``x-anxin-codes``). Apps register a source with ``code_source``.
CODE_SOURCES: dict[str, Callable[[], list[str]]] = {}


def code_source(name: str) -> Callable[[Callable[[], list[str]]], Callable[[], list[str]]]:
    def register(fn: Callable[[], list[str]]) -> Callable[[], list[str]]:
        CODE_SOURCES[name] = fn
        return fn

    return register


def codes_of(name: str, *, blank: bool = False) -> Any:
    """Like ``one_of`` for codes read from the database when the schema is published."""
    return Field(json_schema_extra={"x-anxin-codes": name, "x-anxin-blank": blank})


# Models a handler documents but does not parse with (it checks the body itself, row by row): published as
# components, so that an operation's ``openapi_extra`` or a field's schema can ``$ref`` them.
DOCUMENTED_MODELS: list[type] = []


def document_model(model: type) -> type:
    DOCUMENTED_MODELS.append(model)
    return model


def whole_number(value: Any) -> Any:
    # JSON Schema's "integer" admits 3.0; so does the API. 3.5, true and "3" still fail the strict check.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


WHOLE_NUMBER = BeforeValidator(whole_number)
# A code (line, place, category, ...): letters, digits, ``_ . -``. Whether it is known is the service's
# question; this keeps stray bytes and overlong strings away from the database.
Code = Annotated[str, StringConstraints(max_length=40, pattern=CODE_PATTERN)]
# Body integers are strict: JSON ``true`` or ``"3"`` is a client bug, not a version or an id.
# WHOLE_NUMBER comes last so that it runs first (pydantic wraps earlier metadata in later validators).
BodyId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WHOLE_NUMBER]
Version = Annotated[
    int, Field(strict=True, ge=1, le=MAX_VERSION, description="the case's current version"), WHOLE_NUMBER
]
Flag = Annotated[bool, Field(strict=True)]
# A measurement: a JSON number (3 or 3.5), never "3" or true.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def within(low: float, high: float, **extra: Any) -> Any:
    """Documents the range a service checks itself (with its own message), for a ``Number``."""
    return Field(json_schema_extra={"minimum": low, "maximum": high, **extra})


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
