"""Programmes and their samples: random, stratified by team, skipping recent and closed."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from caseaudit.organisation.models import Child, Person, PersonRole, ServiceArea
from caseaudit.organisation.roles import Role

from ..errors import AuditRuleError
from ..models import (
    Audit,
    AuditKind,
    Programme,
    ProgrammeKind,
    ProgrammeQuota,
    ProgrammeStatus,
    SampleEntry,
    ToolVersion,
)
from . import notify
from .lifecycle import audit_open, may_audit


def programme_create(
    *,
    service_area: ServiceArea,
    month: datetime.date,
    tool_version: ToolVersion,
    due_on: datetime.date,
    by: Person,
    default_quota: int = 1,
    lookback_months: int = 12,
) -> Programme:
    month = month.replace(day=1)
    if due_on < month:
        raise AuditRuleError("The due date must be in or after the programme's month", field="due_on")
    if Programme.objects.filter(kind=ProgrammeKind.MONTHLY, service_area=service_area, month=month).exists():
        raise AuditRuleError(f"{service_area} already has a programme for {month:%B %Y}", field="month")
    with transaction.atomic():
        programme = Programme.objects.create(
            kind=ProgrammeKind.MONTHLY,
            title=f"{service_area} – {month:%B %Y}",
            service_area=service_area,
            month=month,
            tool_version=tool_version,
            due_on=due_on,
            lookback_months=lookback_months,
            created_by=by,
        )
        ProgrammeQuota.objects.bulk_create(
            [ProgrammeQuota(programme=programme, team=team, quota=default_quota) for team in service_area.teams.all()]
        )
    return programme


@transaction.atomic
def themed_programme_create(
    *,
    title: str,
    tool_version: ToolVersion,
    month: datetime.date,
    due_on: datetime.date,
    sample_size: int,
    by: Person,
    service_area: ServiceArea | None = None,
    legal_status: str = "",
) -> Programme:
    """A targeted audit: one short question set across many children, council-wide or in one area."""
    month = month.replace(day=1)
    if due_on < month:
        raise AuditRuleError("The due date must be in or after the programme's month", field="due_on")
    return Programme.objects.create(
        kind=ProgrammeKind.THEMED,
        title=title,
        service_area=service_area,
        month=month,
        tool_version=tool_version,
        due_on=due_on,
        sample_size=sample_size,
        legal_status=legal_status,
        # A themed audit looks at practice now; a recent case file audit does not exclude a child.
        lookback_months=0,
        created_by=by,
    )


def eligible_children(programme: Programme, today: datetime.date) -> QuerySet[Child]:
    """Open children not audited within the look-back window and not already in an audit in progress."""
    since = today - relativedelta(months=programme.lookback_months)
    in_progress = Q(status__in=["draft", "submitted", "in_moderation"])
    recent = Q(audit_date__gte=since) | Q(audit_date__isnull=True, created_at__date__gte=since)
    audits = (
        Audit.objects.filter(in_progress | recent) if programme.lookback_months else Audit.objects.filter(in_progress)
    )
    children = Child.objects.filter(closed_on__isnull=True).exclude(pk__in=audits.values("child_id"))
    if programme.service_area_id:
        children = children.filter(team__service_area_id=programme.service_area_id)
    if programme.legal_status:
        children = children.filter(legal_status=programme.legal_status)
    return children


def auditor_pool() -> list[Person]:
    return list(Person.objects.filter(is_active=True, role_assignments__role=Role.AUDITOR).distinct().order_by("pk"))


def choose_auditor(child: Child, pool: list[Person], load: Counter, today: datetime.date) -> Person | None:
    candidates = [p for p in pool if may_audit(p, child, today)]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (load[p.pk], p.pk))


def sample_propose(
    *, programme: Programme, today: datetime.date | None = None, seed: int | None = None
) -> list[SampleEntry]:
    """Replace the proposed sample with a fresh random one, team by team, to each team's quota."""
    if programme.is_confirmed:
        raise AuditRuleError("This programme's sample is already confirmed")
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    pool = auditor_pool()
    load: Counter = Counter(
        Audit.objects.filter(status__in=["draft", "submitted"], auditor__isnull=False).values_list(
            "auditor_id", flat=True
        )
    )
    eligible = eligible_children(programme, today).select_related("allocated_worker", "team")
    entries = []
    if programme.kind == ProgrammeKind.THEMED:
        candidates = list(eligible.order_by("pk"))
        strata = [rng.sample(candidates, min(programme.sample_size or 0, len(candidates)))]
    else:
        strata = []
        for quota in programme.quotas.select_related("team"):
            candidates = list(eligible.filter(team=quota.team).order_by("pk"))
            strata.append(rng.sample(candidates, min(quota.quota, len(candidates))))
    with transaction.atomic():
        programme.sample.all().delete()
        for chosen in strata:
            for child in chosen:
                auditor = choose_auditor(child, pool, load, today)
                if auditor:
                    load[auditor.pk] += 1
                entries.append(SampleEntry(programme=programme, child=child, auditor=auditor))
        SampleEntry.objects.bulk_create(entries)
    return entries


