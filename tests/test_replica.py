"""Reports and dashboards read from the replica alias; writes, and reads after a write, use the primary."""

from __future__ import annotations

import pytest
from django.db import connections, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caseaudit.audits.models import Audit
from caseaudit.web.replica import reading_from_replica


def test_reads_go_to_the_primary_outside_report_views():
    assert router.db_for_read(Audit) == "default"
    assert router.db_for_write(Audit) == "default"


@override_settings(CASEAUDIT_READ_REPLICA=True)
def test_report_reads_go_to_the_replica_until_the_first_write():
    with reading_from_replica():
        assert router.db_for_read(Audit) == "replica"
        assert router.db_for_write(Audit) == "default"
        # Read your own writes: the replica may not have the row yet.
        assert router.db_for_read(Audit) == "default"
    assert router.db_for_read(Audit) == "default"


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate("default", "audits")
    assert not router.allow_migrate("replica", "audits")


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize("path", ["/reports/", "/improvement/"])
@override_settings(CASEAUDIT_READ_REPLICA=True)
def test_the_report_and_dashboard_pages_query_the_replica(client, council, path):
    client.force_login(council["qa_admin"])
    client.get("/")  # warm the session and one-off caches
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(path)
    assert response.status_code == 200
    assert len(replica.captured_queries) >= 3, "the page's figures should come from the replica"
    # The primary still answers the session and sign-in (small reads that must be current).
    assert any("django_session" in q["sql"] for q in primary.captured_queries)
    assert not any("django_session" in q["sql"] for q in replica.captured_queries)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@override_settings(CASEAUDIT_READ_REPLICA=True)
def test_other_pages_read_only_the_primary(client, council):
    client.force_login(council["qa_admin"])
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get("/audits/mine/").status_code == 200
    assert replica.captured_queries == []


def test_without_a_replica_configured_reports_read_the_primary():
    with reading_from_replica():
        assert router.db_for_read(Audit) == "default"
