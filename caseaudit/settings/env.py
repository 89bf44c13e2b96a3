"""Strict readers for settings that come from the environment.

A bad value stops start-up with a message that names the variable, rather than
running with a silent default that someone finds out about in production.
"""

from __future__ import annotations

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} is not set: CaseAudit needs it to start.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse DATABASE_URL; only SQLite and PostgreSQL are supported."""
    url = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(
            f"{name} is malformed ({str(exc).split('. ')[0]}): expected sqlite:///path or postgres://user@host:port/name."
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(f"{name} must point at SQLite or PostgreSQL, not {engine or url!r}.")
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} is malformed: it names no database.")
    if engine == "django.db.backends.postgresql":
        # Parallel query: PostgreSQL's default (2 workers a query) suits one person's long query, but with
        # many people on few cores each report took three processes' CPU for one answer (decision 0072).
        # Empty: send nothing and leave it to the server (PgBouncer refuses the "options" start-up parameter).
        if os.environ.get("CASEAUDIT_PG_PARALLEL_WORKERS") != "":
            workers = env_int("CASEAUDIT_PG_PARALLEL_WORKERS", 0)
            config.setdefault("OPTIONS", {})["options"] = f"-c max_parallel_workers_per_gather={workers}"
        # Prepared statements: a page runs the same dozen queries every time, and PostgreSQL spent more CPU
        # planning them than running them. psycopg prepares a query on a connection once it has run this many
        # times there; Django turns that off unless asked, and it needs server-side binding (decision 0076).
        # Empty: Django's default, client-side binding and no prepared statements (PgBouncer before 1.21).
        if os.environ.get("CASEAUDIT_PG_PREPARE_THRESHOLD") != "":
            threshold = env_int("CASEAUDIT_PG_PREPARE_THRESHOLD", 2)
            if threshold < 0:
                raise ImproperlyConfigured("CASEAUDIT_PG_PREPARE_THRESHOLD must be 0 or more (or empty: none).")
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=threshold)
    if engine == "django.db.backends.sqlite3":
        # SQLite does not pool; a persistent connection per thread is what it wants.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].update(
            {"init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;", "transaction_mode": "IMMEDIATE"}
        )
    return config


def env_cache(name: str, default: str) -> dict:
    """A Django cache from a URL: locmem://NAME (this process), file:///path (this machine's processes),
    db://table (every server on the one database; `caseaudit createcachetable`) or redis://host:port/db."""
    url = os.environ.get(name) or default
    for prefix, backend in (
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("file://", "django.core.cache.backends.filebased.FileBasedCache"),
        ("db://", "django.core.cache.backends.db.DatabaseCache"),
    ):
        if url.startswith(prefix):
            location = url[len(prefix) :]
            if prefix == "file://" and not location.startswith("/"):
                raise ImproperlyConfigured(f"{name} must name an absolute folder (file:///path), not {url!r}.")
            if prefix == "db://" and not location:
                raise ImproperlyConfigured(f"{name} must name a table (db://table), not {url!r}.")
            return {"BACKEND": backend, "LOCATION": location}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"{name} must start locmem://, file://, db:// or redis://, not {url!r}.")
