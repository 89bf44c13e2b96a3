"""An import from the web page: upload, dry run with progress, then commit or cancel.

The upload waits in storage between the dry run and the commit, so the commit
imports exactly the file that was checked (its SHA-256 is compared). A long
file is checked by a task (caseaudit/imports/tasks.py, run by a worker) while the run's page refreshes
itself to show progress, which needs no JavaScript. The task is enqueued in the transaction that creates or
claims the run, so a run never waits for a task that was not queued.

The process doing the check or the commit writes a heartbeat every few seconds. A run still "checking"
or "importing" whose heartbeat has stopped for CASEAUDIT_IMPORT_STALE_SECONDS (two minutes) lost its
process (a restart, a crash, the machine killed it): `fail_stale` marks it failed, deletes its upload and
lets a new import start, unless its task is still queued or running: a task whose worker died is put back
in the queue (caseaudit/tasks/recovery.py) and the import then runs once, from the start (it is one
transaction, so the dead worker wrote nothing). `fail_stale` runs when the imports page or a run's page is
opened and every 15 minutes in the workers' schedule.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, OperationalError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import ImportKind, ImportRun, MappingProfile, RunStatus
from ..readers import ImportFileError, check_size, read_table
from ..tables import ImportResult
from .cases import import_case_extract
from .historic import import_historic_audits
from .record import summary

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 5000
IN_PROGRESS = (RunStatus.CHECKING, RunStatus.COMMITTING)
STOPPED = (
    "This import stopped without finishing: the process running it ended (perhaps the server restarted). "
    "Nothing from the file was written, and the uploaded file was deleted. Upload the file again to import it."
)
CONCURRENT = (
    "Another import wrote some of the same records while this one was running, so nothing from this file was "
    "written. Upload it again: the records the other import wrote are then left as they are."
)


class RunStateError(Exception):
    """The run is not in a state that allows this (already committed, cancelled, still checking)."""


def run_import(
    kind: str,
    data: bytes,
    *,
    filename: str,
    actor,
    commit: bool,
    profile=None,
    open_plans=False,
    run=None,
    progress=None,
) -> ImportResult:
    """Read the file and run the import service for its kind: the one entry point for pages, commands and the API."""
    table = read_table(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    common = {
        "actor": actor,
        "commit": commit,
        "filename": filename,
        "sha256": sha256,
        "run": run,
        "progress": progress,
    }
    if kind == ImportKind.CASES:
        result = import_case_extract(table, profile=profile, **common)
        if result.committed:
            # The new extract is what plans are compared with: compare at once, not at the next scheduled run.
            from .reconcile import reconcile

            found = reconcile()
            if found.new:
                result.created_around["differences with improvement plans (see Reconciliation)"] = [str(found.new)]
        return result
    return import_historic_audits(table, open_plans=open_plans, **common)


def start(*, kind: str, upload, actor, profile: MappingProfile | None = None, open_plans: bool = False) -> ImportRun:
    """Keep the upload and start its dry run. Raises ImportFileError for a file too large to take."""
    check_size(upload.size)
    data = upload.read()
    suffix = Path(upload.name).suffix.lower()[:8]
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", ContentFile(data))
    # The run, its history entry and its task in one transaction; not the check, which may take minutes.
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            filename=Path(upload.name).name[:255],
            stored_file=stored,
            sha256=hashlib.sha256(data).hexdigest(),
            profile=profile,
            open_plans=open_plans,
            created_by=actor,
            heartbeat_at=timezone.now(),
        )
        _enqueue("check", run.pk)
    run.refresh_from_db()
    return run


def _enqueue(job: str, run_id: int) -> None:
    """Queue the run's check or commit in the caller's transaction, and note the task on the run."""
    from ..tasks import import_check, import_commit

    result = (import_check if job == "check" else import_commit).enqueue(run_id)
    # update(): which task carries the run is not a change anyone needs in the history.
    ImportRun.objects.filter(pk=run_id).update(task_id=str(result.id))


# The task's job, and the status a run must still have for it to be done (not yet done by an earlier try).
JOBS = {"check": RunStatus.CHECKING, "commit": RunStatus.COMMITTING}


def run_task(job: str, run_id: int) -> str:
    """The check or commit of one run, as its task runs it: idempotent, so a task run again does nothing twice.

    A commit is one transaction that also marks the run committed: a worker that died inside it wrote
    nothing and the run is still "importing" (so it is imported now); one that died after it left the run
    "imported" (so nothing is done)."""
    status = ImportRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status != JOBS[job]:
        return f"Nothing to do: import run {run_id} is {status or 'gone'}."
    _run_or_fail(_check if job == "check" else _commit, run_id)
    return f"Import run {run_id} is {ImportRun.objects.get(pk=run_id).get_status_display().lower()}."


def _run_or_fail(job, run_id: int) -> None:
    try:
        with Heartbeat(run_id):
            job(run_id)
    except (IntegrityError, connections["default"].Database.IntegrityError):  # type: ignore[attr-defined]
        # Two runs of one file committed at once: the import is one transaction, so this one wrote nothing.
        log.warning("Import run %s met another import's records", run_id)
        _fail(run_id, CONCURRENT)
    except Exception:
        log.exception("Import run %s failed", run_id)
        _fail(run_id, "CaseAudit could not finish this import: nothing was written, and the uploaded file was deleted.")
        raise  # the task ends failed, so the tasks page shows it and the QA administrators hear of it


class Heartbeat:
    """While the block runs, a thread of its own writes the run's heartbeat every few seconds.

    A thread, not the import's progress: a commit writes in one transaction for minutes with no progress
    to report, and a write inside that transaction would be invisible to everyone else until it ends. The
    beat is the process saying it is alive; it stops when the process dies, which is what `fail_stale` looks
    for. A beat that cannot be written (SQLite, while the import holds the database) is tried again."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"import-heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        beat(self.run_id)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.CASEAUDIT_IMPORT_HEARTBEAT_SECONDS):
                try:
                    beat(self.run_id)
                except DatabaseError as exc:
                    log.info("Import run %s: heartbeat not written (%s); trying again", self.run_id, exc)
        finally:
            connections.close_all()  # this thread's own connection


