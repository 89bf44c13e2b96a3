"""Response and input shapes. Inputs forbid unknown fields; outputs use native types (ISO 8601 dates)."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    # Pydantic would also take 0 or 1700000000 as a date (seconds since 1970): a filter must be written
    # as the document says, YYYY-MM-DD, or it is refused with the field named.
    if isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


ERRORS = {401: Error, 403: Error, 404: Error, 413: Error, 422: ValidationErrorOut, 429: Error, 400: Error}


class Page(Schema):
    count: int
    limit: int
    offset: int
    next: str | None


class ServiceAreaOut(Schema):
    id: int
    name: str


class ServiceAreaPage(Page):
    results: list[ServiceAreaOut]


class TeamOut(Schema):
    id: int
    name: str
    service_area_id: int


class TeamPage(Page):
    results: list[TeamOut]


class ChildOut(Schema):
    id: int
    case_id: str
    team_id: int
    legal_status: str
    opened_on: datetime.date
    closed_on: datetime.date | None


class ChildPage(Page):
    results: list[ChildOut]


class JudgementOut(Schema):
    section: str
    grade: str
    moderated_grade: str


class AuditOut(Schema):
    id: int
    kind: str
    status: str
    child_id: int
    case_id: str
    team_id: int
    programme_id: int | None
    follows_id: int | None
    audit_date: datetime.date | None
    # The tool version's grading scale (ofsted, scaling_0_10, three_point): each grade value belongs to one.
    scale: str
    overall_grade: str
    moderated_overall_grade: str
    final_grade: str
    is_critical: bool
    judgements: list[JudgementOut]


class AuditPage(Page):
    results: list[AuditOut]


class ThemedAuditOut(Schema):
    id: int
    title: str
    month: datetime.date
    status: str
    service_area_id: int | None
    audits: list[AuditOut]


class ThemedAuditPage(Page):
    results: list[ThemedAuditOut]


class StageOut(Schema):
    kind: str
    due_on: datetime.date | None
    completed_on: datetime.date | None


class ActionOut(Schema):
    id: int
    description: str
    due_on: datetime.date
    completed_on: datetime.date | None


class PlanOut(Schema):
    id: int
    audit_id: int
    child_id: int
    case_id: str
    team_id: int
    status: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    repeat_inadequate: bool
    stages: list[StageOut]
    actions: list[ActionOut]


class PlanPage(Page):
    results: list[PlanOut]


class LearningOut(Schema):
    id: int
    kind: str
    title: str
    happened_on: datetime.date
    audience: str
    summary: str
    themes: list[str]


class LearningPage(Page):
    results: list[LearningOut]


class RecommendationOut(Schema):
    id: int
    source: str
    text: str
    agreed_action: str
    raised_on: datetime.date
    due_on: datetime.date
    status: str


class RecommendationPage(Page):
    results: list[RecommendationOut]


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = True
    headers: list[str] = Field(min_length=1, max_length=200)
    rows: list[list[str]] = Field(max_length=200_000)


class CaseExtractIn(ImportIn):
    profile: str | None = None


class HistoricAuditsIn(ImportIn):
    open_plans: bool = False


class ImportResultOut(Schema):
    model_config = ConfigDict(extra="allow")

    kind: str
    dry_run: bool
    committed: bool
    ok: bool
    total_rows: int
    counts: dict[str, int]
    errors: list[dict[str, Any]]


class ImportErrorsOut(Schema):
    detail: str
    result: ImportResultOut
