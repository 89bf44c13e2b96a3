"""When the database is briefly unreachable the app answers 503 with Retry-After, then recovers by itself."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


def signed_in_client(person) -> Client:
    # Errors become responses, as they do under gunicorn (the test client re-raises them by default).
    client = Client(raise_request_exception=False)
    client.force_login(person)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_refused_connection_answers_503_then_the_next_request_succeeds(council):
    client = signed_in_client(council["qa_admin"])
    assert client.get("/").status_code == 200
    real = dict(connection.settings_dict)
    connection.close()
    # The database refuses connections: a closed port on PostgreSQL, an unopenable file on SQLite.
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = "1"
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/caseaudit.sqlite3"
    try:
        response = client.get("/")
    finally:
        connection.close()
        connection.settings_dict.update(real)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert b"Service temporarily unavailable, try again in a minute" in response.content
    # Back: no restart, no manual step.
    response = client.get("/")
    assert response.status_code == 200
    assert b"Service temporarily unavailable" not in response.content


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_the_server_answers_503_then_recovers(council):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    import psycopg

    client = signed_in_client(council["qa_admin"])
    assert client.get("/").status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    # Another session ends ours, as a fail-over or an administrator's restart would.
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert client.get("/").status_code == 200


def test_other_errors_stay_500(db, council):
    client = signed_in_client(council["qa_admin"])
    response = client.get("/errors/preview/500")
    assert response.status_code == 500
    assert "Retry-After" not in response
