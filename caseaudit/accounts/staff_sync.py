"""Joiners and leavers from the HR or directory export (issue 30, point 4; decision 0096).

The file has one row per person: email, name, team, role, active. Every row is checked first and every bad
row reported with its line; one bad row and nothing is written. A commit is one transaction: joiners
created (no usable password: they sign in with the council's account or reset one), changed people
updated, leavers deactivated with their sessions ended and their API tokens revoked. Nothing is deleted,
and someone missing from the file is left alone: only an explicit "active: no" makes a leaver.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from caseaudit.imports.services.columns import header_index
from caseaudit.imports.tables import ImportResult, RowError, RowProblem, Table, normalise_header, shorten
from caseaudit.organisation.models import Person, PersonRole, Team
from caseaudit.organisation.roles import Role

from .services import _history_says
from .signals import person_left
from .two_factor import sessions_end_everywhere

KIND = "staff"
NAME_LENGTH = 150  # Person.full_name
HEADINGS = {
    "email": ("email", "email address", "e mail", "mail", "work email"),
    "name": ("name", "full name", "display name"),
    "team": ("team", "team name"),
    "role": ("role", "roles"),
    "active": ("active", "enabled", "account enabled", "status"),
}
YES = {"true", "yes", "y", "1", "active", "enabled", "current"}
NO = {"false", "no", "n", "0", "inactive", "disabled", "left", "leaver"}
ROLES = {
    **{normalise_header(value): value for value in Role.values},
    **{normalise_header(label): value for value, label in Role.choices},
}
ROLE_NAMES = ", ".join(label for _, label in Role.choices)
# Several roles in one cell: "Auditor; Moderator" (a comma would split the CSV cell unless quoted).
_ROLE_SPLIT = re.compile(r"[;|,]")


@dataclass
class StaffRow:
    line: int
    email: str
    name: str
    team: Team | None  # None: the cell was empty (the team is left as it is)
    roles: frozenset[str] | None  # None: the cell was empty (the roles are left as they are)
    active: bool


@dataclass
class _Plan:
    joiners: list[StaffRow] = field(default_factory=list)
    changes: list[tuple[StaffRow, Person, dict]] = field(default_factory=list)
    leavers: list[tuple[StaffRow, Person]] = field(default_factory=list)


def _columns(headers: list[str]) -> tuple[dict[str, int], list[RowError]]:
    index, errors = header_index(headers)
    found: dict[str, int] = {}
    for name, headings in HEADINGS.items():
        for heading in headings:
            if heading in index:
                found[name] = index[heading]
                break
    if "email" not in found:
        errors.append(RowError(1, "email", "the required column 'email' (the person's work email address) is missing"))
    return found, errors


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    position = columns.get(name)
    return cells[position].strip() if position is not None and position < len(cells) else ""


def _teams() -> dict[str, list[Team]]:
    teams: dict[str, list[Team]] = {}
    for team in Team.objects.select_related("service_area"):
        teams.setdefault(normalise_header(team.name), []).append(team)
    return teams


def _team(text: str, teams: dict[str, list[Team]]) -> Team | None:
    if not text:
        return None
    found = teams.get(normalise_header(text), [])
    if not found:
        raise RowProblem(f"there is no team called '{shorten(text)}' in CaseAudit: add it first or correct the name")
    if len(found) > 1:
        areas = ", ".join(sorted(team.service_area.name for team in found))
        raise RowProblem(f"{len(found)} teams are called '{shorten(text)}' (in {areas}): rename one in CaseAudit")
    return found[0]


def _roles(text: str) -> frozenset[str] | None:
    if not text:
        return None
    roles = set()
    for part in filter(None, (normalise_header(p) for p in _ROLE_SPLIT.split(text))):
        if part not in ROLES:
            raise RowProblem(f"'{shorten(part)}' is not a CaseAudit role: use one of {ROLE_NAMES}")
        roles.add(ROLES[part])
    return frozenset(roles)


def _active(text: str) -> bool:
    key = normalise_header(text)
    if not key:
        return True
    if key in YES:
        return True
    if key in NO:
        return False
    raise RowProblem(f"'{shorten(text)}' is not yes or no: write true or false (or yes or no)")


def _read_rows(table: Table, result: ImportResult) -> list[StaffRow]:
    columns, errors = _columns(table.headers)
    result.errors.extend(errors)
    if errors:
        return []
    teams = _teams()
    first_line: dict[str, int] = {}
    rows = []
    for line, cells in table.rows:
        email = _cell(cells, columns, "email").lower()
        row_errors = []
        try:
            validate_email(email)
        except ValidationError:
            row_errors.append(RowError(line, "email", f"'{shorten(email)}' is not an email address"))
        else:
            if email in first_line:
                row_errors.append(RowError(line, "email", f"{email} is also on line {first_line[email]}"))
            else:
                first_line[email] = line
        name = _cell(cells, columns, "name")
        if len(name) > NAME_LENGTH:
            row_errors.append(RowError(line, "name", "the name is longer than 150 characters"))
        parsed: dict[str, object] = {}
        for column, parse in (("team", lambda t: _team(t, teams)), ("role", _roles), ("active", _active)):
            try:
                parsed[column] = parse(_cell(cells, columns, column))
            except RowProblem as problem:
                row_errors.append(RowError(line, column, str(problem)))
        if row_errors:
            result.errors.extend(row_errors)
            continue
        rows.append(StaffRow(line, email, name, parsed["team"], parsed["role"], parsed["active"]))  # type: ignore[arg-type]
    return rows


def _plan(rows: list[StaffRow], result: ImportResult, *, lock: bool) -> _Plan:
    people = Person.objects.filter(email__in=[row.email for row in rows])
    if lock:  # the people this sync changes stay as read until it commits
        people = people.select_for_update()
    by_email = {person.email.lower(): person for person in people}
    held: dict[int, set[str]] = {}
    for person_id, role in PersonRole.objects.filter(person__in=list(by_email.values())).values_list("person", "role"):
        held.setdefault(person_id, set()).add(role)
    plan = _Plan()
    for row in rows:
        person = by_email.get(row.email)
        if person is None:
            if not row.active:
                result.warnings.append(RowError(row.line, "email", f"{row.email} is not in CaseAudit: nothing to do"))
            elif not row.name:
                result.errors.append(RowError(row.line, "name", f"{row.email} is new to CaseAudit: give their name"))
            else:
                plan.joiners.append(row)
            continue
        if not row.active:
            if person.is_active:
                plan.leavers.append((row, person))
            continue
        if not person.is_active:
            result.warnings.append(
                RowError(row.line, "active", f"{row.email} is deactivated in CaseAudit: a QA administrator reactivates")
            )
            continue
        changed: dict = {}
        if row.name and row.name != person.full_name:
            changed["name"] = row.name
        if row.team is not None and row.team.pk != person.team_id:
            changed["team"] = row.team
        if row.roles is not None and row.roles != held.get(person.pk, set()):
            changed["roles"] = row.roles
        if changed:
            plan.changes.append((row, person, changed))
    _keep_an_administrator(plan, result)
    return plan


def _keep_an_administrator(plan: _Plan, result: ImportResult) -> None:
    """A sync may not leave CaseAudit with nobody to administer it (nor to reactivate anyone)."""
    losing = {person.pk for _, person in plan.leavers}
    losing |= {
        person.pk for _, person, changed in plan.changes if Role.QA_ADMIN not in changed.get("roles", {Role.QA_ADMIN})
    }
    gaining = any(row.roles and Role.QA_ADMIN in row.roles for row in plan.joiners)
    admins = set(PersonRole.objects.filter(role=Role.QA_ADMIN, person__is_active=True).values_list("person", flat=True))
    if admins and not admins - losing and not gaining:
        result.errors.append(RowError(0, "role", "this file would leave no active QA administrator: nothing written"))


def _note(result: ImportResult, plan: _Plan) -> None:
    for row in plan.joiners:
        result.note("joined", row.email)
    for row, _, changed in plan.changes:
        result.note("updated", f"{row.email} ({', '.join(sorted(changed))})")
    for row, _ in plan.leavers:
        result.note("left", row.email)


def _person_leave(person: Person) -> list[str]:
    """Deactivate, end every session, and let the apps above end what the person held (the API app revokes
    their personal tokens); returns what they ended (the revoked tokens' prefixes)."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    sessions_end_everywhere(person=person)
    return [ended for _, answer in person_left.send(sender=Person, person=person) for ended in answer or []]


def _write(plan: _Plan) -> None:
    for row in plan.joiners:
        person = Person(email=row.email, full_name=row.name, team=row.team)
        person.set_unusable_password()  # they sign in with the council's account, or reset a password
        person.save()
        for role in sorted(row.roles or ()):
            PersonRole.objects.create(person=person, role=role)
    for _, person, changed in plan.changes:
        if "name" in changed or "team" in changed:
            person.full_name = changed.get("name", person.full_name)
            person.team = changed.get("team", person.team)
            person.save(update_fields=["full_name", "team"])
        if "roles" in changed:
            for assignment in PersonRole.objects.filter(person=person).exclude(role__in=changed["roles"]):
                assignment.delete()  # one by one, so each removal is in the history
            have = set(PersonRole.objects.filter(person=person).values_list("role", flat=True))
            for role in sorted(changed["roles"] - have):
                PersonRole.objects.create(person=person, role=role)
    for _, person in plan.leavers:
        _person_leave(person)


def staff_sync(*, table: Table, commit: bool, filename: str = "", sha256: str = "") -> ImportResult:
    """Check the file and, with commit and no bad row, apply it in one transaction; the report either way."""
    result = ImportResult(kind=KIND, dry_run=not commit, total_rows=len(table))
    with transaction.atomic():
        rows = _read_rows(table, result)
        plan = _plan(rows, result, lock=commit and result.ok)
        if not result.ok:
            return result
        _note(result, plan)
        if commit:
            with _history_says({"staff_sync": {"file": filename, "sha256": sha256}}):
                _write(plan)
            result.committed = True
    return result


def staff_sync_file(*, data: bytes, filename: str, commit: bool) -> ImportResult:
    """The CSV or XLSX file as HR or the directory exported it (ImportFileError when it cannot be read)."""
    from caseaudit.imports.readers import read_table

    table = read_table(data, filename)
    return staff_sync(table=table, commit=commit, filename=filename, sha256=hashlib.sha256(data).hexdigest())
