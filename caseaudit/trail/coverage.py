"""Records of audited models with no creation entry in the change history.

A record saved through a service gets its creation entry in the same transaction,
so a record without one was written around the history: a save whose history
failed before services were atomic, or a row inserted straight into the database.
A few kinds of record are written in bulk on purpose and accounted for another way;
ACCOUNTED says which and why. Everything else needs an entry of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .models import TrailEntry


def _creations(model: type[Model], pk) -> QuerySet[TrailEntry]:
    # auditlog stores an integer key in object_id as well as object_pk; object_id is indexed.
    return TrailEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=TrailEntry.Action.CREATE, object_id=pk
    )


def _part_of(parent: str, only: Q | None = None) -> Callable[[QuerySet], QuerySet]:
    """Written in bulk in the same transaction as `parent`, whose creation entry covers them."""

    def exclude(queryset: QuerySet) -> QuerySet:
        parent_model = queryset.model._meta.get_field(parent).related_model
        return queryset.exclude(Exists(_creations(parent_model, OuterRef(f"{parent}_id"))), only or Q())

    return exclude


def _seeded(only: Q | None = None) -> Callable[[QuerySet], QuerySet]:
    """Added by a data migration, before there was anyone to record (all of them when `only` is None)."""
    return lambda queryset: queryset.none() if only is None else queryset.exclude(only)


# label -> how its records without an entry of their own are accounted for (decisions 0003 and 0010).
ACCOUNTED: dict[str, Callable[[QuerySet], QuerySet]] = {
    "audits.SectionJudgement": _part_of("audit"),  # audit_open and the historic import
    "audits.ToolQuestion": _part_of("section"),  # tool_create, tool_revise
    "audits.ProgrammeQuota": _part_of("programme"),  # programme_create
    "audits.SampleEntry": _part_of("programme"),  # sample_propose
    "audits.Activity": _part_of("audit", Q(audit__imported=True)),  # a historic import's activities only
    # Written with the history off so no entry copies what was removed; the run's entry
    # and one entry per child say what went (decision 0041).
    "dataprotection.Anonymisation": _part_of("run"),
    "dataprotection.RetentionPeriod": _seeded(),  # one per legal status
    "imports.MappingProfile": _seeded(Q(builtin=True)),
}


def _children_from_case_imports() -> set[int]:
    """A case import records the children it creates in its run's change rows, whose digest
    is in the run's creation entry (decision 0010), not one entry each."""
    from caseaudit.imports.models import ImportChange, ImportKind

    ids: set[int] = set()
    rows = ImportChange.objects.filter(run__kind=ImportKind.CASES, action="created")
    for object_id, changes in rows.values_list("object_id", "changes").iterator(chunk_size=100):
        if object_id is not None:
            ids.add(object_id)
        if isinstance(changes, str):
            changes = json.loads(changes)
        ids.update(pk for _, pk in (changes or {}).get("created", []) if pk is not None)
    return ids


@dataclass(frozen=True)
class CoverageReport:
    checked: int
    unrecorded: dict[str, list]  # model label -> primary keys, in order

    @property
    def ok(self) -> bool:
        return not self.unrecorded

    @property
    def count(self) -> int:
        return sum(len(pks) for pks in self.unrecorded.values())


def unrecorded_records() -> CoverageReport:
    checked = 0
    unrecorded: dict[str, list] = {}
    for model in sorted(auditlog.get_models(), key=lambda m: m._meta.label):
        label = model._meta.label
        queryset = model._default_manager.all()
        checked += queryset.count()
        missing = queryset.exclude(Exists(_creations(model, OuterRef("pk"))))
        if label in ACCOUNTED:
            missing = ACCOUNTED[label](missing)
        pks = list(missing.order_by("pk").values_list("pk", flat=True))
        if pks and label == "organisation.Child":
            imported = _children_from_case_imports()
            pks = [pk for pk in pks if pk not in imported]
        if pks:
            unrecorded[label] = pks
    return CoverageReport(checked, unrecorded)


def pk_ranges(pks: list) -> str:
    """1, 2, 3, 7 -> "1-3, 7": a seeded database can hold thousands."""
    parts: list[str] = []
    start = end = None
    for pk in pks:
        if isinstance(pk, int) and end is not None and pk == end + 1:
            end = pk
            continue
        if start is not None:
            parts.append(str(start) if start == end else f"{start}-{end}")
        start = end = pk
    if start is not None:
        parts.append(str(start) if start == end else f"{start}-{end}")
    return ", ".join(parts)
