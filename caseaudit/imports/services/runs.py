"""An import from the web page: upload, dry run with progress, then commit or cancel.

The upload waits in storage between the dry run and the commit, so the commit
imports exactly the file that was checked (its SHA-256 is compared). A long
file is checked in a background thread while the run's page refreshes itself
to show progress, which needs no JavaScript.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from caseaudit.web.background import after_commit_in_thread

from ..models import ImportKind, ImportRun, MappingProfile, RunStatus
from ..readers import ImportFileError, check_size, read_table
from ..tables import ImportResult
from .cases import import_case_extract
from .historic import import_historic_audits
from .record import summary

log = logging.getLogger(__name__)
PROGRESS_EVERY_ROWS = 5000


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
    # The run and its history entry in one transaction; not the check, which may take minutes.
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            filename=Path(upload.name).name[:255],
            stored_file=stored,
            sha256=hashlib.sha256(data).hexdigest(),
            profile=profile,
            open_plans=open_plans,
            created_by=actor,
        )
    _schedule(_check, run.pk)
    return run


def _schedule(job, run_id: int) -> None:
    if settings.CASEAUDIT_IMPORT_IN_BACKGROUND:
        after_commit_in_thread(_run_or_fail, job, run_id, name=f"import-run-{run_id}")
    else:
        job(run_id)


def _run_or_fail(job, run_id: int) -> None:
    try:
        job(run_id)
    except Exception:
        log.exception("Import run %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, problem="CaseAudit could not finish this import: nothing was written."
        )


def _progress(run_id: int):
    def report(done: int, total: int, phase: str = "checking") -> None:
        if done % PROGRESS_EVERY_ROWS == 0 or done == total:
            # update(): progress is not a change anyone needs in the history.
            ImportRun.objects.filter(pk=run_id).update(checked_rows=done, total_rows=total)

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
    if status in (RunStatus.REJECTED, RunStatus.CANCELLED, RunStatus.COMMITTED) and run.stored_file:
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
    run = _claim(run_id, (RunStatus.CHECKED,), RunStatus.COMMITTING)
    _schedule(_commit, run.pk)
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
    run = _claim(run_id, (RunStatus.CHECKED, RunStatus.REJECTED), RunStatus.CANCELLED)
    _finish(run, RunStatus.CANCELLED)
    return run