def beat(run_id: int) -> None:
    # update(): a heartbeat is not a change anyone needs in the history.
    ImportRun.objects.filter(pk=run_id, status__in=IN_PROGRESS).update(heartbeat_at=timezone.now())


def fail_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Mark failed every run in progress whose process has stopped beating, delete its upload; their ids.

    Each is locked and checked again before it is changed, skipping one whose row is locked (a commit is
    writing it, so its process is alive). On SQLite a run cannot be changed while an import holds the
    database: it is left for the next look. The run's change and its history entry are one transaction."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CASEAUDIT_IMPORT_STALE_SECONDS)
    stale = Q(status__in=IN_PROGRESS) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    )
    # A run whose task is still queued or running (put back after its worker died) is not stopped: it will run.
    stale &= ~Q(task_id__in=_live_task_ids())
    failed = []
    for run_id in ImportRun.objects.filter(stale).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                run = ImportRun.objects.select_for_update(skip_locked=True).filter(stale, pk=run_id).first()
                if run is None:
                    continue
                log.warning("Import run %s stopped without finishing (last heartbeat %s)", run_id, run.heartbeat_at)
                _finish(run, RunStatus.FAILED, problem=STOPPED)
        except OperationalError as exc:
            if "locked" not in str(exc):  # SQLite, while an import holds the database; anything else is a fault
                raise
            log.info("Import run %s looks stopped but could not be marked now (%s)", run_id, exc)
            continue
        failed.append(run_id)
    return failed


def _live_task_ids() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    in_progress = ImportRun.objects.filter(status__in=IN_PROGRESS).exclude(task_id="").values_list("task_id", flat=True)
    # Only the database backend's ids are UUIDs; a run enqueued by another backend (the immediate one, in tests,
    # names its tasks otherwise) has no row to look up.
    ids = [task_id for task_id in in_progress if _is_uuid(task_id)]
    if not ids:
        return []
    live = DBTaskResult.objects.filter(id__in=ids, status__in=["READY", "RUNNING"]).values_list("id", flat=True)
    return [str(task_id) for task_id in live]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _fail(run_id: int, problem: str) -> None:
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        _finish(run, RunStatus.FAILED, problem=problem)


