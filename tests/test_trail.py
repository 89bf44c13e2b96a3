"""The change history: every change logged, append-only, tamper-evident."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from caseaudit.organisation.models import Child
from caseaudit.trail import triggers
from caseaudit.trail.chain import GENESIS, verify_chain
from caseaudit.trail.models import TrailEntry, TrailIsAppendOnly

from .factories import ChildFactory, TeamFactory


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    return out.getvalue()


def raw_execute(sql: str, params: list) -> None:
    """Change the table the way an attacker with database access would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def history(db):
    team = TeamFactory()
    child = ChildFactory(team=team, name="Alfie Example")
    child.legal_status = "looked_after"
    child.save()
    child.delete()
    return list(TrailEntry.objects.order_by("sequence"))


def test_create_update_and_delete_are_each_logged_with_what_changed(history):
    child_entries = [e for e in history if e.content_type.model_class() is Child]
    assert [e.action for e in child_entries] == [
        TrailEntry.Action.CREATE,
        TrailEntry.Action.UPDATE,
        TrailEntry.Action.DELETE,
    ]
    assert child_entries[1].changes["legal_status"] == ["child_in_need", "looked_after"]


def test_the_chain_links_every_entry_to_the_one_before(history):
    assert history[0].sequence == 1 and history[0].prev_hash == GENESIS
    for before, after in zip(history, history[1:], strict=False):
        assert after.sequence == before.sequence + 1
        assert after.prev_hash == before.entry_hash


def test_verify_reports_ok_on_an_untouched_history(history):
    assert verify().startswith(f"OK: {len(history)} entries verified")


def test_verify_names_an_entry_edited_in_the_database(history):
    target = history[2]
    raw_execute("UPDATE trail_trailentry SET object_repr = %s WHERE id = %s", ["Someone else", target.pk])
    with pytest.raises(CommandError, match=f"Entry #{target.sequence} was altered"):
        verify()


def test_verify_names_an_entry_deleted_from_the_database(history):
    target = history[1]
    raw_execute("DELETE FROM trail_trailentry WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=f"Entry #{target.sequence} is missing"):
        verify()


def test_verify_catches_an_entry_rewritten_with_a_fresh_hash(history):
    """Recomputing the edited entry's own hash does not help: the next link breaks."""
    from caseaudit.trail.chain import entry_digest

    target = history[1]
    target.object_repr = "Rewritten"
    forged = entry_digest(target)
    raw_execute(
        "UPDATE trail_trailentry SET object_repr = %s, entry_hash = %s WHERE id = %s",
        ["Rewritten", forged, target.pk],
    )
    with pytest.raises(CommandError, match=f"Entry #{history[2].sequence} does not follow"):
        verify()


def test_the_application_refuses_to_change_or_delete_an_entry(history):
    entry = history[0]
    entry.object_repr = "changed"
    with pytest.raises(TrailIsAppendOnly):
        entry.save()
    with pytest.raises(TrailIsAppendOnly):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_updates_and_deletes_once_the_triggers_are_installed():
    ChildFactory()
    triggers.install(connection)
    try:
        entry_id = TrailEntry.objects.values_list("pk", flat=True).first()
        for sql in (
            "UPDATE trail_trailentry SET object_repr = 'x' WHERE id = %s",
            "DELETE FROM trail_trailentry WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                raw_execute(sql, [entry_id])
        assert verify().startswith("OK")
    finally:
        triggers.remove(connection)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_take_the_same_place_in_the_chain():
    team = TeamFactory()
    errors = []

    def write(n):
        try:
            for i in range(10):
                ChildFactory(team=team, case_id=f"C{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = verify_chain(TrailEntry.objects.order_by("sequence"))
    assert report.ok, report.message
    assert report.checked == TrailEntry.objects.count()