@transaction.atomic
def sample_add(*, programme: Programme, case_id: str, today: datetime.date | None = None) -> SampleEntry:
    today = today or timezone.localdate()
    child = Child.objects.filter(case_id__iexact=case_id.strip()).select_related("team__service_area").first()
    if child is None:
        raise AuditRuleError(f"No child has the case ID {case_id}", field="case_id")
    if programme.service_area_id and child.team.service_area_id != programme.service_area_id:
        raise AuditRuleError(f"{child.case_id} is not in {programme.service_area}", field="case_id")
    if not eligible_children(programme, today).filter(pk=child.pk).exists():
        raise AuditRuleError(
            f"{child.case_id} cannot be sampled: the case is closed or was audited in the last "
            f"{programme.lookback_months} months",
            field="case_id",
        )
    if programme.sample.filter(child=child).exists():
        raise AuditRuleError(f"{child.case_id} is already in the sample", field="case_id")
    load: Counter = Counter(programme.sample.values_list("auditor_id", flat=True))
    return SampleEntry.objects.create(
        programme=programme, child=child, auditor=choose_auditor(child, auditor_pool(), load, today)
    )


class SampleAssignmentRefused(AuditRuleError):
    """Some choices cannot stand; `errors` maps sample entry ids to what is wrong. Nothing was saved."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(next(iter(errors.values())), field="auditor")
        self.errors = errors


def sample_assign_all(*, programme: Programme, auditors: dict[int, Person | None]) -> int:
    """Give the children of a proposed sample their auditors in one step (sample entry id -> auditor, or None
    for none yet). Every choice is checked first; if any cannot stand, none is saved. Returns how many changed."""
    with transaction.atomic():
        # The programme's row first, as programme_confirm takes it: a confirmation cannot read the old auditors
        # while this saves new ones.
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.is_confirmed:
            raise AuditRuleError("This programme's sample is already confirmed")
        entries = list(
            programme.sample.select_for_update(of=("self",))
            .select_related("child__allocated_worker", "child__team")
            .filter(pk__in=auditors)
        )
        chosen = {p.pk for p in auditors.values() if p is not None}
        may_be_given = set(
            PersonRole.objects.filter(person_id__in=chosen, role=Role.AUDITOR, person__is_active=True).values_list(
                "person_id", flat=True
            )
        )
        errors: dict[int, str] = {}
        changed = []
        for entry in entries:
            auditor = auditors[entry.pk]
            if auditor is not None and auditor.pk not in may_be_given:
                errors[entry.pk] = f"{auditor} is not an auditor: choose another auditor for {entry.child.case_id}"
            elif auditor is not None and not may_audit(auditor, entry.child):
                errors[entry.pk] = f"{auditor} cannot audit {entry.child.case_id}: it is their own or their team's case"
            elif entry.auditor_id != (auditor.pk if auditor else None):
                entry.auditor = auditor
                changed.append(entry)
        if errors:
            raise SampleAssignmentRefused(errors)
        for entry in changed:  # one by one, so the change history records each
            entry.save(update_fields=["auditor"])
    return len(changed)


def sample_assign(*, entry: SampleEntry, auditor: Person) -> None:
    """One child's auditor (sample_assign_all for the whole sample)."""
    sample_assign_all(programme=entry.programme, auditors={entry.pk: auditor})