def _progress(run_id: int):
    def report(done: int, total: int, phase: str = "checking") -> None:
        if done % PROGRESS_EVERY_ROWS == 0 or done == total:
            # update(): progress is not a change anyone needs in the history.
            ImportRun.objects.filter(pk=run_id).update(checked_rows=done, total_rows=total, heartbeat_at=timezone.now())

    return report


def _data(run: ImportRun) -> bytes:
    with default_storage.open(run.stored_file, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != run.sha256:
        raise ImportFileError("The stored upload no longer matches the file that was checked: upload it again")
    return data


def _rerun(stored: ImportRun, *, commit: bool, **extra) -> ImportResult | None:
    """Run the import on the run's stored file; None (and the run rejected) when the file cannot be read."""
    try:
        return run_import(
            stored.kind,
            _data(stored),
            filename=stored.filename,
            actor=stored.created_by,
            commit=commit,
            profile=stored.profile,
            open_plans=stored.open_plans,
            **extra,
        )
    except ImportFileError as exc:
        _finish(stored, RunStatus.REJECTED, problem=str(exc))
        return None


def _check(run_id: int) -> None:
    run = ImportRun.objects.select_related("profile", "created_by").get(pk=run_id)
    result = _rerun(run, commit=False, progress=_progress(run.pk))
    if result is None:
        return
    run.total_rows = run.checked_rows = result.total_rows
    run.result = summary(result)
    _finish(run, RunStatus.CHECKED if result.ok else RunStatus.REJECTED)


def _finish(run: ImportRun, status: str, problem: str = "") -> None:
    run.status = status
    run.problem = problem
    if status != RunStatus.CHECKED and run.stored_file:
        # The upload names children: kept only while a checked run waits to be imported or cancelled.
        default_storage.delete(run.stored_file)
        run.stored_file = ""
    with transaction.atomic():
        run.save()


@transaction.atomic
def _claim(run_id: int, allowed: tuple[str, ...], to: str) -> ImportRun:
    run = ImportRun.objects.select_for_update().get(pk=run_id)
    if run.status not in allowed:
        raise RunStateError(f"This import is {run.get_status_display().lower()}: it cannot be changed now")
    run.status = to
    run.save(update_fields=["status", "updated_at"])
    return run


def commit(*, run_id: int, actor) -> ImportRun:
    """Import the checked file. The rows are checked again: the data may have changed since the dry run."""
    with transaction.atomic():
        run = _claim(run_id, (RunStatus.CHECKED,), RunStatus.COMMITTING)
        beat(run.pk)  # from now: a run not yet started by its worker is not stale
        _enqueue("commit", run.pk)
    run.refresh_from_db()
    return run


def _commit(run_id: int) -> None:
    run = ImportRun.objects.select_related("profile", "created_by").get(pk=run_id)
    result = _rerun(run, commit=True, run=run)
    if result is None:
        return
    run.refresh_from_db()
    if not result.committed:
        run.result = summary(result)
        _finish(run, RunStatus.REJECTED, problem="The data changed since the dry run and some rows no longer fit.")
        return
    _finish(run, RunStatus.COMMITTED)


def cancel(*, run_id: int) -> ImportRun:
    """Cancel a checked or rejected run and delete its upload. A run that stopped (failed) has nothing
    left to cancel: its upload is already gone, so cancelling it changes nothing and is not refused."""
    fail_stale()
    failed = ImportRun.objects.filter(pk=run_id, status=RunStatus.FAILED).first()
    if failed is not None:
        return failed
    run = _claim(run_id, (RunStatus.CHECKED, RunStatus.REJECTED), RunStatus.CANCELLED)
    _finish(run, RunStatus.CANCELLED)
    return run
