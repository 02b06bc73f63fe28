"""The JSON API (django-ninja); OpenAPI at /api/docs. Routers live in each app's api.py."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anxin.core.api_auth import TokenAuth
from anxin.core.errors import DomainError

api = NinjaAPI(
    title="Anxin 安心 API",
    version="1",
    description="热线工单、居民查询、医疗机构。Bearer token authentication; every query is scoped to the "
    "places the token's user covers.",
    auth=TokenAuth(),
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    details = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query")]
        details.append({"field": ".".join(location) or None, "reason": error.get("msg", "invalid")})
    return api.create_response(request, {"detail": details}, status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": [{"field": "Authorization", "reason": "未认证或令牌无效"}]}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(
        request, {"detail": [{"field": None, "reason": str(exc)}]}, status=exc.status_code
    )


@api.get("/ping", tags=["system"], summary="Trivial authenticated endpoint (baseline for benchmarks)")
def ping(request: HttpRequest):
    return {"ok": True, "user": request.auth.username}


def _register_routers() -> None:
    from anxin.facilities.api import router as facilities_router
    from anxin.hotline.api import router as hotline_router
    from anxin.people.api import router as people_router

    api.add_router("/cases", hotline_router)
    api.add_router("/residents", people_router)
    api.add_router("/facilities", facilities_router)


_register_routers()
