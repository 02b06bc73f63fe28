"""Anxin's one settings file.

Works with no environment at all (demo on SQLite under ./var); every reader fails loudly on a bad value.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from anxin.config import secret

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The source checkout (src layout): node_modules and locale live beside pyproject.toml.
PROJECT_DIR = PACKAGE_DIR.parent.parent
WORK_DIR = Path(os.environ.get("ANXIN_WORK_DIR", Path.cwd()))
VAR_DIR = WORK_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("ANXIN_DEBUG", False)
SECRET_KEY = secret.configured_key()
SECRET_KEY_FALLBACKS = secret.fallback_keys()
ALLOWED_HOSTS = env_list("ANXIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ANXIN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves its bundled Swagger UI for /api/docs, so the docs work without internet
    "django_tasks",
    "django_tasks_db",
    "anxin.core",
    "anxin.accounts",
    "anxin.places",
    "anxin.people",
    "anxin.facilities",
    "anxin.hotline",
    "anxin.knowledge",
    "anxin.ledger",
    "anxin.monitoring",
    "anxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anxin.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anxin.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anxin.accounts.middleware.IdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "anxin.config.urls"
WSGI_APPLICATION = "anxin.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'anxin.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while one of them writes; IMMEDIATE makes a writing
    # transaction take the lock at BEGIN, so two agents acting at once queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too (not SQLite's in-memory database), so concurrent requests in the browser and
    # race tests queue on the lock as they do in production. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"anxin-test-{os.getpid()}.sqlite3")
    }
# Keep each server thread's connection across requests, on SQLite as on PostgreSQL: opening a SQLite
# connection (Django's setup and the PRAGMAs above) costs more CPU than the rest of a trivial API request
# (GET /api/ping: 0.72 ms with the connection kept, 1.65 ms with a new one; docs/benchmarks.md).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("ANXIN_DB_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "hotline:workbench"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Classified-protection practice (GB/T 22239-2019): lock after repeated failures, log out when idle.
ANXIN_LOGIN_MAX_FAILURES = env_int("ANXIN_LOGIN_MAX_FAILURES", 5)
ANXIN_LOGIN_LOCK_MINUTES = env_int("ANXIN_LOGIN_LOCK_MINUTES", 15)
ANXIN_IDLE_TIMEOUT = timedelta(minutes=env_int("ANXIN_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ANXIN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (docs/operations.md). Off by default: the demo and the tests speak plain HTTP on localhost.
SECURE_HSTS_SECONDS = env_int("ANXIN_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANXIN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ANXIN_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("ANXIN_SSL_REDIRECT", False)
# Behind a proxy that ends TLS, the proxy says the request came over HTTPS in this header (X-Forwarded-Proto).
# Only set it when the proxy overwrites the header on every request: a client could send it otherwise.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ANXIN_BEHIND_PROXY", False) else None
)
USE_X_FORWARDED_HOST = env_bool("ANXIN_BEHIND_PROXY", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Our own static files only; the favicon is an empty data: URL. form-action lets forms post only here.
CONTENT_SECURITY_POLICY = os.environ.get("ANXIN_CSP") or (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# htmx comes from the npm registry through package-lock.json; Django serves it from node_modules.
NODE_MODULES_DIR = Path(os.environ.get("ANXIN_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist")]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ANXIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANXIN_LOG_LEVEL", "WARNING")},
}
