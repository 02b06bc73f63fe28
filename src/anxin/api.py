"""The JSON API (django-ninja); OpenAPI at /api/docs. Routers live in each app's api.py.

Every error leaves as ``{"detail": [{"field": ..., "reason": ...}]}`` with a 4xx status: domain errors
from services, ninja's validation errors, a body that is not a UTF-8 JSON object, a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``, a missing or wrong token.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.utils.translation import gettext, gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from anxin.core.api_auth import TokenAuth
from anxin.core.errors import DomainError, InvalidInput
from anxin.core.openapi import publish

# Where ninja says a value came from, and the name every handler gives its body parameter.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_BODY_PARAMS = frozenset({"payload"})
# Reasons for the pydantic error types a caller meets most; anything else keeps pydantic's message.
_REASONS = {
    "missing": gettext_lazy("缺少此字段"),
    "extra_forbidden": gettext_lazy("未知字段"),
    "string_type": gettext_lazy("必须是文本"),
    "int_type": gettext_lazy("必须是整数"),
    "int_parsing": gettext_lazy("必须是整数"),
    "int_from_float": gettext_lazy("必须是整数"),
    "bool_type": gettext_lazy("必须是 true 或 false"),
    "bool_parsing": gettext_lazy("必须是 true 或 false"),
    "dict_type": gettext_lazy("必须是 JSON 对象"),
    "list_type": gettext_lazy("必须是列表"),
    "model_type": gettext_lazy("必须是 JSON 对象"),
    "model_attributes_type": gettext_lazy("必须是 JSON 对象"),
    "datetime_type": gettext_lazy("必须是带时区的 ISO 8601 日期时间，如 2025-01-01T10:00:00+08:00"),
    "datetime_parsing": gettext_lazy("必须是带时区的 ISO 8601 日期时间，如 2025-01-01T10:00:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy(
        "必须是带时区的 ISO 8601 日期时间，如 2025-01-01T10:00:00+08:00"
    ),
    "datetime_object_invalid": gettext_lazy("日期时间不存在"),
    "string_pattern_mismatch": gettext_lazy("代码只能包含字母、数字、下划线、连字符和点"),
}


class BodyError(ValueError):
    """The request body is not a UTF-8 JSON object. Ninja wraps it in HttpError(400); see on_http_error."""


class StrictJsonParser(Parser):
    """JSON bodies as RFC 8259 has them: UTF-8, no NaN/Infinity, and (for our endpoints) an object."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError(
                gettext("请求体不是 UTF-8 编码（第 %(byte)s 字节）") % {"byte": exc.start}
            ) from exc
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            reason = gettext("请求体不是合法的 JSON：%(error)s（第 %(line)s 行第 %(column)s 列）")
            raise BodyError(reason % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}) from exc
        except RecursionError as exc:
            raise BodyError(gettext("请求体的 JSON 嵌套过深")) from exc
        if not isinstance(data, dict):
            raise BodyError(gettext("请求体必须是 JSON 对象"))
        return data


def _refuse_constant(name: str) -> None:
    raise BodyError(gettext("请求体含有 JSON 不允许的数值 %(name)s") % {"name": name})


class AnxinAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return publish(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = AnxinAPI(
    title="Anxin 安心 API",
    version="1",
    description="Hotline cases, resident lookup, medical facilities, the knowledge base. Bearer token "
    "authentication; every query is scoped to the places the token's user covers. "
    'Errors: `{"detail": [{"field": ..., "reason": ...}]}`. '
    "Error reasons follow the request's Accept-Language (Simplified Chinese by default, or English).",
    auth=TokenAuth(),
    parser=StrictJsonParser(),
    docs_url="/docs",
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, field: str | None, reason: str):
    return api.create_response(request, {"detail": [{"field": field, "reason": reason}]}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=exc.status)


def _field_of(loc: tuple[Any, ...]) -> str | None:
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else None
    if source == "body" and parts and parts[0] in _BODY_PARAMS:
        parts.pop(0)
    return ".".join(str(part) for part in parts) or source


def _reason_of(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return gettext("过长：最多 %(max)s 个字符") % {"max": ctx.get("max_length")}
    if kind == "too_long":
        return gettext("最多 %(max)s 项") % {"max": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return gettext("不能小于 %(min)s") % {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return gettext("不能大于 %(max)s") % {"max": ctx.get("le")}
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", "invalid"))
    reason = _REASONS.get(kind)
    return str(reason) if reason else str(error.get("msg", "invalid"))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    details = [{"field": _field_of(tuple(e.get("loc", ()))), "reason": _reason_of(e)} for e in exc.errors]
    return api.create_response(request, {"detail": details}, status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    response = _error(request, 401, "Authorization", gettext("未认证或令牌无效"))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    # Ninja turns any parser exception into HttpError(400, "Cannot parse request body") raised from it.
    if isinstance(exc.__cause__, BodyError):
        return _error(request, 400, "body", str(exc.__cause__))
    return _error(request, exc.status_code, None, str(exc))


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, 413, "body", gettext("请求体过大：最多 %(limit)s 字节") % {"limit": limit})


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return _error(request, 404, None, gettext("不存在"))


@api.get("/ping", tags=["system"], summary="Trivial authenticated endpoint (baseline for benchmarks)")
def ping(request: HttpRequest):
    return {"ok": True, "user": request.auth.username}


def refuse_unknown_query_parameters(view):
    """``?urgncy=P1`` is refused, as a body's misspelt field is, instead of answering every case."""
    named = frozenset(inspect.signature(view).parameters) - {"request"} - _BODY_PARAMS

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        path = request.resolver_match.kwargs if request.resolver_match else {}
        unknown = sorted(set(request.GET) - (named - set(path)))
        if unknown:
            raise InvalidInput(gettext("未知参数"), field=unknown[0])
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query_parameters)


def _register_routers() -> None:
    from anxin.facilities.api import router as facilities_router
    from anxin.hotline.api import router as hotline_router
    from anxin.hotline.api_triage import router as triage_router
    from anxin.knowledge.api import router as knowledge_router
    from anxin.knowledge.category_api import router as category_router
    from anxin.monitoring.api import router as monitoring_router
    from anxin.people.api import router as people_router

    api.add_router("/cases", hotline_router)
    api.add_router("", triage_router)
    api.add_router("/residents", people_router)
    api.add_router("/facilities", facilities_router)
    api.add_router("/kb/categories", category_router)
    api.add_router("/kb", knowledge_router)
    api.add_router("/monitoring", monitoring_router)


_register_routers()
