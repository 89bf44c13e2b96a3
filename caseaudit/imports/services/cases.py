"""Case extract import: children with their team, worker, legal status and dates.

Every row is checked before anything is written; a file with any bad row
writes nothing. Rows that match what CaseAudit already holds change nothing,
so importing the same file twice is harmless.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from caseaudit.improvement.models import StageKind
from caseaudit.organisation.models import Child, LegalStatus, Person, ServiceArea, Team
from caseaudit.trail.bulk import recorded_in_bulk

from ..models import CaseEvent, CaseField, ImportKind, ImportRun, MappingProfile
from ..profiles import COMMON_STATUSES, ensure_builtin_profiles, matches
from ..tables import ImportResult, RowError, RowProblem, Table, normalise_header, parse_date, shorten
from .columns import header_index, locate
from .fastwrite import insert_rows, update_rows
from .record import record_run

# progress(done, total, phase="checking"); phase "written" once the children are written, before the commit.
Progress = Callable[..., None]
PROGRESS_EVERY = 2000

EVENT_FIELDS = {
    CaseField.MEETING_DATE: StageKind.MEETING,
    CaseField.SM_REVIEW_DATE: StageKind.SM_REVIEW,
    CaseField.CASELOAD_REVIEW_DATE: StageKind.CASELOAD_REVIEW,
}
LABELS = dict(CaseField.choices)
CHILD_FIELDS = ("name", "date_of_birth", "legal_status", "team_id", "allocated_worker_id", "opened_on", "closed_on")


@dataclass(slots=True)
class CaseRow:
    line: int
    case_id: str
    values: dict  # Child field -> value, only for columns the file has
    events: dict[str, datetime.date]
    new_team: tuple[str, str] | None = None  # (service area, team) to create
    streamed: bool = False  # already sent to the database while later rows were checked


def choose_profile(headers: list[str], profile: MappingProfile | None) -> MappingProfile | None:
    """The profile asked for, or the first one (saved ones before shipped ones) whose headings the file has."""
    if profile is not None:
        return profile
    ensure_builtin_profiles()
    for saved in MappingProfile.objects.order_by("builtin", "name"):
        if matches(saved.columns, headers):
            return saved
    return None


class _Lookups:
    """Everything a row is checked against, read once for the whole file."""

    def __init__(self, profile: MappingProfile):
        self.statuses = {normalise_header(value): value for value in LegalStatus.values}
        self.statuses.update({normalise_header(label): value for value, label in LegalStatus.choices})
        self.statuses.update({normalise_header(k): v for k, v in COMMON_STATUSES.items()})
        self.statuses.update({normalise_header(k): v for k, v in profile.legal_statuses.items()})
        self.areas = {normalise_header(name): pk for pk, name in ServiceArea.objects.values_list("pk", "name")}
        self.teams: dict[str, list[tuple[int, int]]] = {}  # team name -> [(team id, area id)]
        for pk, name, area_id in Team.objects.values_list("pk", "name", "service_area_id"):
            self.teams.setdefault(normalise_header(name), []).append((pk, area_id))
        self.people_by_email: dict[str, int] = {}
        self.people_by_name: dict[str, list[int]] = {}
        for pk, email, name in Person.objects.filter(is_active=True).values_list("pk", "email", "full_name"):
            self.people_by_email[email.lower()] = pk
            self.people_by_name.setdefault(normalise_header(name), []).append(pk)
        self.answers: dict[tuple, tuple] = {}  # see _remembered


def _cells_by_field(cells: list[str], positions: list[tuple[str, int]]) -> dict[str, str]:
    """The row's text for each field the file has a column for ("" where the row is short). A field the file
    has no column for is absent, which is how a row says "leave it as it is". The readers strip every cell."""
    width = len(cells)
    return {field: cells[position] if position < width else "" for field, position in positions}


def _remembered(function):
    """`function(lookups, *texts)` worked out once per distinct text in the file (its answer or its RowProblem):
    an extract names the same thirty teams and few hundred workers on every one of its rows."""

    def lookup(lookups: _Lookups, *texts):
        key = (function, *texts)
        answer = lookups.answers.get(key)
        if answer is None:
            try:
                answer = lookups.answers[key] = (function(lookups, *texts), None)
            except RowProblem as exc:
                answer = lookups.answers[key] = (None, exc)
        if answer[1] is not None:
            raise RowProblem(str(answer[1]))
        return answer[0]

    return lookup


@_remembered
def _legal_status(lookups: _Lookups, text: str) -> str:
    status = lookups.statuses.get(normalise_header(text))
    if status is None:
        raise RowProblem(f"'{shorten(text)}' is not a legal status CaseAudit knows")
    return status


@_remembered
def _team(lookups: _Lookups, team: str, area: str | None) -> tuple[int | None, tuple[str, str] | None]:
    candidates = lookups.teams.get(normalise_header(team), [])
    if area:
        area_id = lookups.areas.get(normalise_header(area))
        in_area = [pk for pk, a in candidates if a == area_id]
        if in_area:
            return in_area[0], None
        return None, (area, team)
    if len(candidates) == 1:
        return candidates[0][0], None
    if candidates:
        raise RowProblem(f"more than one service area has a team called '{shorten(team)}': add a service area column")
    raise RowProblem(f"'{shorten(team)}' is not a team in CaseAudit: add a service area column to create it")


@_remembered
def _worker(lookups: _Lookups, text: str) -> int | None:
    if "@" in text:
        pk = lookups.people_by_email.get(text.lower())
        if pk is None:
            raise RowProblem(f"no active CaseAudit user has the email '{shorten(text)}'")
        return pk
    found = lookups.people_by_name.get(normalise_header(text), [])
    if len(found) == 1:
        return found[0]
    if found:
        raise RowProblem(f"more than one CaseAudit user is called '{shorten(text)}': use their email address")
    raise RowProblem(f"'{shorten(text)}' is not a CaseAudit user")


# Date columns and the Child field each one sets.
DATE_FIELDS = {
    CaseField.DATE_OF_BIRTH: "date_of_birth",
    CaseField.OPENED_ON: "opened_on",
    CaseField.CLOSED_ON: "closed_on",
}


def _check_row(
    line: int, cell: dict[str, str], lookups: _Lookups, today: datetime.date, result: ImportResult
) -> CaseRow | None:
    """One row's checks. `cell` is _cells_by_field's: .get() is None where the file has no such column.
    This runs once per row of a council's whole caseload, so it reads the cells from one dict."""
    errors: list[RowError] = []

    def problem(field: str, reason: str) -> None:
        errors.append(RowError(line, LABELS[field], reason))

    case_id = cell.get(CaseField.CASE_ID) or ""
    if not case_id:
        problem(CaseField.CASE_ID, "the case ID is empty")
    elif len(case_id) > 40:
        problem(CaseField.CASE_ID, "the case ID is longer than 40 characters")
    values: dict = {}
    events: dict[str, datetime.date] = {}
    new_team = None

    name = cell.get(CaseField.NAME)
    if name is None:
        first = cell.get(CaseField.FIRST_NAME)
        last = cell.get(CaseField.LAST_NAME)
        if first is not None or last is not None:
            name = f"{first} {last}" if first and last else (first or last or "")
    if name:
        if len(name) > 150:
            problem(CaseField.NAME, "the name is longer than 150 characters")
        values["name"] = name

    try:
        values["legal_status"] = _legal_status(lookups, cell.get(CaseField.LEGAL_STATUS) or "")
    except RowProblem as exc:
        problem(CaseField.LEGAL_STATUS, str(exc))

    team = cell.get(CaseField.TEAM) or ""
    if not team:
        problem(CaseField.TEAM, "the team is empty")
    else:
        try:
            team_id, new_team = _team(lookups, team, cell.get(CaseField.SERVICE_AREA))
            if team_id:
                values["team_id"] = team_id
        except RowProblem as exc:
            problem(CaseField.TEAM, str(exc))

    worker = cell.get(CaseField.ALLOCATED_WORKER)
    if worker == "":
        values["allocated_worker_id"] = None
    elif worker is not None:
        try:
            values["allocated_worker_id"] = _worker(lookups, worker)
        except RowProblem as exc:
            # The child is still imported: workers outside CaseAudit are common and not an error in the data.
            result.warnings.append(RowError(line, LABELS[CaseField.ALLOCATED_WORKER], f"{exc}; worker left as it was"))

    for field, attribute in DATE_FIELDS.items():
        text = cell.get(field)
        if text is None:
            continue
        if not text:
            if field == CaseField.CLOSED_ON:
                values["closed_on"] = None
            continue
        try:
            day = parse_date(text)
        except RowProblem as exc:
            problem(field, str(exc))
            continue
        if day > today:
            problem(field, f"{day:%d/%m/%Y} is in the future")
            continue
        values[attribute] = day
    if values.get("closed_on") and values.get("opened_on") and values["closed_on"] < values["opened_on"]:
        problem(CaseField.CLOSED_ON, "the case closes before it opens")

    for field, kind in EVENT_FIELDS.items():
        text = cell.get(field)
        if text:
            try:
                events[kind] = parse_date(text)
            except RowProblem as exc:
                problem(field, str(exc))

    if errors:
        result.errors.extend(errors)
        return None
    return CaseRow(line=line, case_id=case_id, values=values, events=events, new_team=new_team)


