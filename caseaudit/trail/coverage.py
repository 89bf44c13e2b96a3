"""Records of audited models with no creation entry in the change history.

A record saved through a service gets its creation entry in the same transaction,
so a record without one was written around the history: a save whose history
failed before services were atomic, or a row inserted straight into the database.
A record written in bulk (an import, the demo seed) is named instead in its write's one summary
entry (`bulk.py`, decision 0082). A few kinds of record are accounted for another way; ACCOUNTED
says which and why. Everything else needs an entry of its own or a name in a summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from .bulk import Named
from .models import TrailEntry


def _creations(model: type[Model], pk) -> QuerySet[TrailEntry]:
    # auditlog stores an integer key in object_id as well as object_pk; object_id is indexed.
    return TrailEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=TrailEntry.Action.CREATE, object_id=pk
    )


@dataclass(frozen=True)
class _PartOf:
    """Written in bulk in the same transaction as `parent`, whose creation (its entry, or its name in a
    summary entry) covers them."""

    parent: str

    def __call__(self, queryset: QuerySet) -> QuerySet:
        parent_model = queryset.model._meta.get_field(self.parent).related_model
        return queryset.exclude(Exists(_creations(parent_model, OuterRef(f"{self.parent}_id"))))


def _seeded(only: Q | None = None) -> Callable[[QuerySet], QuerySet]:
    """Added by a data migration, before there was anyone to record (all of them when `only` is None)."""
    return lambda queryset: queryset.none() if only is None else queryset.exclude(only)


# label -> how its records without an entry of their own are accounted for (decisions 0003 and 0082).
ACCOUNTED: dict[str, Callable[[QuerySet], QuerySet]] = {
    "audits.SectionJudgement": _PartOf("audit"),  # audit_open
    "audits.ToolQuestion": _PartOf("section"),  # tool_create, tool_revise
    "audits.ProgrammeQuota": _PartOf("programme"),  # programme_create
    "audits.SampleEntry": _PartOf("programme"),  # sample_propose
    # Written with the history off so no entry copies what was removed; the run's entry
    # and one entry per child say what went (decision 0041).
    "dataprotection.Anonymisation": _PartOf("run"),
    "dataprotection.RetentionPeriod": _seeded(),  # one per legal status
    "imports.MappingProfile": _seeded(Q(builtin=True)),
    # The two default questionnaires, version 1 (family/migrations/0002).
    "family.Questionnaire": _seeded(Q(builtin=True)),
    "family.QuestionnaireVersion": _seeded(Q(questionnaire__builtin=True, number=1)),
    "family.Question": _seeded(Q(version__questionnaire__builtin=True, version__number=1)),
}


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
    named = Named.from_history()
    for model in sorted(auditlog.get_models(), key=lambda m: m._meta.label):
        label = model._meta.label
        queryset = model._default_manager.all()
        checked += queryset.count()
        missing = queryset.exclude(Exists(_creations(model, OuterRef("pk")))).order_by("pk")
        rule = ACCOUNTED.get(label)
        if rule is not None:
            missing = rule(missing)
        if isinstance(rule, _PartOf):
            parent = model._meta.get_field(rule.parent).related_model._meta.label
            rows = missing.values_list("pk", f"{rule.parent}_id")
            pks = [pk for pk, of in rows if not named.covers(label, pk) and not named.covers(parent, of)]
        else:
            pks = [pk for pk in missing.values_list("pk", flat=True) if not named.covers(label, pk)]
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
