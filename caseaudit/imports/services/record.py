"""Keeping what a committed import changed: the run, one row per record, and a digest in the trail."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from ..models import ImportChange, ImportRun, RunStatus
from ..tables import ImportResult

# The run keeps the first references of each kind for its page; the ImportChange rows keep them all.
KEPT_REFS = 200


def changes_digest(planned: list[tuple[str, str, int | None, dict]]) -> str:
    payload = json.dumps(planned, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def summary(result: ImportResult) -> dict:
    data = result.to_dict()
    data["changes"] = {action: refs[:KEPT_REFS] for action, refs in result.changes.items()}
    data["warnings"] = data["warnings"][:KEPT_REFS]
    data["error_count"] = len(result.errors)
    data["warning_count"] = len(result.warnings)
    data["errors"] = data["errors"][:1000]
    return data


def record_run(
    *,
    result: ImportResult,
    planned: list[tuple[str, str, int | None, dict]],
    actor,
    filename: str,
    sha256: str,
    run: ImportRun | None = None,
) -> ImportRun:
    """Inside the import's transaction: the run and its change rows commit with the data or not at all."""
    if run is None:
        run = ImportRun(kind=result.kind, filename=filename or "(no file name)", sha256=sha256, created_by=actor)
    run.total_rows = result.total_rows
    run.checked_rows = result.total_rows
    run.status = RunStatus.COMMITTED
    run.committed_at = timezone.now()
    written = [change for change in planned if change[0] != "unchanged"]
    run.changes_digest = changes_digest(written)
    run.result = summary(result)
    run.save()
    result.run_id = run.pk
    ImportChange.objects.bulk_create(
        [
            ImportChange(run=run, action=action, ref=ref, object_id=object_id, changes=changes)
            for action, ref, object_id, changes in written
        ],
        batch_size=2000,
    )
    return run
