"""Historic audit import: the audits a council recorded in spreadsheets before CaseAudit.

Imported audits are finalised, marked as imported and count in every report
like audits done in the app. All rows are checked first; any bad row and
nothing is written. An audit reference already imported is left alone, so a
file can be imported again safely.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from caseaudit.audits import scales
from caseaudit.audits.grades import Grade
from caseaudit.audits.models import (
    Activity,
    ActivityKind,
    Audit,
    AuditKind,
    AuditStatus,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    SectionJudgement,
    ToolVersion,
)
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.organisation.models import Child, LegalStatus, Person, ServiceArea, Team
from caseaudit.trail.bulk import BulkWrite, recorded_in_bulk

from ..models import ImportKind
from ..tables import ImportResult, RowError, RowProblem, Table, normalise_header, parse_date, shorten
from .columns import header_index, locate
from .record import record_run

TEMPLATE_COLUMNS = [
    "audit_ref",
    "child_id",
    "service_area",
    "team",
    "audit_date",
    "audit_kind",
    "theme",
    "overall_grade",
    "moderated_grade",
    # then one column per section of the standard tool
    "activities",
    "auditor",
]
REQUIRED = ["audit_ref", "child_id", "audit_date", "audit_kind", "overall_grade"]
MAX_ACTIVITIES = 50
KINDS = {
    "case file": AuditKind.CASE_FILE,
    "case file audit": AuditKind.CASE_FILE,
    "re audit": AuditKind.RE_AUDIT,
    "reaudit": AuditKind.RE_AUDIT,
    "themed": AuditKind.THEMED,
    "themed audit": AuditKind.THEMED,
}
GRADES = {normalise_header(label): value for value, label in Grade.choices}
GRADES["requires improvement to be good"] = Grade.REQUIRES_IMPROVEMENT
CRITICAL = "inadequate critical"
GRADE_NAMES = "Outstanding, Good, Requires Improvement, Inadequate or Inadequate - critical"
NOT_RECORDED = "(name not recorded: created by a historic audit import)"


def parse_grade(text: str, *, critical_allowed: bool = True) -> tuple[str, bool]:
    key = normalise_header(text)
    if key == CRITICAL and critical_allowed:
        return Grade.INADEQUATE, True
    if key in GRADES:
        return GRADES[key], False
    raise RowProblem(f"'{shorten(text)}' is not a grade on the scale ({GRADE_NAMES})")


def _standard_version() -> ToolVersion:
    """Historic audits are recorded against the standard tool's current version."""
    tool, _ = standard_tools_ensure()
    version = tool.current_version
    if version is None:  # standard_tools_ensure always leaves one; a broken database is not an import problem
        raise RuntimeError("The standard audit tool has no version")
    return version


def template_headers() -> list[str]:
    sections = list(_standard_version().sections.order_by("position").values_list("title", flat=True))
    return [*TEMPLATE_COLUMNS[:9], *sections, *TEMPLATE_COLUMNS[9:]]


@dataclass
class AuditRow:
    line: int
    ref: str
    case_id: str
    kind: str
    audit_date: datetime.date
    grade: str
    critical: bool
    moderated: str
    sections: dict[int, str]
    activities: int
    theme: str
    area: str
    team: str
    auditor_id: int | None
    auditor_name: str
    follows_ref: str | None = None  # an earlier row of this file
    follows_id: int | None = None  # an audit already in CaseAudit
    children_fields: dict = field(default_factory=dict)


class _Context:
    def __init__(self):
        self.version = _standard_version()
        self.sections = {normalise_header(s.title): s.pk for s in self.version.sections.all()}
        self.section_titles = {s.pk: s.title for s in self.version.sections.all()}
        self.areas = {normalise_header(n): pk for pk, n in ServiceArea.objects.values_list("pk", "name")}
        self.teams: dict[str, list[tuple[int, int]]] = {}
        for pk, name, area_id in Team.objects.values_list("pk", "name", "service_area_id"):
            self.teams.setdefault(normalise_header(name), []).append((pk, area_id))
        self.children: dict[str, tuple[int, int]] = {
            c: (pk, team) for c, pk, team in Child.objects.values_list("case_id", "pk", "team_id")
        }
        self.people: dict[str, list[int]] = {}
        for pk, name in Person.objects.values_list("pk", "full_name"):
            self.people.setdefault(normalise_header(name), []).append(pk)
        self.imported_refs = set(Audit.objects.exclude(import_ref=None).values_list("import_ref", flat=True))


