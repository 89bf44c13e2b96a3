"""The scheduled job runs on one server at a time (PostgreSQL advisory lock)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


def run() -> str:
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_when_no_other_server_holds_the_lock(council):
    assert "Another server" not in run()


@pytest.mark.django_db(transaction=True)
def test_a_second_server_skips_while_the_first_holds_the_lock(council):
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's; SQLite serves from one machine")
    import psycopg

    from caseaudit.home.management.commands.run_scheduled import LOCK_KEY

    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], autocommit=True
    ) as other_server:
        other_server.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        assert "Another server is running the scheduled jobs" in run()
        other_server.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    assert "Another server" not in run()
