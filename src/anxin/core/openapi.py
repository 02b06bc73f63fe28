"""What the published OpenAPI document says beyond what ninja derives from the handlers: the codes that live
in the database, the Idempotency-Key header on every POST, and the answers every operation can give.

A client generated from ``/api/openapi.json`` must send only what the API accepts, and expect every status
it can meet (tests/api/test_schema_fuzz.py runs schemathesis over the whole API to hold us to that).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from anxin.core.api_fields import CODE_SOURCES, DOCUMENTED_MODELS
from anxin.core.idempotency import HEADER, KEY_PATTERN, REPLAYED_HEADER

_METHODS = ("get", "put", "post", "patch", "delete")
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

IDEMPOTENCY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Send the same key again to retry safely: the same key and body within 24 hours answer "
    "what the first call answered and write nothing; the same key with another body is a 409.",
    "schema": {"type": "string", "pattern": KEY_PATTERN.pattern, "minLength": 1, "maxLength": 255},
}
REPLAYED = {
    "description": "true when this is the stored answer to an earlier call with the same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}
# Refused by the HTTP server before the API reads the request; the body is not the API's JSON.
SERVER_ANSWERS = {
    "414": {"description": "Request line too long (refused by the HTTP server)"},
}


def publish(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` as ninja built it, completed in place; returned for chaining."""
    _add_documented_models(document)
    _fill_codes(document)
    for method, operation in _operations(document):
        # ninja keys responses by int; JSON would turn them into strings anyway.
        responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
        operation["responses"] = responses
        _error(responses, "401", "Missing or invalid token")
        for status, answer in SERVER_ANSWERS.items():
            responses.setdefault(status, answer)
        if method == "post":
            _idempotency(operation, responses)
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path_item in document.get("paths", {}).values():
        for method in _METHODS:
            if method in path_item:
                yield method, path_item[method]


def _error(responses: dict[str, Any], status: str, description: str) -> None:
    responses.setdefault(
        status, {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}
    )


def _idempotency(operation: dict[str, Any], responses: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == HEADER and p.get("in") == "header" for p in parameters):
        parameters.append(dict(IDEMPOTENCY_PARAMETER))
    _error(responses, "409", "Conflict (also: the Idempotency-Key was used with another request)")
    _error(responses, "422", "Invalid input (also: a malformed Idempotency-Key)")
    for status, answer in responses.items():
        if status.startswith("2"):
            answer.setdefault("headers", {})[REPLAYED_HEADER] = REPLAYED


def _add_documented_models(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in DOCUMENTED_MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema


def _fill_codes(node: Any) -> None:
    """Every ``{"x-anxin-codes": name}`` gains the enum of the codes that exist now; every
    ``{"x-anxin-model": name}`` becomes a reference to that documented model."""
    if isinstance(node, dict):
        model = node.pop("x-anxin-model", None)
        if model is not None:  # pydantic refuses a $ref it did not make; see DOCUMENTED_MODELS
            node["$ref"] = f"#/components/schemas/{model}"
        source = node.pop("x-anxin-codes", None)
        blank = node.pop("x-anxin-blank", False)
        if source is not None:
            codes = CODE_SOURCES[source]()
            node["enum"] = [""] + codes if blank else codes
        _names_follow_their_pattern(node)
        for value in node.values():
            _fill_codes(value)
    elif isinstance(node, list):
        for value in node:
            _fill_codes(value)


def _names_follow_their_pattern(node: dict[str, Any]) -> None:
    """Pydantic documents a map's key pattern as ``patternProperties``, which leaves other names free; the
    API refuses them, so the pattern goes into ``propertyNames`` too."""
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1:
        node.setdefault("propertyNames", {}).setdefault("pattern", next(iter(patterns)))
