"""Records written in bulk, named in one change-history entry at the end (decision 0082).

Every entry takes the chain's lock (`chain.lock_chain`) until its transaction ends, so a long
transaction that wrote an entry per record held every other save in the council from its first
record to its commit: a historic import of 20,000 rows froze saves for 90 seconds (issue 43).
Inside `recorded_in_bulk()`, in the caller's transaction:

- a record's creation entry is not written: the record is named (model and primary key) in the
  block's one summary entry instead; code that writes rows past the ORM (`bulk_create`, COPY)
  names them with `BulkWrite.add()`;
- every other entry (a change to a record that was there before, for instance) is kept in memory;
- when the block ends, the summary and then the kept entries are appended to the chain, so the
  lock is taken just before the commit and held for milliseconds.

If anything fails the block appends nothing, and the caller's transaction rolls back the records
with it. `verify_audit_trail` counts a record named in a summary as recorded (`coverage.py`).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.cid import get_cid
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Exists, Max, Model, OuterRef

from .models import TrailEntry

KEY = "recorded_in_bulk"  # additional_data[KEY]: {model label: [[first pk, last pk], ...]}
_INTEGER_KEYS = ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField")
_active: ContextVar[BulkWrite | None] = ContextVar("trail_bulk_write", default=None)


def spans(pks: Iterable[int]) -> list[list[int]]:
    """[1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    result: list[list[int]] = []
    for pk in sorted(set(pks)):
        if result and pk == result[-1][1] + 1:
            result[-1][1] = pk
        else:
            result.append([pk, pk])
    return result


def _integer_key(model: type[Model]) -> bool:
    return model._meta.pk.get_internal_type() in _INTEGER_KEYS


class BulkWrite:
    def __init__(self, description: str, actor) -> None:
        self.description = description
        self.details: dict = {}
        self.actor = actor
        self._named: dict[str, set[int]] = {}
        self._kept: list[tuple[TrailEntry, tuple, dict]] = []
        self._since: dict[type[Model], int] = {}

    def add(self, model: type[Model], pks: Iterable[int | None]) -> None:
        """Name records this block wrote past the ORM's save (bulk_create, COPY)."""
        named = self._named.setdefault(model._meta.label, set())
        for pk in pks:
            if pk is None:  # bulk_create(ignore_conflicts=True) returns no keys: use sweep instead
                raise ValueError(f"A {model._meta.label} written in bulk has no primary key to name")
            named.add(pk)

    def describe(self, description: str, **details) -> None:
        """Say what wrote the records once that is known (an import's run exists only at its end)."""
        self.description = description
        self.details.update(details)

    @property
    def named(self) -> dict[str, list[list[int]]]:
        return {label: spans(pks) for label, pks in sorted(self._named.items()) if pks}

    def _start_sweep(self) -> None:
        for model in auditlog.get_models():
            if _integer_key(model):
                self._since[model] = model._default_manager.aggregate(top=Max("pk"))["top"] or 0

    def _sweep(self) -> None:
        """Every record of an audited model added since the block began that has no creation entry.

        For a writer that runs alone (the demo seed): with others saving at the same time it would also
        name what they wrote in bulk themselves (an audit's judgements), so imports name theirs with add()."""
        for model, since in self._since.items():
            creations = TrailEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                action=TrailEntry.Action.CREATE,
                object_id=OuterRef("pk"),
            )
            new = model._default_manager.filter(pk__gt=since).exclude(Exists(creations))
            self.add(model, new.values_list("pk", flat=True))

    def _keep(self, entry: TrailEntry, args: tuple, kwargs: dict) -> None:
        self._kept.append((entry, args, kwargs))

    def _append(self) -> None:
        named = self.named
        if named:
            counts = "; ".join(f"{label} {sum(b - a + 1 for a, b in ranges):,}" for label, ranges in named.items())
            TrailEntry.objects.create(
                content_type=ContentType.objects.get_for_model(TrailEntry),
                object_pk="",
                object_id=None,
                object_repr=self.description[:200],
                action=TrailEntry.Action.CREATE,
                changes_text=f"Created in bulk: {counts}",
                actor=self.actor,
                actor_email=getattr(self.actor, "email", None),
                cid=get_cid(),
                additional_data={**self.details, KEY: named},
            )
        for entry, args, kwargs in self._kept:
            entry.save(*args, **kwargs)


@contextmanager
def recorded_in_bulk(description: str, *, actor=None, sweep: bool = False) -> Iterator[BulkWrite]:
    """Inside the caller's transaction, which must commit straight after the block: the lock taken
    when the block ends is held until then. `sweep` also names every record added without an entry
    (see BulkWrite._sweep: only for a writer that runs alone)."""
    if not connections[router.db_for_write(TrailEntry)].in_atomic_block:
        raise RuntimeError("recorded_in_bulk() needs a transaction: the summary must commit with the records")
    if _active.get() is not None:
        raise RuntimeError("recorded_in_bulk() is already active: one summary entry per bulk write")
    bulk = BulkWrite(description, actor)
    if sweep:
        bulk._start_sweep()
    token = _active.set(bulk)
    try:
        yield bulk
        if sweep:
            bulk._sweep()
    finally:
        _active.reset(token)
    bulk._append()


def keep_for_later(entry: TrailEntry, args: tuple, kwargs: dict) -> bool:
    """TrailEntry.save(): inside a bulk write, an entry waits for the block's end (True)."""
    bulk = _active.get()
    if bulk is None:
        return False
    bulk._keep(entry, args, kwargs)
    return True


def _name_instead_of_logging(sender, instance, action, **kwargs) -> bool | None:
    """auditlog's pre_log: inside a bulk write, a creation is named, not logged (False skips the entry)."""
    bulk = _active.get()
    if bulk is None or action != TrailEntry.Action.CREATE or not isinstance(instance.pk, int):
        return None
    bulk.add(sender, [instance.pk])
    return False


pre_log.connect(_name_instead_of_logging, dispatch_uid="trail-bulk-name-creations")


class Named:
    """The records every summary entry names, by model label, for coverage checks."""

    def __init__(self) -> None:
        self._spans: dict[str, list[tuple[int, int]]] = {}

    @classmethod
    def from_history(cls) -> Named:
        named = cls()
        summaries = TrailEntry.objects.filter(content_type=ContentType.objects.get_for_model(TrailEntry))
        for data in summaries.values_list("additional_data", flat=True).iterator(chunk_size=100):
            if isinstance(data, str):
                data = json.loads(data)
            for label, ranges in ((data or {}).get(KEY) or {}).items():
                named._spans.setdefault(label, []).extend((int(a), int(b)) for a, b in ranges)
        for label, ranges in named._spans.items():
            merged: list[tuple[int, int]] = []
            for first, last in sorted(ranges):
                if merged and first <= merged[-1][1] + 1:
                    merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
                else:
                    merged.append((first, last))
            named._spans[label] = merged
        return named

    def covers(self, label: str, pk) -> bool:
        ranges = self._spans.get(label)
        if not ranges or not isinstance(pk, int):
            return False
        at = bisect.bisect_right(ranges, (pk, float("inf"))) - 1
        return at >= 0 and ranges[at][0] <= pk <= ranges[at][1]
