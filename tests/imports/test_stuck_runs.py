"""No import stuck for ever (issue 43, point 4): a run whose process died is noticed and marked failed.

The process running a web import writes a heartbeat; a run still "checking" or "importing" with no heartbeat
for two minutes is failed with a plain reason when the imports page or its own page is opened, or by
`run_scheduled`, and its upload (children's data) is deleted, unless its task is still queued or running.
The first test really kills a worker (issue 34): it is SIGKILLed inside the import's transaction, and a new
worker puts the task back in the queue and imports the file exactly once.
"""

from __future__ import annotations

import datetime
import signal
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caseaudit.imports.models import ImportRun
from caseaudit.imports.services import runs
from caseaudit.organisation.models import Child

from ..tasks.worker import database_tasks, start_worker
from .files import LCS_HEADINGS, csv_bytes, lcs_row

# Preludes for a worker process (tests/tasks/worker.py): one that dies inside the import's transaction, one that
# takes a worker silent for a second as dead.
DIES_INSIDE_THE_IMPORT = """
import time
from django.db.models.signals import post_save
from django_tasks_db.models import DBTaskResult

from caseaudit.imports.models import ImportRun

def inside(sender, instance, **kwargs):
    if instance.status == "committed":  # record_run, inside the import's transaction
        print("inside the import's transaction", flush=True)
        time.sleep(600)

post_save.connect(inside, sender=ImportRun, weak=False)
"""
NOTICES_A_DEAD_WORKER_AT_ONCE = """
settings.CASEAUDIT_WORKER_LOST_SECONDS = 1
settings.CASEAUDIT_WORKER_BEAT_SECONDS = 0.2
"""


def page(client, url: str) -> str:
    return client.get(url).content.decode()


def upload(client, data: bytes):
    return client.post("/imports/cases/new", {"file": SimpleUploadedFile("extract.csv", data)})


@pytest.fixture
def qa(client, council):
    client.force_login(council["qa_admin"])
    return client


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_inside_an_import_leaves_nothing_and_a_new_worker_imports_it_once(qa, council):
    data = csv_bytes(LCS_HEADINGS, [lcs_row(f"STUCK{n:04d}") for n in range(300)])
    upload(qa, data)
    run = ImportRun.objects.get()
    assert run.status == "checked" and default_storage.exists(run.stored_file)

    with database_tasks:
        qa.post(f"/imports/runs/{run.pk}/commit")
        run.refresh_from_db()
        assert run.status == "committing" and run.task_id
        # A worker takes the commit, writes the rows inside the import's transaction, and is killed there.
        doomed = start_worker("--no-schedule", prelude=DIES_INSIDE_THE_IMPORT)
        try:
            said = []
            while not said or said[-1] not in ("inside the import's transaction", ""):
                said.append(doomed.stdout.readline().strip())  # the worker's own log lines come first
            assert said[-1] == "inside the import's transaction", said
            doomed.send_signal(signal.SIGKILL)  # as the OOM killer or a power cut would: no clean-up runs
            doomed.wait(timeout=60)
        finally:
            if doomed.poll() is None:
                doomed.kill()
            doomed.communicate(timeout=30)
        assert doomed.returncode == -signal.SIGKILL
        time.sleep(0.5)  # PostgreSQL ends the dead backend's transaction when it sees the socket close

        run.refresh_from_db()
        assert run.status == "committing" and not Child.objects.filter(case_id__startswith="STUCK").exists()
        task = DBTaskResult.objects.get(id=run.task_id)
        assert task.status == "RUNNING"
        # Its heartbeat stops, but its task is still the queue's: the run is not failed, the upload is kept.
        later = timezone.now() + datetime.timedelta(minutes=2, seconds=5)
        assert runs.fail_stale(now=later) == []
        body = page(qa, f"/imports/runs/{run.pk}/")
        assert "Importing: the rows are being written" in body and 'http-equiv="refresh"' in body

        # A new worker finds the dead one silent, puts its task back in the queue and imports the file once.
        worker = start_worker("--no-schedule", prelude=NOTICES_A_DEAD_WORKER_AT_ONCE)
        try:
            deadline = time.monotonic() + 120
            while ImportRun.objects.get(pk=run.pk).status == "committing":
                assert time.monotonic() < deadline, "the import was not taken up again"
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.communicate(timeout=30)
    run.refresh_from_db()
    task.refresh_from_db()
    assert run.status == "committed"
    assert Child.objects.filter(case_id__startswith="STUCK").count() == 300
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert DBTaskResult.objects.filter(task_path__endswith="import_commit").count() == 1
    assert run.stored_file == "" and not default_storage.exists(run.stored_file or "imports/none")


def stale_run(status: str, *, minutes_ago: float) -> ImportRun:
    stored = default_storage.save("imports/stale.csv", ContentFile(b"Person ID\nA1\n"))
    return ImportRun.objects.create(
        kind="cases",
        filename="extract.csv",
        sha256="0" * 64,
        status=status,
        stored_file=stored,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


@pytest.mark.django_db
def test_the_imports_page_notices_a_dry_run_with_no_heartbeat_for_two_minutes(qa, council):
    stopped = stale_run("checking", minutes_ago=2.5)
    working = stale_run("checking", minutes_ago=1)
    body = page(qa, "/imports/")
    stopped.refresh_from_db()
    working.refresh_from_db()
    assert stopped.status == "failed" and stopped.problem == runs.STOPPED and stopped.stored_file == ""
    assert working.status == "checking" and default_storage.exists(working.stored_file)
    assert "Failed" in body and "Checking" in body


@pytest.mark.django_db(transaction=True)
def test_run_scheduled_notices_a_stopped_import(council):
    stopped = stale_run("committing", minutes_ago=10)
    stored = stopped.stored_file
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    assert f"Import run {stopped.pk} had stopped without finishing: marked failed, upload deleted." in out.getvalue()
    stopped.refresh_from_db()
    assert stopped.status == "failed" and not default_storage.exists(stored)
    # Recorded in the change history like any other change of a run's status.
    from caseaudit.trail.models import TrailEntry

    entry = (
        TrailEntry.objects.filter(object_pk=str(stopped.pk), content_type__model="importrun")
        .order_by("sequence")
        .last()
    )
    assert entry.changes["status"] == ["committing", "failed"]


@pytest.mark.django_db(transaction=True)
@override_settings(CASEAUDIT_IMPORT_HEARTBEAT_SECONDS=0.2)
def test_a_running_import_keeps_beating_so_it_is_never_taken_for_a_stopped_one(council):
    run = stale_run("committing", minutes_ago=10)
    with runs.Heartbeat(run.pk):
        first = ImportRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(1)
        later = ImportRun.objects.get(pk=run.pk).heartbeat_at
        assert later > first > timezone.now() - datetime.timedelta(seconds=5)
        assert runs.fail_stale() == []
    assert ImportRun.objects.get(pk=run.pk).status == "committing"
