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


# Records without their creation entry: what a save whose history failed, or a row inserted
# straight into the database, leaves behind.


def test_verify_names_records_that_have_no_creation_entry_and_exits_non_zero(db):
    from auditlog.context import disable_auditlog
    from django.core.management import execute_from_command_line

    team = TeamFactory()
    recorded = ChildFactory(team=team)
    with disable_auditlog():  # saved, history lost: what issue 43 saw under load
        lost = [ChildFactory(team=team) for _ in range(3)]
    with pytest.raises(CommandError) as refused:
        verify()
    message = str(refused.value)
    assert message.startswith("UNRECORDED: 3 of ")
    assert f"organisation.Child {lost[0].pk}-{lost[2].pk}" in message
    assert str(recorded.pk) not in message.split("organisation.Child", 1)[1]
    # From the command line, the same report ends the command with a non-zero status.
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["caseaudit", "verify_audit_trail"])
    assert exited.value.code == 1


def test_verify_names_a_row_inserted_straight_into_the_database(db):
    child = ChildFactory()
    raw_execute(
        "INSERT INTO organisation_child (case_id, name, date_of_birth, legal_status, team_id, opened_on) "
        "SELECT 'INSERTED-1', 'Nobody', date_of_birth, legal_status, team_id, opened_on FROM organisation_child "
        "WHERE id = %s",
        [child.pk],
    )
    inserted = Child.objects.get(case_id="INSERTED-1")
    with pytest.raises(CommandError, match=rf"UNRECORDED: 1 of .*\n  organisation.Child {inserted.pk}$"):
        verify()


def test_verify_reports_a_broken_chain_and_unrecorded_records_together(history):
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        lost = ChildFactory()
    raw_execute("UPDATE trail_trailentry SET object_repr = %s WHERE id = %s", ["Someone else", history[1].pk])
    with pytest.raises(CommandError) as refused:
        verify()
    assert f"Entry #{history[1].sequence} was altered" in str(refused.value)
    assert f"organisation.Child {lost.pk}" in str(refused.value)


def test_records_written_in_bulk_on_purpose_are_accounted_for(council):
    """Judgements come with their audit, a case import's children are named in its summary entry, the shipped
    profiles and retention periods with their migrations: none needs an entry of its own."""
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure
    from caseaudit.imports.profiles import ensure_builtin_profiles
    from caseaudit.imports.services.runs import run_import

    from .imports.files import LCS_HEADINGS, csv_bytes, lcs_row

    tool, _ = standard_tools_ensure()
    audit = audit_open(
        child=council.children["own"], auditor=council["auditor"], tool_version=tool.current_version, due_on=None
    )
    ensure_builtin_profiles()
    data = csv_bytes(LCS_HEADINGS, [lcs_row("IMPORTED-1"), lcs_row("IMPORTED-2")])
    assert run_import("cases", data, filename="x.csv", actor=council["qa_admin"], commit=True).committed
    assert audit.judgements.exists() and Child.objects.filter(case_id__startswith="IMPORTED-").count() == 2
    out = verify()
    assert "OK: all " in out and "records of audited models have their creation entry" in out


def test_a_part_is_reported_when_its_parent_has_no_creation_entry_either(council):
    from auditlog.context import disable_auditlog

    from caseaudit.audits.models import Audit, SectionJudgement
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure

    version = standard_tools_ensure()[0].current_version
    with disable_auditlog():
        audit = audit_open(child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None)
    judgements = list(SectionJudgement.objects.filter(audit=audit).order_by("pk").values_list("pk", flat=True))
    with pytest.raises(CommandError) as refused:
        verify()
    assert f"audits.Audit {audit.pk}" in str(refused.value)
    assert f"audits.SectionJudgement {judgements[0]}-{judgements[-1]}" in str(refused.value)
    assert Audit.objects.count() == 1


def test_primary_keys_are_listed_as_ranges():
    from caseaudit.trail.coverage import pk_ranges

    assert pk_ranges([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10"
    assert pk_ranges([5]) == "5" and pk_ranges([]) == ""
