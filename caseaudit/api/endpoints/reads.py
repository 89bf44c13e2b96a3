"""Read endpoints. Personal tokens see what their person sees on the pages; service tokens see council-wide."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field, ValidationInfo, field_validator

from caseaudit.audits.access import audits_visible_to
from caseaudit.audits.models import DONE_STATUSES, Audit, Programme, ProgrammeKind
from caseaudit.improvement.access import plans_visible_to
from caseaudit.improvement.models import ImprovementPlan
from caseaudit.learning.access import RECOMMENDATION_READERS
from caseaudit.learning.models import LearningEntry, Recommendation
from caseaudit.organisation.access import children_visible_to
from caseaudit.organisation.models import Child, ServiceArea, Team
from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES
from caseaudit.reporting.access import allowed_scope, require_reader
from caseaudit.reporting.periods import custom
from caseaudit.reporting.report import build_report

from ..auth import require_scope
from ..models import Scope
from ..paging import MAX_LIMIT, page
from ..schemas import (
    ERRORS,
    AuditOut,
    AuditPage,
    ChildOut,
    ChildPage,
    IsoDate,
    LearningPage,
    PlanOut,
    PlanPage,
    RecommendationPage,
    ServiceAreaPage,
    TeamPage,
    ThemedAuditPage,
)
from ..trail import log_record

router = Router()


class Filters(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    service_area: int | None = Field(None, ge=1, le=2**31 - 1)
    team: int | None = Field(None, ge=1, le=2**31 - 1)
    grade: str | None = Field(None, max_length=40)
    kind: str | None = Field(None, max_length=40)

    @field_validator("date_to")
    @classmethod
    def _range(cls, value, info: ValidationInfo):
        return _on_or_after_date_from(value, info)


def _on_or_after_date_from(value, info: ValidationInfo):
    # On the field, not the model, so the error names date_to (date_from is declared first, so it is in data).
    start = info.data.get("date_from")
    if value is not None and start is not None and value < start:
        raise ValueError("must be on or after date_from")
    return value


def _person(request):
    return request.auth.person


def _dates(qs, field: str, f: Filters):
    if f.date_from:
        qs = qs.filter(**{f"{field}__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{field}__lte": f.date_to})
    return qs


def _place(qs, f: Filters, team_field: str = "team"):
    if f.team:
        qs = qs.filter(**{f"{team_field}_id": f.team})
    if f.service_area:
        qs = qs.filter(**{f"{team_field}__service_area_id": f.service_area})
    return qs


def _child(c: Child) -> dict:
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "team_id": c.team_id,
        "legal_status": c.legal_status,
        "opened_on": c.opened_on,
        "closed_on": c.closed_on,
    }


def _audit(a: Audit) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "status": a.status,
        "child_id": a.child_id,
        "case_id": a.child.case_id,
        "team_id": a.team_id,
        "programme_id": a.programme_id,
        "follows_id": a.follows_id,
        "audit_date": a.audit_date,
        "scale": a.tool_version.scale,
        "overall_grade": a.overall_grade,
        "moderated_overall_grade": a.moderated_overall_grade,
        "final_grade": a.final_grade,
        "is_critical": a.is_critical,
        "judgements": [
            {"section": j.section.title, "grade": j.grade, "moderated_grade": j.moderated_grade}
            for j in a.judgements.all()
        ],
    }


def _plan(p: ImprovementPlan) -> dict:
    return {
        "id": p.pk,
        "audit_id": p.audit_id,
        "child_id": p.child_id,
        "case_id": p.child.case_id,
        "team_id": p.team_id,
        "status": p.status,
        "opened_on": p.opened_on,
        "closed_on": p.closed_on,
        "repeat_inadequate": p.repeat_inadequate,
        "stages": [{"kind": s.kind, "due_on": s.due_on, "completed_on": s.completed_on} for s in p.stages.all()],
        "actions": [
            {"id": x.pk, "description": x.description, "due_on": x.due_on, "completed_on": x.completed_on}
            for x in p.actions.all()
        ],
    }


def _children(request):
    person = _person(request)
    if person is None:
        require_scope(request, Scope.READ_ORGANISATION)
        return Child.objects.all()
    return children_visible_to(person)


def _audits(request):
    person = _person(request)
    if person is None:
        require_scope(request, Scope.READ_AUDITS)
        # Service tokens: finished audits only (drafts are not figures yet).
        qs = Audit.objects.filter(status__in=DONE_STATUSES)
    else:
        qs = audits_visible_to(person)
    return qs.select_related("child", "tool_version").prefetch_related("judgements__section")


def _plans(request):
    person = _person(request)
    if person is None:
        require_scope(request, Scope.READ_AUDITS)
        qs = ImprovementPlan.objects.all()
    else:
        qs = plans_visible_to(person)
    return qs.select_related("child").prefetch_related("stages", "actions")


@router.get("/service-areas", response={200: ServiceAreaPage, **ERRORS}, tags=["organisation"])
def service_areas(request, f: Query[Filters]):
    if _person(request) is None:
        require_scope(request, Scope.READ_ORGANISATION)
    return page(request, ServiceArea.objects.all(), f.limit, f.offset, lambda s: {"id": s.pk, "name": s.name})


@router.get("/teams", response={200: TeamPage, **ERRORS}, tags=["organisation"])
def teams(request, f: Query[Filters]):
    if _person(request) is None:
        require_scope(request, Scope.READ_ORGANISATION)
    qs = Team.objects.all()
    if f.service_area:
        qs = qs.filter(service_area_id=f.service_area)
    return page(
        request, qs, f.limit, f.offset, lambda t: {"id": t.pk, "name": t.name, "service_area_id": t.service_area_id}
    )


@router.get("/children", response={200: ChildPage, **ERRORS}, tags=["organisation"])
def children(request, f: Query[Filters]):
    qs = _place(_dates(_children(request), "opened_on", f), f)
    if f.kind:
        qs = qs.filter(legal_status=f.kind)
    result = page(request, qs, f.limit, f.offset, _child)
    log_record(request, request.auth, listed="children", count=len(result["results"]))
    return result


@router.get("/children/{child_id}", response={200: ChildOut, **ERRORS}, tags=["organisation"])
def child(request, child_id: int):
    found = _children(request).filter(pk=child_id).first()
    if found is None:
        raise Http404("Not found")
    log_record(request, found)
    return _child(found)


@router.get("/audits", response={200: AuditPage, **ERRORS}, tags=["audits"])
def audits(request, f: Query[Filters]):
    qs = _place(_dates(_audits(request), "audit_date", f), f)
    if f.grade:
        qs = qs.filter(final_grade=f.grade)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    result = page(request, qs, f.limit, f.offset, _audit)
    log_record(request, request.auth, listed="audits", count=len(result["results"]))
    return result


@router.get("/audits/{audit_id}", response={200: AuditOut, **ERRORS}, tags=["audits"])
def audit(request, audit_id: int):
    found = _audits(request).filter(pk=audit_id).first()
    if found is None:
        raise Http404("Not found")
    log_record(request, found)
    return _audit(found)


@router.get("/themed-audits", response={200: ThemedAuditPage, **ERRORS}, tags=["audits"])
def themed_audits(request, f: Query[Filters]):
    visible = _audits(request)
    qs = Programme.objects.filter(kind=ProgrammeKind.THEMED)
    person = _person(request)
    if person is not None and not person.has_role(*COUNCIL_WIDE_ROLES):
        qs = qs.filter(Exists(visible.filter(programme=OuterRef("pk"))))
    qs = _dates(qs, "month", f)
    if f.service_area:
        qs = qs.filter(service_area_id=f.service_area)
    # Each programme's visible audits in one query for the whole page (not one per programme).
    qs = qs.prefetch_related(Prefetch("audits", queryset=visible.order_by("pk"), to_attr="visible_audits"))

    def serialise(p: Programme) -> dict:
        return {
            "id": p.pk,
            "title": p.title,
            "month": p.month,
            "status": p.status,
            "service_area_id": p.service_area_id,
            "audits": [_audit(a) for a in p.visible_audits],  # type: ignore[attr-defined]
        }

    return page(request, qs, f.limit, f.offset, serialise)


@router.get("/improvement-plans", response={200: PlanPage, **ERRORS}, tags=["improvement"])
def plans(request, f: Query[Filters]):
    qs = _place(_dates(_plans(request), "opened_on", f), f)
    if f.kind:
        qs = qs.filter(status=f.kind)
    result = page(request, qs, f.limit, f.offset, _plan)
    log_record(request, request.auth, listed="improvement plans", count=len(result["results"]))
    return result


@router.get("/improvement-plans/{plan_id}", response={200: PlanOut, **ERRORS}, tags=["improvement"])
def plan(request, plan_id: int):
    found = _plans(request).filter(pk=plan_id).first()
    if found is None:
        raise Http404("Not found")
    log_record(request, found)
    return _plan(found)


@router.get("/learning", response={200: LearningPage, **ERRORS}, tags=["learning"])
def learning(request, f: Query[Filters]):
    if _person(request) is None:
        require_scope(request, Scope.READ_LEARNING)
    qs = _dates(LearningEntry.objects.all(), "happened_on", f)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    fields = ("kind", "title", "happened_on", "audience", "summary", "themes")
    return page(request, qs, f.limit, f.offset, lambda e: {"id": e.pk, **{k: getattr(e, k) for k in fields}})


@router.get("/recommendations", response={200: RecommendationPage, **ERRORS}, tags=["learning"])
def recommendations(request, f: Query[Filters]):
    person = _person(request)
    qs = Recommendation.objects.select_related("source")
    if person is None:
        require_scope(request, Scope.READ_LEARNING)
    elif not person.has_role(*RECOMMENDATION_READERS):
        qs = qs.filter(owner=person)
    qs = _dates(qs, "raised_on", f)
    if f.kind:
        qs = qs.filter(status=f.kind)
    fields = ("text", "agreed_action", "raised_on", "due_on", "status")
    return page(
        request,
        qs,
        f.limit,
        f.offset,
        lambda r: {"id": r.pk, "source": str(r.source), **{k: getattr(r, k) for k in fields}},
    )


class ReportQuery(Schema):
    date_from: IsoDate
    date_to: IsoDate
    service_area: int | None = Field(None, ge=1, le=2**31 - 1)
    team: int | None = Field(None, ge=1, le=2**31 - 1)

    @field_validator("date_to")
    @classmethod
    def _range(cls, value, info: ValidationInfo):
        value = _on_or_after_date_from(value, info)
        start = info.data.get("date_from")
        if start is not None and (value - start).days > 366 * 5:
            raise ValueError("a report covers at most five years")
        return value


@router.get("/reports", response={200: dict[str, Any], **ERRORS}, tags=["reports"])
def report(request, q: Query[ReportQuery]):
    """The same JSON as `caseaudit report --format json` (build_report), family feedback under `family_feedback`."""
    area = ServiceArea.objects.filter(pk=q.service_area).first() if q.service_area else None
    team = Team.objects.filter(pk=q.team).first() if q.team else None
    if (q.service_area and area is None) or (q.team and team is None):
        raise Http404("Not found")
    person = _person(request)
    if person is None:
        require_scope(request, Scope.READ_REPORTS)
    else:
        require_reader(person)
        area, team = allowed_scope(person, area, team)
    return build_report(custom(q.date_from, q.date_to), service_area=area, team=team)
