"""The monitoring dashboard: one row per open plan, each stage's due date and status."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from caseaudit.organisation.models import Person, PersonRole, Team
from caseaudit.organisation.roles import Role
from caseaudit.web.lists import first_and_total

from .models import ImprovementPlan, PlanStatus, RemedialAction, Stage, StageKind, stage_rag

DASHBOARD_STAGES = [StageKind.MEETING, StageKind.SM_REVIEW, StageKind.CASELOAD_REVIEW, StageKind.REAUDIT]
# Stages waiting on a person that their home page lists (the rest: "and N more" on the dashboard).
HOME_WAITING_LIMIT = 10
RAG_LABELS = {"red": "Overdue", "amber": "Due soon", "green": "On track", "done": "Done", "none": "–"}
# The GOV.UK tag colour of each status on the dashboard ("none" has no tag).
RAG_TAGS = {"red": "red", "amber": "yellow", "green": "green", "done": "grey"}


@dataclass
class StageCell:
    due_on: datetime.date | None
    completed_on: datetime.date | None
    rag: str

    @property
    def label(self) -> str:
        return RAG_LABELS[self.rag]

    # Worked out here rather than in the template: the dashboard draws 200 of these a page, and each
    # template branch and date filter was a measurable part of its time (decision 0072).
    @property
    def tag(self) -> str:
        return RAG_TAGS.get(self.rag, "")

    @property
    def when(self) -> str:
        if self.completed_on:
            return _day_month(self.completed_on)
        return f"due {_day_month(self.due_on)}" if self.due_on else ""


def _day_month(day: datetime.date) -> str:
    return f"{day.day} {day:%b}"  # as the template's date:"j M"


@dataclass(frozen=True)
class PlanLine:
    """What a dashboard row shows of its plan. Read as values, not models: a page of 50 plans with their
    child, team, service area, manager and stages was about 680 model objects, a third of its time."""

    pk: int
    case_id: str
    team: str
    service_area: str
    responsible: str | None
    opened_on: datetime.date
    repeat_inadequate: bool


# PlanLine's fields, as the database names them.
_PLAN_LINE = {
    "pk": "pk",
    "case_id": "child__case_id",
    "team": "team__name",
    "service_area": "team__service_area__name",
    "responsible": "responsible__full_name",
    "opened_on": "opened_on",
    "repeat_inadequate": "repeat_inadequate",
}


@dataclass
class DashboardRow:
    plan: PlanLine
    cells: dict[str, StageCell | None]
    open_actions: int
    overdue_actions: int

    @property
    def worst(self) -> str:
        rags = [c.rag for c in self.cells.values() if c] + (["red"] if self.overdue_actions else [])
        for rag in ("red", "amber", "green"):
            if rag in rags:
                return rag
        return "done"


def dashboard_plans(plans: QuerySet[ImprovementPlan], stage: str = "") -> QuerySet:
    """The open plans the dashboard lists, oldest first, as PlanLine values; with `stage`, only those where
    that stage is outstanding (red, amber or green: not done and with a deadline). Filtered in the database,
    so the page can be paginated and a download holds exactly the rows the pages show."""
    plans = plans.filter(status=PlanStatus.OPEN)
    if stage and stage not in DASHBOARD_STAGES:
        plans = plans.none()
    elif stage:
        outstanding = Stage.objects.filter(kind=stage, completed_on__isnull=True, due_on__isnull=False)
        plans = plans.filter(pk__in=outstanding.values("plan_id"))
    return plans.order_by("opened_on", "pk").values(*_PLAN_LINE.values())


def dashboard_rows_of(lines, today: datetime.date, plan_ids=None) -> list[DashboardRow]:
    """Rows for these plan lines (dashboard_plans' values): their stages and open actions in two queries.
    `plan_ids` narrows those two queries (a subquery for a download); by default, the lines' own ids."""
    lines = list(lines)
    ids = plan_ids if plan_ids is not None else [line["pk"] for line in lines]
    cells: dict[int, dict[str, StageCell]] = {}
    for plan_id, kind, due_on, completed_on in (
        Stage.objects.filter(plan_id__in=ids, kind__in=DASHBOARD_STAGES)
        .order_by()
        .values_list("plan_id", "kind", "due_on", "completed_on")
    ):
        cells.setdefault(plan_id, {})[kind] = StageCell(due_on, completed_on, stage_rag(due_on, completed_on, today))
    actions = {
        row["plan_id"]: (row["open"], row["overdue"])
        for row in RemedialAction.objects.filter(plan_id__in=ids, completed_on__isnull=True)
        .order_by()
        .values("plan_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    rows = []
    for line in lines:
        plan = PlanLine(**{name: line[column] for name, column in _PLAN_LINE.items()})
        by_kind = cells.get(plan.pk, {})
        rows.append(
            DashboardRow(plan, {kind: by_kind.get(kind) for kind in DASHBOARD_STAGES}, *actions.get(plan.pk, (0, 0)))
        )
    return rows


def dashboard_rows(plans: QuerySet[ImprovementPlan], today: datetime.date, stage: str = "") -> list[DashboardRow]:
    """Every matching plan's row (the downloads): stages and actions read through a subquery, not a list of ids."""
    lines = dashboard_plans(plans, stage)
    return dashboard_rows_of(lines, today, plan_ids=lines.order_by().values("pk"))


def export_table(rows: list[DashboardRow]) -> tuple[list[str], list[list]]:
    header = ["Case ID", "Team", "Service area", "Responsible", "Opened", "Repeat inadequate"]
    for kind in DASHBOARD_STAGES:
        label = StageKind(kind).label
        header += [f"{label} due", f"{label} done", f"{label} status"]
    header += ["Open actions", "Overdue actions"]
    table = []
    for row in rows:
        plan = row.plan
        line = [
            plan.case_id,
            plan.team,
            plan.service_area,
            plan.responsible or "",
            plan.opened_on,
            "Yes" if plan.repeat_inadequate else "No",
        ]
        for kind in DASHBOARD_STAGES:
            cell = row.cells[kind]
            line += [cell.due_on, cell.completed_on, cell.label] if cell else [None, None, "Not needed"]
        line += [row.open_actions, row.overdue_actions]
        table.append(line)
    return header, table


# Who sees the home page's count of plans with an overdue stage: those who oversee plans.
OVERSEE_PLANS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR, Role.QA_ADMIN)


def improvement_count_lists(person, today: datetime.date) -> dict[str, QuerySet]:
    """What the home page counts of improvement plans (web.lists.counts): the open plans the person may see
    with a stage past its deadline, for those who oversee plans."""
    from .access import plans_visible_to

    if not person.has_role(*OVERSEE_PLANS):
        return {}
    late = Stage.objects.filter(completed_on__isnull=True, due_on__lt=today).values("plan_id")
    return {"overdue_plans": plans_visible_to(person).filter(status=PlanStatus.OPEN, pk__in=late)}


def my_improvement_work(person, today: datetime.date, *, covering: bool) -> dict:
    """What the home page shows: my open actions, and stages waiting on me. `covering`: whether the person
    covers someone's absence today (the home page has read their absences already)."""
    from .access import plans_visible_to

    actions = list(
        RemedialAction.objects.filter(owner=person, completed_on__isnull=True, plan__status=PlanStatus.OPEN)
        .select_related("plan__child")
        .order_by("due_on")
    )
    waiting = Stage.objects.none()
    kinds = []
    if person.has_role(Role.PRACTICE_LEAD) or covering:
        kinds.append(StageKind.MEETING)
    if person.has_role(Role.SERVICE_MANAGER):
        kinds.append(StageKind.SM_REVIEW)
    if person.has_role(Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        kinds.append(StageKind.CASELOAD_REVIEW)
    if kinds:
        visible = plans_visible_to(person).filter(status=PlanStatus.OPEN)
        waiting = (
            Stage.objects.filter(plan__in=visible, kind__in=kinds, completed_on__isnull=True)
            .select_related("plan__child")
            .order_by("due_on")
        )
    about_me = list(ImprovementPlan.objects.filter(responsible=person, status=PlanStatus.OPEN).select_related("child"))
    # The most urgent few on the home page; the dashboard has them all.
    shown, total = first_and_total(waiting, HOME_WAITING_LIMIT)
    return {
        "actions": actions,
        "waiting": shown,
        "waiting_more": total - len(shown),
        "about_me": about_me,
        "today": today,
    }


# Who owns a remedial action is most often someone who knows the child: offered first (issue 44, point 6).
NEAR_ROLES = (Role.TEAM_MANAGER, Role.PRACTICE_LEAD, Role.SERVICE_MANAGER)
FIND_LENGTH = 100


@dataclass
class OwnerChoices:
    """The meeting form's owner lists: `choices` for a select (an empty choice, then groups), and how many
    people a search found (None when there was no search; 0 when it found nobody and everyone is listed)."""

    choices: list
    found: int | None
    team: str


def action_owner_choices(plan: ImprovementPlan, *, find: str = "", keep: Iterable[str] = ()) -> OwnerChoices:
    """Everyone active may own an action, but the child's team and its managers (the team manager, and the
    service area's practice leads and service managers) are listed first, then everyone else, each by name.
    `find` narrows both groups to people whose name or email holds it; the people in `keep` (already chosen
    in a row) stay listed, so narrowing never silently drops a choice. Three queries, however many staff."""
    teams = {plan.team_id, plan.child.team_id}
    team_rows = list(Team.objects.filter(pk__in=teams).values_list("manager_id", "service_area_id"))
    roles: dict[int, str] = {manager: Role.TEAM_MANAGER for manager, _ in team_rows if manager}
    area_roles = PersonRole.objects.filter(
        role__in=[Role.PRACTICE_LEAD, Role.SERVICE_MANAGER], person__service_area_id__in={a for _, a in team_rows}
    ).values_list("person_id", "role")
    for person_id, area_role in area_roles:
        roles.setdefault(person_id, area_role)
    people = list(
        Person.objects.filter(is_active=True).only("pk", "full_name", "email", "team_id").order_by("full_name", "pk")
    )
    needle = find.strip()[:FIND_LENGTH].casefold()
    kept = {str(value) for value in keep if value}
    found = None
    if needle:
        matched = {p.pk for p in people if needle in p.full_name.casefold() or needle in p.email.casefold()}
        found = len(matched)
        if matched:
            people = [p for p in people if p.pk in matched or str(p.pk) in kept]
    near, others = [], []
    for person in people:
        role = roles.get(person.pk)
        if role is not None:
            near.append((person.pk, f"{person.full_name}, {Role(role).label.lower()}"))
        elif person.team_id in teams:
            near.append((person.pk, person.full_name))
        else:
            others.append((person.pk, person.full_name))
    team = plan.team.name
    groups = [(f"{team} and its managers", near), ("Everyone else", others)]
    return OwnerChoices(
        choices=[("", "Choose an owner"), *[(label, rows) for label, rows in groups if rows]], found=found, team=team
    )
