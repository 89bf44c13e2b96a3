"""Backup and restore: a round trip brings the data back with the change history intact.

These tests commit (transaction=True): the backup reads the database through its
own connection, as it would while the app is serving.
"""

from __future__ import annotations

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from caseaudit.organisation.models import Child
from caseaudit.trail.models import TrailEntry
from tests.factories import ChildFactory, TeamFactory

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite backup")
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL backup")


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def verify() -> str:
    return command("verify_audit_trail")


@pytest.fixture
def data(transactional_db):
    team = TeamFactory(name="Backup team")
    return [ChildFactory(team=team, name=f"Kept Child {n}") for n in range(3)]


def change_everything(children) -> None:
    children[0].name = "Changed after the backup"
    children[0].save()
    Child.objects.filter(pk=children[1].pk).delete()
    ChildFactory(team=children[2].team, name="Added after the backup")


def assert_original_data_is_back(children, entries_at_backup: int) -> None:
    assert set(Child.objects.values_list("name", flat=True)) == {f"Kept Child {n}" for n in range(len(children))}
    assert TrailEntry.objects.count() == entries_at_backup
    assert verify().startswith(f"OK: {entries_at_backup} entries verified")


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_sqlite_round_trip_restores_the_data_and_the_chain(data, tmp_path):
    target = tmp_path / "backup.sqlite3"
    entries = TrailEntry.objects.count()
    out = command("backup", str(target))
    head = TrailEntry.objects.order_by("-sequence").first()
    assert f"Backed up to {target} (integrity check: ok)" in out
    assert f"Change history head: entry #{head.sequence} {head.entry_hash}" in out
    assert oct(target.stat().st_mode & 0o777) == "0o600"

    change_everything(data)
    assert Child.objects.filter(name="Added after the backup").exists()
    # Another process (the running app) has the database open: refused without --force.
    app = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        app.execute("SELECT count(*) FROM organisation_child").fetchone()
        with pytest.raises(CommandError, match="is in use"):
            command("restore", str(target))
        assert Child.objects.filter(name="Added after the backup").exists()

        out = command("restore", str(target), "--force")
        assert "Restored from" in out and f"entry #{head.sequence}" in out
        # The open connection sees the restored data, not a file swapped from under it.
        assert app.execute("SELECT count(*) FROM organisation_child").fetchone() == (len(data),)
    finally:
        app.close()
    assert_original_data_is_back(data, entries)


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_sqlite_backup_is_consistent_while_another_connection_writes(data, tmp_path):
    """A writer holding an open transaction does not leak half its work into the copy."""
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE organisation_child SET name = 'Half done' WHERE id = ?", [data[0].pk])
    try:
        command("backup", str(tmp_path / "during.sqlite3"))
    finally:
        writer.rollback()
        writer.close()
    copy = sqlite3.connect(tmp_path / "during.sqlite3")
    assert copy.execute("SELECT name FROM organisation_child WHERE id = ?", [data[0].pk]).fetchone() == (
        "Kept Child 0",
    )
    copy.close()


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_restore_refuses_a_damaged_file_or_one_that_is_not_caseaudit(data, tmp_path):
    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_bytes(b"hello, this is not a database" * 200)
    with pytest.raises(CommandError, match="not a SQLite database"):
        command("restore", str(not_sqlite), "--force")

    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (id integer primary key, text)")
    db.commit()
    db.close()
    with pytest.raises(CommandError, match="not a CaseAudit database"):
        command("restore", str(other), "--force")

    damaged = tmp_path / "damaged.sqlite3"
    command("backup", str(damaged))
    raw = bytearray(damaged.read_bytes())
    page_size = int.from_bytes(raw[16:18], "big")
    # Scribble over the middle of the database's later pages (table contents, not the header).
    for offset in range(page_size * 3, len(raw) - 64, page_size):
        raw[offset + 8 : offset + 40] = b"\xff" * 32
    damaged.write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="integrity check|not a SQLite database|malformed"):
        command("restore", str(damaged), "--force")
    assert Child.objects.count() == len(data)  # nothing was replaced

    with pytest.raises(CommandError, match="does not exist"):
        command("restore", str(tmp_path / "missing.sqlite3"))


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_backup_will_not_overwrite_an_earlier_backup(data, tmp_path):
    target = tmp_path / "b.sqlite3"
    command("backup", str(target))
    with pytest.raises(CommandError, match="already exists"):
        command("backup", str(target))


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(data, tmp_path):
    import shutil

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    target = tmp_path / "backup.dump"
    entries = TrailEntry.objects.count()
    head = TrailEntry.objects.order_by("-sequence").first()
    out = command("backup", str(target))
    assert "pg_dump custom format" in out
    # As the SQLite backup does (issue 43): the line that anchors the history outside the database.
    assert f"Change history head: entry #{head.sequence} {head.entry_hash}" in out
    change_everything(data)
    assert TrailEntry.objects.order_by("-sequence").first().sequence > head.sequence
    out = command("restore", str(target), "--force")
    assert "Restored from" in out
    assert_original_data_is_back(data, entries)
    # The head printed is the dump's own newest entry.
    restored = TrailEntry.objects.order_by("-sequence").first()
    assert (restored.sequence, restored.entry_hash) == (head.sequence, head.entry_hash)


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_postgresql_backup_prints_the_head_of_the_dump_not_of_later_writes(data, tmp_path, monkeypatch):
    """An entry committed while pg_dump runs is not in the dump, so it is not the head printed."""
    import shutil

    from caseaudit.dataprotection import backup

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    head = TrailEntry.objects.order_by("-sequence").first()
    real_pg_backup = backup.pg_backup

    def write_then_dump(settings_dict, target, **kwargs):
        # Another connection saves a child (and its history entry) after the snapshot, before pg_dump reads it.
        import psycopg

        s = connection.settings_dict
        with psycopg.connect(
            host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], autocommit=True
        ) as other:
            other.execute("UPDATE organisation_child SET name = 'Written during the dump' WHERE id = %s", [data[0].pk])
        real_pg_backup(settings_dict, target, **kwargs)

    monkeypatch.setattr(backup, "pg_backup", write_then_dump)
    target = tmp_path / "during.dump"
    out = command("backup", str(target))
    assert f"Change history head: entry #{head.sequence} {head.entry_hash}" in out
    command("restore", str(target), "--force")
    assert Child.objects.get(pk=data[0].pk).name == "Kept Child 0"


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_postgresql_restore_refuses_a_file_that_is_not_a_caseaudit_dump(data, tmp_path):
    bogus = tmp_path / "bogus.dump"
    bogus.write_bytes(b"not a dump")
    with pytest.raises(CommandError, match="not a readable pg_dump archive"):
        command("restore", str(bogus), "--force")


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_without_pg_dump_the_command_prints_what_to_run_and_fails(data, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no PostgreSQL client in it
    with pytest.raises(CommandError, match="(?s)pg_dump is not installed.*pg_dump --format=custom"):
        command("backup", str(tmp_path / "x.dump"))
    assert not Path(tmp_path / "x.dump").exists()