def _check_all(table, columns, lookups, existing, stored_events, today, result, progress, on_created=None) -> list:
    """Check every row against the file and the stored children: (action, row, changes) for the good ones."""
    seen: dict[str, int] = {}
    planned: list[tuple[str, CaseRow, dict | None]] = []
    total = len(table)
    positions = list(columns.items())
    for index_, (line, cells) in enumerate(table.rows):
        # The table is consumed: each row's raw cells are let go once checked, which keeps a
        # 100,000-row import's memory to what the checked rows need.
        table.rows[index_] = (line, [])
        count = index_ + 1
        if progress and count % PROGRESS_EVERY == 0 and count < total:
            progress(count, total)
        if len(cells) > len(table.headers) and any(cells[len(table.headers) :]):
            result.errors.append(RowError(line, "", "this row has more cells than the header has columns"))
            continue
        row = _check_row(line, _cells_by_field(cells, positions), lookups, today, result)
        if row is None:
            continue
        if row.case_id in seen:
            result.errors.append(
                RowError(
                    line, LABELS[CaseField.CASE_ID], f"{row.case_id} appears again (first on line {seen[row.case_id]})"
                )
            )
            continue
        seen[row.case_id] = line
        action, changes = _diff(row, existing.get(row.case_id), result)
        if action == "error":
            continue
        event_changes = {
            kind: [_plain(stored_events.get((row.case_id, kind))), day.isoformat()]
            for kind, day in row.events.items()
            if stored_events.get((row.case_id, kind)) != day
        }
        if event_changes and action == "unchanged":
            action = "updated"
        if event_changes and changes is not None:
            changes.update(event_changes)
        if action == "unchanged" and not row.new_team and not row.events:
            # Nothing of it is written: counted, not kept (most of a re-imported extract's memory).
            result.note(action, row.case_id)
            continue
        planned.append((action, row, changes))
        if on_created is not None and action == "created" and not row.new_team and not result.errors:
            on_created(row)
        result.note(action, row.case_id)
    return planned


