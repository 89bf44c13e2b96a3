"""No import stuck for ever (issue 43, point 4): a run whose process died is noticed and marked failed.

The process running a web import writes a heartbeat; a run still "checking" or "importing" with no heartbeat
for two minutes is failed with a plain reason when the imports page or its own page is opened, or by
`run_scheduled`, and its upload (children's data) is deleted. The first test really kills the process:
a child process commits a checked run and is SIGKILLed inside the import's transaction.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from caseaudit.imports.models import ImportRun
from caseaudit.imports.services import runs
from caseaudit.organisation.models import Child

from .files import LCS_HEADINGS, csv_bytes, lcs_row

ROOT = Path(__file__).resolve().parents[2]

# The child process: the test database and uploads folder of this one, then the web commit of one run. It
# says when the import's rows are written (inside its transaction, not committed) and waits to be killed.
CHILD = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "caseaudit.settings.test"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["STUCK_DB_NAME"]
settings.MEDIA_ROOT = os.environ["STUCK_MEDIA_ROOT"]
import django
django.setup()
from django.db.models.signals import post_save
from caseaudit.imports.models import ImportRun
from caseaudit.imports.services import runs

def inside(sender, instance, **kwargs):
    if instance.status == "committed":  # record_run, inside the import's transaction
        print("inside the import's transaction", flush=True)
        time.sleep(600)

post_save.connect(inside, sender=ImportRun, weak=False)
runs.commit(run_id=int(sys.argv[1]), actor=None)
print("finished", flush=True)
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
def test_a_killed_import_is_failed_its_upload_deleted_and_the_file_imports_again(qa, council, time_machine):
    data = csv_bytes(LCS_HEADINGS, [lcs_row(f"STUCK{n:04d}") for n in range(300)])
    upload(qa, data)
    run = ImportRun.objects.get()
    assert run.status == "checked" and default_storage.exists(run.stored_file)
    stored = run.stored_file

    env = {
        **os.environ,
        "STUCK_DB_NAME": str(connection.settings_dict["NAME"]),
        "STUCK_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", textwrap.dedent(CHILD), str(run.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "inside the import's transaction", child.stderr.read()
        child.send_signal(signal.SIGKILL)  # as the OOM killer or a power cut would: no clean-up runs
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    time.sleep(0.5)  # PostgreSQL ends the dead backend's transaction when it sees the socket close

    run.refresh_from_db()
    assert run.status == "committing" and not Child.objects.filter(case_id__startswith="STUCK").exists()
    # Within two minutes of its last heartbeat the run may still be working: it is shown importing.
    body = page(qa, f"/imports/runs/{run.pk}/")
    assert "Importing: the rows are being written" in body and 'http-equiv="refresh"' in body

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2, seconds=5), tick=True)
    body = page(qa, f"/imports/runs/{run.pk}/")
    run.refresh_from_db()
    assert run.status == "failed"
    assert "Failed" in body and "This import stopped without finishing" in body
    assert "Nothing from the file was written, and the uploaded file was deleted" in body
    assert 'http-equiv="refresh"' not in body  # the page stops refreshing
    assert run.stored_file == "" and not default_storage.exists(stored)
    assert "Upload the file again" in body
    # Cancel is not refused: there is nothing left to cancel.
    response = qa.post(f"/imports/runs/{run.pk}/cancel", follow=True)
    assert "This import had already stopped" in response.content.decode()
    assert ImportRun.objects.get(pk=run.pk).status == "failed"

    # A new import of the same file starts, and commits.
    upload(qa, data)
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert again.status == "checked"
    qa.post(f"/imports/runs/{again.pk}/commit")
    again.refresh_from_db()
    assert again.status == "committed"
    assert Child.objects.filter(case_id__startswith="STUCK").count() == 300


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