def _text(cells: list[str], columns: dict[str, int], name: str) -> str:
    position = columns.get(name)
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def _check(line: int, cells: list[str], columns: dict[str, int], ctx: _Context, today, result) -> AuditRow | None:
    errors: list[RowError] = []

    def problem(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    ref = _text(cells, columns, "audit_ref")
    if not ref:
        problem("audit_ref", "the audit reference is empty")
    elif len(ref) > 60:
        problem("audit_ref", "the audit reference is longer than 60 characters")
    case_id = _text(cells, columns, "child_id")
    if not case_id:
        problem("child_id", "the child's case ID is empty")
    elif len(case_id) > 40:
        problem("child_id", "the case ID is longer than 40 characters")
    audit_date = None
    try:
        audit_date = parse_date(_text(cells, columns, "audit_date"))
        if audit_date > today:
            problem("audit_date", f"{audit_date:%d/%m/%Y} is in the future")
    except RowProblem as exc:
        problem("audit_date", str(exc))
    kind_text = _text(cells, columns, "audit_kind")
    kind = KINDS.get(normalise_header(kind_text))
    if kind is None:
        problem("audit_kind", f"'{shorten(kind_text)}' is not an audit kind: use case file, re-audit or themed")
    theme = _text(cells, columns, "theme")
    if kind == AuditKind.THEMED and not theme:
        problem("theme", "a themed audit needs its theme")
    if len(theme) > 200:
        problem("theme", "the theme is longer than 200 characters")
    grade, critical = "", False
    try:
        grade, critical = parse_grade(_text(cells, columns, "overall_grade"))
    except RowProblem as exc:
        problem("overall_grade", str(exc))
    moderated = ""
    if _text(cells, columns, "moderated_grade"):
        try:
            moderated, moderated_critical = parse_grade(_text(cells, columns, "moderated_grade"))
            critical = critical or moderated_critical
        except RowProblem as exc:
            problem("moderated_grade", str(exc))
    sections: dict[int, str] = {}
    for key, section_id in ctx.sections.items():
        position = columns.get(f"section:{key}")
        text = cells[position].strip() if position is not None and position < len(cells) else ""
        if text:
            try:
                sections[section_id], _ = parse_grade(text, critical_allowed=False)
            except RowProblem as exc:
                problem(ctx.section_titles[section_id], str(exc))
    activities = 1
    activities_text = _text(cells, columns, "activities")
    if activities_text:
        if not activities_text.isdigit() or not 1 <= int(activities_text) <= MAX_ACTIVITIES:
            problem("activities", f"'{shorten(activities_text)}' is not a whole number from 1 to {MAX_ACTIVITIES}")
        else:
            activities = int(activities_text)
    auditor_name = _text(cells, columns, "auditor")
    if len(auditor_name) > 150:
        problem("auditor", "the auditor's name is longer than 150 characters")
    matches = ctx.people.get(normalise_header(auditor_name), []) if auditor_name else []
    area = _text(cells, columns, "service_area")
    team = _text(cells, columns, "team")
    if case_id and case_id not in ctx.children and not team:
        problem("team", f"{case_id} is a new child: CaseAudit needs the team to create them")
    for column, value in (("service_area", area), ("team", team)):
        if len(value) > 120:
            problem(column, "the name is longer than 120 characters")
    if errors or kind is None or audit_date is None:  # a missing kind or date is always among the errors
        result.errors.extend(errors)
        return None
    return AuditRow(
        line=line,
        ref=ref,
        case_id=case_id,
        kind=kind,
        audit_date=audit_date,
        grade=grade,
        critical=critical,
        moderated=moderated,
        sections=sections,
        activities=activities,
        theme=theme,
        area=area,
        team=team,
        auditor_id=matches[0] if len(matches) == 1 else None,
        auditor_name=auditor_name,
    )


def import_historic_audits(
    table: Table,
    *,
    actor: Person | None,
    commit: bool,
    open_plans: bool = False,
    filename: str = "",
    sha256: str = "",
    run=None,
    progress=None,
    today: datetime.date | None = None,
) -> ImportResult:
    today = today or timezone.localdate()
    result = ImportResult(kind=ImportKind.AUDITS, dry_run=not commit, total_rows=len(table))
    ctx = _Context()
    index, errors = header_index(table.headers)
    wanted = {name: name for name in TEMPLATE_COLUMNS}
    wanted.update({f"section:{key}": key for key in ctx.sections})
    columns, missing = locate(index, wanted, REQUIRED, {})
    result.errors.extend(errors + missing)
    if result.errors:
        return result

    rows: list[AuditRow] = []
    seen: dict[str, int] = {}
    for count, (line, cells) in enumerate(table.rows, start=1):
        if progress and count % 1000 == 0:
            progress(count, len(table))
        ref = _text(cells, columns, "audit_ref")
        if ref and ref in seen:
            result.errors.append(RowError(line, "audit_ref", f"{ref} appears again (first on line {seen[ref]})"))
            continue
        seen[ref] = line
        row = _check(line, cells, columns, ctx, today, result)
        if row is not None:
            rows.append(row)
    _link_reaudits(rows, ctx, result)
    _plan_places(rows, ctx, result)
    result.errors.sort(key=lambda e: e.line)
    for row in rows:
        result.note("already imported" if row.ref in ctx.imported_refs else "created", row.ref)
    if not commit or result.errors:
        return result
    # The import's history is one summary entry naming every record it made, appended as its
    # transaction ends: the chain's lock is held for milliseconds, not the whole import (decision 0082).
    with transaction.atomic(), recorded_in_bulk("Historic audit import", actor=actor) as bulk:
        planned = _write(rows, ctx, result, open_plans=open_plans, bulk=bulk, progress=progress)
        stored = record_run(result=result, planned=planned, actor=actor, filename=filename, sha256=sha256, run=run)
        bulk.describe(f"Historic audit import, run {stored.pk} ({stored.filename})", import_run=stored.pk)
        result.committed = True
    return result


def _link_reaudits(rows: list[AuditRow], ctx: _Context, result: ImportResult) -> None:
    """A re-audit follows the same child's latest earlier audit, in CaseAudit or earlier in this file."""
    stored = Audit.objects.filter(status__in=[AuditStatus.FINALISED, AuditStatus.SHARED]).values_list(
        "child__case_id", "audit_date", "pk"
    )
    stored_by_child: dict[str, list[tuple[datetime.date, int]]] = {}
    for case_id, day, pk in stored:
        if day:
            stored_by_child.setdefault(case_id, []).append((day, pk))
    in_file: dict[str, list[AuditRow]] = {}
    for row in sorted(rows, key=lambda r: (r.audit_date, r.line)):
        if row.kind == AuditKind.RE_AUDIT and row.ref not in ctx.imported_refs:
            earlier_file = in_file.get(row.case_id, [])
            earlier_stored = [(d, pk) for d, pk in stored_by_child.get(row.case_id, []) if d <= row.audit_date]
            best_file = earlier_file[-1] if earlier_file else None
            best_stored = max(earlier_stored) if earlier_stored else None
            if best_file and (best_stored is None or best_file.audit_date >= best_stored[0]):
                row.follows_ref = best_file.ref
            elif best_stored:
                row.follows_id = best_stored[1]
            else:
                result.errors.append(
                    RowError(row.line, "audit_kind", f"a re-audit needs an earlier audit of {row.case_id}: none found")
                )
        in_file.setdefault(row.case_id, []).append(row)


def _plan_places(rows: list[AuditRow], ctx: _Context, result: ImportResult) -> None:
    """Service areas, teams and children the file names that CaseAudit does not have yet."""
    new_areas, new_teams, new_children = set(), set(), set()
    for row in rows:
        if row.team:
            candidates = ctx.teams.get(normalise_header(row.team), [])
            area_id = ctx.areas.get(normalise_header(row.area)) if row.area else None
            if row.area and not [pk for pk, a in candidates if a == area_id]:
                new_teams.add((row.area, row.team))
                if area_id is None:
                    new_areas.add(row.area)
            elif not row.area and len(candidates) > 1:
                result.errors.append(
                    RowError(row.line, "team", f"more than one service area has a team called '{shorten(row.team)}'")
                )
            elif not row.area and not candidates:
                result.errors.append(
                    RowError(row.line, "service_area", f"'{shorten(row.team)}' is a new team: give its service area")
                )
        if row.case_id not in ctx.children:
            new_children.add(row.case_id)
    for label, names in (
        ("service areas", sorted(new_areas)),
        ("teams", [f"{t} ({a})" for a, t in sorted(new_teams)]),
        ("children", sorted(new_children)),
    ):
        if names:
            result.created_around[label] = names


def _team_id(row: AuditRow, ctx: _Context) -> int | None:
    if not row.team:
        return None
    candidates = ctx.teams.get(normalise_header(row.team), [])
    if row.area:
        area_id = ctx.areas.get(normalise_header(row.area))
        if area_id is None:
            area, _ = ServiceArea.objects.get_or_create(name=row.area)
            ctx.areas[normalise_header(row.area)] = area_id = area.pk
        in_area = [pk for pk, a in candidates if a == area_id]
        if in_area:
            return in_area[0]
        team = Team.objects.create(name=row.team, service_area_id=area_id)
        ctx.teams.setdefault(normalise_header(row.team), []).append((team.pk, area_id))
        return team.pk
    return candidates[0][0]


def _write(
    rows: list[AuditRow], ctx: _Context, result: ImportResult, *, open_plans: bool, bulk: BulkWrite, progress=None
) -> list:
    planned: list[tuple[str, str, int | None, dict[str, str]]] = []
    created: dict[str, Audit] = {}
    themes: dict[str, Programme] = {}
    for done, row in enumerate(sorted(rows, key=lambda r: (r.audit_date, r.line))):
        if progress:  # rows written so far, still inside the import's transaction
            progress(done, len(rows), phase="writing")
        if row.ref in ctx.imported_refs:
            planned.append(("unchanged", row.ref, None, {}))
            continue
        team_id = _team_id(row, ctx)
        if row.case_id not in ctx.children:
            if team_id is None:  # the row checks ask for the team of every new child
                raise RuntimeError(f"line {row.line}: a new child without a team passed the checks")
            child = Child.objects.create(
                case_id=row.case_id,
                name=NOT_RECORDED,
                legal_status=LegalStatus.NOT_RECORDED,
                team_id=team_id,
                opened_on=row.audit_date,
            )
            ctx.children[row.case_id] = (child.pk, team_id)
        child_id, child_team = ctx.children[row.case_id]
        programme = None
        if row.kind == AuditKind.THEMED:
            programme = themes.get(normalise_header(row.theme)) or _themed_programme(row, ctx, rows)
            themes[normalise_header(row.theme)] = programme
        audit = _create_audit(row, ctx, child_id, team_id or child_team, programme, created, bulk)
        created[row.ref] = audit
        planned.append(("created", row.ref, audit.pk, {"child": row.case_id, "final_grade": audit.final_grade}))
    if open_plans:
        # The same final-grade path as moderation (audits.signals.audit_finalised, which improvement answers by
        # opening a plan or recording a re-audit's outcome), sent now rather than after the commit: the plans
        # are part of the import, all or nothing.
        from caseaudit.audits.signals import audit_finalised

        for audit in sorted(created.values(), key=lambda a: (a.audit_date, a.pk)):
            if scales.needs_response(audit.final_grade) or audit.follows_id:
                audit_finalised.send(sender=Audit, audit_id=audit.pk)
    return planned


def _themed_programme(row: AuditRow, ctx: _Context, rows: list[AuditRow]) -> Programme:
    """Rows with the same theme are one themed audit; a theme imported before is reused."""
    existing = Programme.objects.filter(kind=ProgrammeKind.THEMED, title__iexact=row.theme).first()
    if existing:
        return existing
    days = [
        r.audit_date
        for r in rows
        if r.kind == AuditKind.THEMED and normalise_header(r.theme) == normalise_header(row.theme)
    ]
    first, last = min(days), max(days)
    return Programme.objects.create(
        kind=ProgrammeKind.THEMED,
        title=row.theme,
        month=first.replace(day=1),
        tool_version=ctx.version,
        due_on=last,
        status=ProgrammeStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        sample_size=len(days),
    )


def _create_audit(
    row: AuditRow,
    ctx: _Context,
    child_id: int,
    team_id: int,
    programme: Programme | None,
    created: dict[str, Audit],
    bulk: BulkWrite,
) -> Audit:
    final = row.moderated or row.grade
    # Imported audits have no time of day: noon keeps the date the same in every time zone offset we use.
    at = timezone.make_aware(datetime.datetime.combine(row.audit_date, datetime.time(12, 0)))
    auditor = row.auditor_id
    audit = Audit.objects.create(
        kind=row.kind,
        child_id=child_id,
        team_id=team_id,
        tool_version=ctx.version,
        programme=programme,
        follows_id=created[row.follows_ref].pk if row.follows_ref else row.follows_id,
        auditor_id=auditor,
        auditor_name="" if auditor else row.auditor_name,
        status=AuditStatus.FINALISED,
        overall_grade=row.grade,
        is_critical=row.critical,
        moderated_overall_grade=row.moderated if row.moderated and row.moderated != row.grade else "",
        final_grade=final,
        audit_date=row.audit_date,
        submitted_at=at,
        finalised_at=at,
        imported=True,
        import_ref=row.ref,
    )
    judgements = SectionJudgement.objects.bulk_create(
        [
            SectionJudgement(audit=audit, section_id=section_id, grade=row.sections.get(section_id, ""))
            for section_id in ctx.section_titles
        ]
    )
    bulk.add(SectionJudgement, (judgement.pk for judgement in judgements))
    activities = Activity.objects.bulk_create(
        [
            Activity(
                audit=audit,
                kind=ActivityKind.FILE_REVIEW,
                carried_out_by_id=auditor,
                happened_on=row.audit_date,
                notes="Recorded before CaseAudit (imported)",
            )
            for _ in range(row.activities)
        ]
    )
    bulk.add(Activity, (activity.pk for activity in activities))
    return audit