class _Abandon(Exception):
    """A bad row after some rows were streamed: leave the transaction so they are rolled back."""


def _check_and_stream(table, columns, lookups, existing, stored_events, today, result, progress) -> list:
    """PostgreSQL commit, inside the caller's transaction: new children go to COPY while later rows are
    still being checked, so the server's work (indexes, foreign keys) overlaps the checking on the other
    core. A bad row anywhere raises _Abandon and the caller's transaction rolls back whatever was sent."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        names = ", ".join(connection.ops.quote_name(f) for f in ("case_id", *CHILD_FIELDS))
        sql = f"COPY {connection.ops.quote_name(Child._meta.db_table)} ({names}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:

            def stream(row: CaseRow) -> None:
                copy.write_row((row.case_id, *map(row.values.get, CHILD_FIELDS)))
                row.streamed = True

            planned = _check_all(
                table, columns, lookups, existing, stored_events, today, result, progress, on_created=stream
            )
            if result.errors:
                raise _Abandon
    return planned


def _diff(row: CaseRow, stored: tuple | None, result: ImportResult) -> tuple[str, dict | None]:
    """(action, {field: [old, new]}) for a checked row against the child as stored.

    A new child's changes are None: they are its values, written out only when committed (a dict of
    pairs per row would double the memory a 100,000-row file needs)."""
    if stored is None:
        missing = [
            label for key, label in (("name", "name"), ("opened_on", "case opened date")) if key not in row.values
        ]
        if missing:
            result.errors.append(
                RowError(row.line, "", f"a new child needs a {' and a '.join(missing)}: the file has none for this row")
            )
            return "error", None
        return "created", None
    existing = dict(zip(CHILD_FIELDS, stored[1:], strict=True))
    changes = {}
    for field, new in row.values.items():
        if field == "team_id" and row.new_team:
            continue
        if existing[field] != new:
            changes[field] = [_plain(existing[field]), _plain(new)]
    if row.new_team:
        changes["team_id"] = [existing["team_id"], f"new team {row.new_team[1]}"]
    opened = row.values.get("opened_on", existing["opened_on"])
    closed = row.values.get("closed_on", existing["closed_on"])
    if closed and closed < opened:
        result.errors.append(RowError(row.line, LABELS[CaseField.CLOSED_ON], "the case closes before it opens"))
        return "error", None
    if "closed_on" in changes:
        return ("closed" if changes["closed_on"][1] else "reopened"), changes
    return ("updated" if changes else "unchanged"), changes


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def import_case_extract(
    table: Table,
    *,
    profile: MappingProfile | None,
    actor: Person | None,
    commit: bool,
    filename: str = "",
    sha256: str = "",
    run: ImportRun | None = None,
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Check every row; when `commit` and nothing is wrong, write it all in one transaction."""
    today = today or timezone.localdate()
    result = ImportResult(kind=ImportKind.CASES, dry_run=not commit, total_rows=len(table))
    profile = choose_profile(table.headers, profile)
    if profile is None:
        result.errors.append(
            RowError(0, "", "the column headings match no mapping profile: choose a profile or save one for this file")
        )
        return result
    result.profile = profile.name
    index, errors = header_index(table.headers)
    columns, missing = locate(
        index, profile.columns, [CaseField.CASE_ID, CaseField.LEGAL_STATUS, CaseField.TEAM], LABELS
    )
    result.errors.extend(errors + missing)
    if result.errors:
        return result

    lookups = _Lookups(profile)
    # case ID -> (pk, *CHILD_FIELDS): tuples, not dicts or model instances, for a council's whole caseload.
    existing = {
        row[0]: row[1:] for row in Child.objects.values_list("case_id", "pk", *CHILD_FIELDS).iterator(chunk_size=5000)
    }
    stored_events = {(c, k): d for c, k, d in CaseEvent.objects.values_list("child__case_id", "kind", "happened_on")}
    checks = (table, columns, lookups, existing, stored_events, today, result, progress)
    run_fields = {"actor": actor, "filename": filename, "sha256": sha256, "run": run}
    if commit and connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                planned = _check_and_stream(*checks)
                _finish_check(planned, lookups, result, progress)
                _write(planned, existing, result, progress, **run_fields)
        except _Abandon:
            pass
        return result
    planned = _check_all(*checks)
    _finish_check(planned, lookups, result, progress)
    if commit and not result.errors:
        _write(planned, existing, result, progress, **run_fields)
    return result


