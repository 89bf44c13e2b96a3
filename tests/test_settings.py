"""Start-up: production refuses bad configuration with a message naming it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def run_caseaudit(*args: str, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
    unset = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "caseaudit", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "caseaudit.settings.production",
    "ALLOWED_HOSTS": "caseaudit.council.example",
    "DATABASE_URL": "sqlite:////tmp/caseaudit-settings-test.sqlite3",
    "CASEAUDIT_SITE_URL": "https://caseaudit.council.example",
}


def test_production_without_secret_key_stops_and_names_it():
    result = run_caseaudit("check", **PRODUCTION)
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_a_weak_secret_key_stops():
    result = run_caseaudit("check", **PRODUCTION, SECRET_KEY="short")
    assert result.returncode == 2
    assert "SECRET_KEY must be a random value" in result.stderr


@pytest.mark.parametrize("url", ["nonsense", "mysql://root@localhost/x", "postgres://localhost"])
def test_a_malformed_database_url_stops_and_names_it(url):
    result = run_caseaudit("check", **{**PRODUCTION, "DATABASE_URL": url}, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("url", ["", "caseaudit.council.example"])
def test_production_needs_the_address_for_e_mailed_links(url):
    result = run_caseaudit("check", **{**PRODUCTION, "CASEAUDIT_SITE_URL": url}, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 2
    assert "CASEAUDIT_SITE_URL" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_boolean_is_refused_by_name():
    result = run_caseaudit("check", DEBUG="perhaps")
    assert result.returncode == 2
    assert "DEBUG must be true or false" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_caseaudit(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "caseaudit"
    result = subprocess.run([str(script), "help"], capture_output=True, text=True, timeout=120, cwd=ROOT)  # noqa: S603
    assert "verify_audit_trail" in result.stdout and "seed_demo" in result.stdout


def test_production_ignores_debug_from_the_environment_and_hardens_cookies():
    result = run_caseaudit("diffsettings", "--all", **PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50), DEBUG="true")
    assert result.returncode == 0, result.stderr
    settings_text = result.stdout
    # diffsettings marks values equal to Django's defaults with ###; the value is what counts.
    values = {re.sub(r"^### |\s+###$", "", line) for line in settings_text.splitlines()}
    for line in [
        "DEBUG = False",
        "SESSION_COOKIE_SECURE = True",
        "SESSION_COOKIE_HTTPONLY = True",
        "CSRF_COOKIE_SECURE = True",
        "CSRF_COOKIE_HTTPONLY = True",
        "SECURE_HSTS_SECONDS = 31536000",
        "SECURE_SSL_REDIRECT = True",
        "X_FRAME_OPTIONS = 'DENY'",
    ]:
        assert line in values, line
    assert "caseaudit.accounts.middleware.TwoFactorMiddleware" in settings_text


@pytest.mark.parametrize(
    "url,backend,location",
    [
        ("locmem://x", "locmem.LocMemCache", "x"),
        ("file:///srv/caseaudit/cache", "filebased.FileBasedCache", "/srv/caseaudit/cache"),
        ("db://caseaudit_cache", "db.DatabaseCache", "caseaudit_cache"),
        ("redis://10.0.0.5:6379/1", "redis.RedisCache", "redis://10.0.0.5:6379/1"),
    ],
)
def test_the_cache_is_chosen_by_url(monkeypatch, url, backend, location):
    from caseaudit.settings.env import env_cache

    monkeypatch.setenv("CASEAUDIT_CACHE_URL", url)
    assert env_cache("CASEAUDIT_CACHE_URL", "locmem://") == {
        "BACKEND": f"django.core.cache.backends.{backend}",
        "LOCATION": location,
    }


@pytest.mark.parametrize("url", ["memcached://x", "file://relative/path", "db://"])
def test_a_bad_cache_url_stops_and_names_it(url):
    result = run_caseaudit("check", CASEAUDIT_CACHE_URL=url)
    assert result.returncode == 2
    assert "CASEAUDIT_CACHE_URL must" in result.stderr


def test_the_default_cache_is_shared_by_every_process_on_the_machine(tmp_path):
    """Two gunicorn workers are two processes: what one draws, the other reads (a file cache, not memory)."""
    code = (
        "from django.core.cache import cache; import sys; "
        "print(cache.get('k') if sys.argv[1] == 'get' else cache.set('k', 'drawn once', 60))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "caseaudit.settings.base", "CASEAUDIT_CACHE_URL": f"file://{tmp_path}"}
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env

    def run(action: str) -> str:
        script = f"import django; django.setup(); {code}"
        done = subprocess.run(
            [sys.executable, "-c", script, action], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    run("set")
    assert run("get") == "drawn once"


def test_without_a_cache_url_the_cache_is_a_folder_in_var():
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CASEAUDIT_CACHE_URL")}
    done = subprocess.run(
        [sys.executable, "-c", "from caseaudit.settings import base; print(base.CACHES['default'])"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == str(
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(ROOT / "var" / "cache")}
    )


def test_postgresql_connections_run_queries_without_parallel_workers_unless_asked(monkeypatch):
    from caseaudit.settings.env import env_database

    url = "postgres://postgres@127.0.0.1:5432/caseaudit"
    monkeypatch.delenv("CASEAUDIT_PG_PARALLEL_WORKERS", raising=False)
    assert env_database("X", url)["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=0"
    monkeypatch.setenv("CASEAUDIT_PG_PARALLEL_WORKERS", "2")
    assert env_database("X", url)["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
    monkeypatch.setenv("CASEAUDIT_PG_PARALLEL_WORKERS", "")  # behind PgBouncer: the server's own setting
    assert "options" not in env_database("X", url).get("OPTIONS", {})
    assert "options" not in env_database("X", "sqlite:////tmp/x.sqlite3")["OPTIONS"]


@pytest.mark.django_db
def test_the_setting_reaches_the_database_session():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_postgresql_connections_prepare_repeated_queries_unless_told_not_to(monkeypatch):
    from caseaudit.settings.env import env_database

    url = "postgres://postgres@127.0.0.1:5432/caseaudit"
    monkeypatch.delenv("CASEAUDIT_PG_PREPARE_THRESHOLD", raising=False)
    options = env_database("X", url)["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 2)
    monkeypatch.setenv("CASEAUDIT_PG_PREPARE_THRESHOLD", "0")
    assert env_database("X", url)["OPTIONS"]["prepare_threshold"] == 0
    monkeypatch.setenv("CASEAUDIT_PG_PREPARE_THRESHOLD", "")  # PgBouncer before 1.21: Django's defaults
    options = env_database("X", url)["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    for bad in ("-1", "two"):
        monkeypatch.setenv("CASEAUDIT_PG_PREPARE_THRESHOLD", bad)
        with pytest.raises(ImproperlyConfigured, match="CASEAUDIT_PG_PREPARE_THRESHOLD"):
            env_database("X", url)
    monkeypatch.delenv("CASEAUDIT_PG_PREPARE_THRESHOLD")
    assert "prepare_threshold" not in env_database("X", "sqlite:////tmp/x.sqlite3")["OPTIONS"]


@pytest.mark.django_db
def test_a_query_run_three_times_is_prepared_on_the_server():
    from django.db import connection

    from caseaudit.organisation.models import Team

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for name in ("Alpha", "Beta", "Gamma"):  # different values, one statement
        list(Team.objects.filter(name=name).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"organisation_team"' in sql and '"name" = $1' in sql for sql in prepared), prepared
