"""Settings for the test suite: fast hashing, mail kept in memory."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CASEAUDIT_APPEND_ONLY_TRIGGERS = False
# The swapped change-log model makes auditlog's own migration unnecessary, and
# its FK breaks PostgreSQL teardown (see shared STACK notes).
MIGRATION_MODULES = {"auditlog": None}
ALLOWED_HOSTS = ["*"]
# Tests find static files through the finders; there is no collected folder.
STATIC_ROOT = None
# A file, not memory, for SQLite: in-memory databases shared between threads
# lock whole tables without waiting, so concurrency tests could not run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so two runs at once do not share (and delete) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-caseaudit-{os.getpid()}.sqlite3")}  # noqa: F405
MEDIA_ROOT = VAR_DIR / f"test-uploads-{os.getpid()}"  # noqa: F405
# A second alias on the same database stands in for a read replica; tests/test_replica.py turns the
# routing on (CASEAUDIT_READ_REPLICA), other tests keep every query on "default".
DATABASES["replica"] = {**DATABASES["default"], "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"}}  # noqa: F405
# Each test process keeps its own cache (base.py's file cache in var/cache is shared by a machine's workers).
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
# Tasks run as they are enqueued, in the test's own process; tests/tasks run the real database worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Every test client comes from 127.0.0.1: the walks' wrong family links must not add up to a lockout
# (tests/family/test_pages.py sets a small limit to test it).
CASEAUDIT_FAMILY_LINK_GUESSES = 100_000
# Never GOV.UK Notify from a developer's environment: tests/family/test_notify.py points it at a local fake.
CASEAUDIT_NOTIFY_API_KEY = ""