def _finish_check(planned, lookups: _Lookups, result: ImportResult, progress: Progress | None) -> None:
    if progress:
        progress(result.total_rows, result.total_rows)
    new_teams = sorted({row.new_team for _, row, _ in planned if row.new_team})
    if new_teams:
        result.created_around["teams"] = [f"{team} ({area})" for area, team in new_teams]
        new_areas = sorted({area for area, _ in new_teams if normalise_header(area) not in lookups.areas})
        if new_areas:
            result.created_around["service areas"] = new_areas


def _write(planned, existing, result: ImportResult, progress: Progress | None, **run_fields) -> None:
    new_teams = sorted({row.new_team for _, row, _ in planned if row.new_team})
    # One summary entry names the children, teams and run this import made, appended as its transaction
    # ends: the change history's lock is held for milliseconds, not the whole import (decision 0082).
    with transaction.atomic(), recorded_in_bulk("Case extract import", actor=run_fields["actor"]) as bulk:
        team_ids = {}
        for area, team in new_teams:
            area_obj, _ = ServiceArea.objects.get_or_create(name=area.strip())
            team_obj, _ = Team.objects.get_or_create(service_area=area_obj, name=team.strip())
            team_ids[(area, team)] = team_obj.pk
        for _, row, _ in planned:
            if row.new_team:
                row.values["team_id"] = team_ids[row.new_team]
        insert_rows(
            Child._meta.db_table,
            ["case_id", *CHILD_FIELDS],
            (
                (row.case_id, *map(row.values.get, CHILD_FIELDS))
                for action, row, _ in planned
                if action == "created" and not row.streamed
            ),
        )
        # Changed children: every field written, the file's value where it has one, the stored value otherwise.
        update_rows(
            Child._meta.db_table,
            "id",
            CHILD_FIELDS,
            [
                (existing[row.case_id][0], *_merged(existing[row.case_id], row))
                for action, row, changes in planned
                if action not in ("created", "unchanged") and any(f in CHILD_FIELDS for f in changes)
            ],
        )
        if progress:
            written = sum(1 for action, _, _ in planned if action != "unchanged")
            progress(written, written, phase="written")
        ids = dict(Child.objects.values_list("case_id", "pk").iterator(chunk_size=10000))
        bulk.add(Child, (ids[row.case_id] for action, row, _ in planned if action == "created"))
        _write_events(planned, ids)
        run = record_run(
            result=result,
            planned=((action, row.case_id, ids.get(row.case_id), changes) for action, row, changes in planned),
            **run_fields,
        )
        bulk.describe(f"Case extract import, run {run.pk} ({run.filename})", import_run=run.pk)
        result.committed = True


def _merged(stored: tuple, row: CaseRow) -> list:
    return [row.values.get(field, old) for field, old in zip(CHILD_FIELDS, stored[1:], strict=True)]


def _write_events(planned, ids: dict[str, int]) -> None:
    rows = [(ids[row.case_id], kind, day) for _, row, _ in planned for kind, day in row.events.items()]
    if not rows:
        return
    kinds = {kind for _, kind, _ in rows}
    stored = {(c, k): pk for pk, c, k in CaseEvent.objects.filter(kind__in=kinds).values_list("pk", "child_id", "kind")}
    new = [CaseEvent(child_id=c, kind=k, happened_on=d) for c, k, d in rows if (c, k) not in stored]
    changed = [CaseEvent(pk=stored[(c, k)], child_id=c, kind=k, happened_on=d) for c, k, d in rows if (c, k) in stored]
    CaseEvent.objects.bulk_create(new, batch_size=2000)
    CaseEvent.objects.bulk_update(changed, ["happened_on"], batch_size=500)
