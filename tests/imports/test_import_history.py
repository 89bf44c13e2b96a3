"""An import's change history is one summary entry, appended as its transaction ends (decision 0082):
the records it made are named in it, and saves elsewhere in the council are not held up meanwhile."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from caseaudit.audits.models import Activity, ActivityKind, Audit, Programme, SectionJudgement
from caseaudit.audits.services import lifecycle
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.imports.models import ImportRun
from caseaudit.imports.services.runs import run_import
from caseaudit.organisation.models import Child, ServiceArea, Team
from caseaudit.trail.bulk import KEY
from caseaudit.trail.models import TrailEntry

from .files import LCS_HEADINGS, csv_bytes, lcs_row
from .test_historic_import import HEAD, rows

pytestmark = pytest.mark.django_db


def summaries() -> list[TrailEntry]:
    return list(TrailEntry.objects.filter(object_pk="", additional_data__has_key=KEY).order_by("sequence"))


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    return out.getvalue()


def pks(queryset) -> list[list[int]]:
    """The primary keys as the summary lists them: [[first, last], ...]."""
    spans: list[list[int]] = []
    for pk in queryset.order_by("pk").values_list("pk", flat=True):
        if spans and pk == spans[-1][1] + 1:
            spans[-1][1] = pk
        else:
            spans.append([pk, pk])
    return spans


def test_a_historic_import_is_one_summary_entry_naming_every_record_it_made(council):
    standard_tools_ensure()  # the standard tool, made once through its service with entries of its own
    before = TrailEntry.objects.count()
    result = run_import(
        "audits", csv_bytes(HEAD, rows(council)), filename="h.csv", actor=council["qa_admin"], commit=True
    )
    assert result.committed
    [summary] = summaries()
    run = ImportRun.objects.get()
    imported = Audit.objects.filter(imported=True)
    assert summary.additional_data == {
        "import_run": run.pk,
        KEY: {
            "audits.Activity": pks(Activity.objects.filter(audit__in=imported)),
            "audits.Audit": pks(imported),
            "audits.Programme": pks(Programme.objects.all()),
            "audits.SectionJudgement": pks(SectionJudgement.objects.filter(audit__in=imported)),
            "imports.ImportRun": [[run.pk, run.pk]],
            "organisation.Child": pks(Child.objects.filter(case_id="NEW-9")),
            "organisation.ServiceArea": pks(ServiceArea.objects.filter(name="East")),
            "organisation.Team": pks(Team.objects.filter(name="Team E")),
        },
    }
    assert summary.object_repr == f"Historic audit import, run {run.pk} (h.csv)"
    assert summary.actor == council["qa_admin"] and summary.action == TrailEntry.Action.CREATE
    assert summary.changes_text.startswith("Created in bulk: audits.Activity 8; audits.Audit 5;")
    # No entry per record: the summary, then the run's finishing change (status and the digest of its rows).
    added = list(TrailEntry.objects.filter(sequence__gt=before).order_by("sequence"))
    assert [(e.content_type.model, e.action) for e in added] == [("trailentry", 0), ("importrun", 1)]
    assert added[1].changes["changes_digest"][1] == run.changes_digest
    assert verify().startswith(f"OK: {before + 2} entries verified")


def test_a_case_import_names_the_children_and_team_it_created(council):
    data = csv_bytes(LCS_HEADINGS, [lcs_row("NEW-1", team="Team Z"), lcs_row("NEW-2"), lcs_row("NEW-3")])
    assert run_import("cases", data, filename="e.csv", actor=None, commit=True).committed
    [summary] = summaries()
    named = summary.additional_data[KEY]
    assert named["organisation.Child"] == pks(Child.objects.filter(case_id__startswith="NEW-"))
    assert named["organisation.Team"] == pks(Team.objects.filter(name="Team Z"))
    assert "OK: all" in verify()


def test_widening_a_summary_to_hide_a_record_breaks_the_chain(council):
    """The names are hashed into the chain: editing them to cover a record inserted around the
    history is caught as tampering."""
    from django.core.management.base import CommandError

    run_import("audits", csv_bytes(HEAD, rows(council)[:1]), filename="h.csv", actor=None, commit=True)
    [summary] = summaries()
    data = summary.additional_data
    data[KEY]["organisation.Child"] = [[1, 10**9]]
    TrailEntry.objects.filter(pk=summary.pk).update(additional_data=data)  # as an attacker with the database would
    with pytest.raises(CommandError, match=f"Entry #{summary.sequence} was altered"):
        verify()


def test_an_import_that_fails_leaves_no_summary(council):
    data = csv_bytes(HEAD, rows(council))

    def stop(done, total, phase="checking"):
        if phase == "writing" and done == 3:
            raise RuntimeError("the process died")

    with pytest.raises(RuntimeError):
        run_import("audits", data, filename="h.csv", actor=None, commit=True, progress=stop)
    assert not summaries() and not Audit.objects.exists() and not ImportRun.objects.exists()


# Saves during an import. On PostgreSQL the change history's lock is an advisory lock that the import
# now takes only as it ends. On SQLite a writer locks the whole database until it commits, so any
# other save waits for the import whatever the history does: the property is PostgreSQL's.


@pytest.mark.django_db(transaction=True)
def test_a_save_made_while_an_import_is_writing_is_not_held_up(council):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite locks the whole database for one writer's transaction: any save waits for a running import "
            "whatever the change history does. Councils run PostgreSQL, where this holds."
        )
    version = standard_tools_ensure()[0].current_version
    audit = lifecycle.audit_open(
        child=council.children["colleagues"], auditor=council["auditor"], tool_version=version, due_on=None
    )
    writing, resume = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold_open(done, total, phase="checking"):
        if phase == "writing" and done == 2:  # two audits written, their history due, the transaction open
            writing.set()
            resume.wait(timeout=60)

    def import_in_thread():
        try:
            data = csv_bytes(HEAD, rows(council))
            outcome["import"] = run_import(
                "audits", data, filename="h.csv", actor=None, commit=True, open_plans=True, progress=hold_open
            )
        finally:
            connections.close_all()

    def save_in_thread():
        try:
            started = time.perf_counter()
            outcome["activity"] = lifecycle.activity_record(
                audit=Audit.objects.get(pk=audit.pk),
                by=council["auditor"],
                kind=ActivityKind.PRACTITIONER,
                happened_on=timezone.localdate(),
                notes="Talked to the worker during the import",
            )
            outcome["seconds"] = time.perf_counter() - started
        finally:
            connections.close_all()

    importer = threading.Thread(target=import_in_thread)
    importer.start()
    try:
        assert writing.wait(timeout=60), "the import never reached its writing"
        assert not Audit.objects.filter(imported=True).exists()  # written, not committed: the transaction is open
        saver = threading.Thread(target=save_in_thread)
        saver.start()
        saver.join(timeout=10)
        still_waiting = saver.is_alive()
        assert not Audit.objects.filter(imported=True).exists(), "the import committed before the save was timed"
    finally:
        resume.set()
        importer.join(timeout=120)
    saver.join(timeout=120)
    assert not still_waiting, "the save waited for the import's transaction"
    assert outcome["seconds"] < 1.0, f"the save took {outcome['seconds']:.2f} s during the import"
    assert outcome["import"].committed
    # Both are in the chain: the save's creation entry first, then the import's summary as it committed.
    saved = TrailEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Activity), object_id=outcome["activity"].pk, action=0
    )
    [summary] = summaries()
    assert saved.sequence < summary.sequence
    assert verify().startswith("OK")
