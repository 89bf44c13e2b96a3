"""Run the real worker (caseaudit run_worker, django-tasks-db's db_worker underneath) against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
database_tasks = override_settings(TASKS=DATABASE_TASKS)

CHILD = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "caseaudit.settings.test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["WORKER_DB_NAME"]
settings.MEDIA_ROOT = os.environ["WORKER_MEDIA_ROOT"]
settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
import django
django.setup()
"""


def work_off(*extra: str) -> None:
    """Run every task that is ready, in this process, then return (db_worker --batch)."""
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-schedule", "--interval", "0", *extra)


def start_worker(*args: str, prelude: str = "") -> subprocess.Popen:
    """A worker process of its own against this test's database (committed data only)."""
    env = {
        **os.environ,
        "WORKER_DB_NAME": str(connection.settings_dict["NAME"]),
        "WORKER_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }
    script = (
        CHILD
        + textwrap.dedent(prelude)
        + f"""
from django.core.management import call_command
call_command("run_worker", "--no-startup-delay", "--interval", "0.1", *{list(args)!r})
"""
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
