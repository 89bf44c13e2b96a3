"""Keeping what a committed import changed: the run, one row per record, and a digest in the trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.utils import timezone

from ..models import ImportChange, ImportRun, RunStatus
from ..tables import ImportResult
from .fastwrite import insert_rows

# The run keeps the first references of each kind for its page; the ImportChange rows keep them all.
KEPT_REFS = 200


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
    planned: Iterable[tuple[str, str, int | None, dict]],
    actor,
    filename: str,
    sha256: str,
    run: ImportRun | None = None,
) -> ImportRun:
    """Inside the import's transaction: the run and its change rows commit with the data or not at all.

    `planned` is (action, reference, object id, changes) per row; unchanged rows are not kept. Rows
    created with `changes` None (a case extract's new children, whose values are the rows as first
    stored) are kept as one change listing them all: a row each would be most of a large import's time."""
    if run is None:
        run = ImportRun(kind=result.kind, filename=filename or "(no file name)", sha256=sha256, created_by=actor)
    run.save()  # the change rows need its id
    digest = hashlib.sha256()

    created: list[tuple[str, int | None]] = []

    def rows():
        for action, ref, object_id, changes in planned:
            if action == "unchanged":
                continue
            if changes is None:
                created.append((ref, object_id))
                digest.update(f"{action}\t{ref}\t{object_id}\n".encode())
                continue
            encoded = json.dumps(changes, sort_keys=True, default=str, separators=(",", ":"))
            digest.update(f"{action}\t{ref}\t{object_id}\t{encoded}\n".encode())
            yield (run.pk, action, ref, object_id, encoded)
        if created:
            yield (run.pk, "created", f"{len(created)} records", None, json.dumps({"created": created}))

    insert_rows(ImportChange._meta.db_table, ["run_id", "action", "ref", "object_id", "changes"], rows())
    run.total_rows = result.total_rows
    run.checked_rows = result.total_rows
    run.status = RunStatus.COMMITTED
    run.committed_at = timezone.now()
    run.changes_digest = digest.hexdigest()
    result.run_id = run.pk
    run.result = summary(result)
    run.save()
    return run