def sample_remove(*, entry: SampleEntry) -> None:
    """Take one child out of a proposed sample."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=entry.programme_id)  # as programme_confirm takes it
        if programme.is_confirmed:
            raise AuditRuleError("This programme's sample is already confirmed")
        entry.delete()


def quotas_fingerprint(quotas) -> str:
    """The quotas a page was built from, so a save can tell whether someone changed them since."""
    return ",".join(f"{q.team_id}:{q.quota}" for q in sorted(quotas, key=lambda q: q.team_id))


class QuotasChanged(AuditRuleError):
    """Someone saved the quotas since the page was built; `fingerprint` is what they are now. Nothing was saved."""

    def __init__(self, fingerprint: str) -> None:
        super().__init__(
            "Someone else changed these quotas while you were editing. Your numbers are below: save again to "
            "replace theirs."
        )
        self.fingerprint = fingerprint


def quotas_save(*, programme: Programme, quotas: dict[int, int], based_on: str) -> None:
    """Each team's quota (team id -> number) for a programme not yet confirmed, if nobody has saved them since the
    page showed `based_on` (quotas_fingerprint); QuotasChanged otherwise."""
    with transaction.atomic():
        if Programme.objects.select_for_update().get(pk=programme.pk).is_confirmed:
            raise AuditRuleError("This programme's sample is already confirmed")
        current = list(programme.quotas.select_for_update())
        if quotas_fingerprint(current) != based_on:
            raise QuotasChanged(quotas_fingerprint(current))
        for quota in current:  # one by one, so the change history records each
            if quota.team_id in quotas and quota.quota != quotas[quota.team_id]:
                quota.quota = quotas[quota.team_id]
                quota.save(update_fields=["quota"])


def quotas_check(programme: Programme) -> list[str]:
    """Teams whose sample is short of their quota (not enough eligible children)."""
    if programme.kind == ProgrammeKind.THEMED:
        found = programme.sample.count()
        return [f"{found} of {programme.sample_size} children"] if found < (programme.sample_size or 0) else []
    counts = Counter(programme.sample.values_list("child__team_id", flat=True))
    return [
        f"{q.team}: {counts[q.team_id]} of {q.quota}"
        for q in programme.quotas.select_related("team")
        if counts[q.team_id] < q.quota
    ]


MAX_DOUBLE_PERCENT = 50


def programme_confirm(
    *, programme: Programme, by: Person, double_percent: int = 0, seed: int | None = None
) -> list[Audit]:
    """Turn the sample into assigned audits. Every entry needs an auditor.

    `double_percent` of the files (rounded up, chosen at random with `seed`, both recorded on the programme) also
    get a second, blind audit by another auditor (issue 32): the one with the fewest audits in this programme who
    may audit the child. Returns the audits, seconds included."""
    if not 0 <= double_percent <= MAX_DOUBLE_PERCENT:
        raise AuditRuleError(f"The share for second audits must be 0 to {MAX_DOUBLE_PERCENT}%", field="double_percent")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.is_confirmed:
            raise AuditRuleError("This programme's sample is already confirmed")
        entries = list(programme.sample.select_related("child__allocated_worker", "child__team"))
        if not entries:
            raise AuditRuleError("Propose a sample before confirming it")
        missing = [e.child.case_id for e in entries if e.auditor_id is None]
        if missing:
            raise AuditRuleError(f"Choose an auditor for {', '.join(missing)}")
        kind = AuditKind.THEMED if programme.kind == ProgrammeKind.THEMED else AuditKind.CASE_FILE
        audits = [
            audit_open(
                child=e.child,
                auditor=e.auditor,
                tool_version=programme.tool_version,
                due_on=programme.due_on,
                programme=programme,
                kind=kind,
            )
            for e in entries
        ]
        audits += _blind_seconds(programme, audits, double_percent, seed)
        programme.sample.all().delete()
        programme.status = ProgrammeStatus.CONFIRMED
        programme.confirmed_at = timezone.now()
        programme.save(update_fields=["status", "confirmed_at", "double_audit_percent", "double_audit_seed"])
        notify.audits_assigned(audits, why=f" in {programme.title}")
    return audits


def _blind_seconds(programme: Programme, firsts: list[Audit], percent: int, seed: int | None) -> list[Audit]:
    """Choose the files for a second, blind audit and open them; recorded on `programme` (saved by the caller)."""
    programme.double_audit_percent = percent
    if not percent:
        return []
    programme.double_audit_seed = seed if seed is not None else random.SystemRandom().randrange(2**53)
    how_many = -(-len(firsts) * percent // 100)  # rounded up: 10% of 5 files is one, not none
    rng = random.Random(programme.double_audit_seed)  # noqa: S311 - a fair, repeatable choice, not security
    chosen = rng.sample(sorted(firsts, key=lambda a: a.pk), how_many)
    pool = auditor_pool()
    load = Counter(a.auditor_id for a in firsts)
    today = timezone.localdate()
    seconds, nobody = [], []
    for first in sorted(chosen, key=lambda a: a.pk):
        auditor = choose_auditor(first.child, [p for p in pool if p.pk != first.auditor_id], load, today)
        if auditor is None:
            nobody.append(first.child.case_id)
            continue
        load[auditor.pk] += 1
        second = audit_open(
            child=first.child, auditor=auditor, tool_version=first.tool_version, due_on=first.due_on,
            programme=programme, kind=first.kind,
        )  # fmt: skip
        second.second_of = first
        second.save(update_fields=["second_of"])
        seconds.append(second)
    if nobody:
        raise AuditRuleError(
            f"No other auditor may audit {', '.join(nobody)} for a second audit: lower the share or add an auditor",
            field="double_percent",
        )
    return seconds


def audits_reassign(*, from_person: Person, to_person: Person, by: Person) -> tuple[int, list[str]]:
    """Move someone's open audits to another auditor in one step; report the ones that cannot move."""
    moved: list[Audit] = []
    refused: list[str] = []
    with transaction.atomic():
        for audit in (
            # Lock only the audits: PostgreSQL cannot lock the nullable side of the worker join.
            Audit.objects.select_for_update(of=("self",))
            .filter(auditor=from_person, status="draft")
            .select_related("child__allocated_worker", "child__team")
        ):
            if may_audit(to_person, audit.child):
                audit.auditor = to_person
                audit.version += 1
                audit.save(update_fields=["auditor", "version", "updated_at"])
                moved.append(audit)
            else:
                refused.append(audit.child.case_id)
        notify.audits_assigned(moved, why=f", moved to you from {from_person}")
    return len(moved), refused
