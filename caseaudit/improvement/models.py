"""The response to an inadequate audit: a plan, its stages with stored deadlines, actions and a ledger."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

PERSON = settings.AUTH_USER_MODEL


class Timescales(models.Model):
    """The council's timescales (one row). Defaults are source 000's process."""

    meeting_working_days = models.PositiveSmallIntegerField(
        "Day-three meeting, working days after the grade", default=3
    )
    review_working_days = models.PositiveSmallIntegerField(
        "Service manager review, working days after the grade", default=10
    )
    caseload_review_working_days = models.PositiveSmallIntegerField(
        "Caseload review decision, working days", default=10
    )
    reaudit_months = models.PositiveSmallIntegerField("Re-audit, months after the grade", default=3)
    caseload_lookback_months = models.PositiveSmallIntegerField(
        "Caseload review when the same professional had another inadequate grade within (months)", default=12
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        "Remind this many working days before a deadline", default=1
    )
    escalation_interval_working_days = models.PositiveSmallIntegerField(
        "Escalate one level up the management line every (working days overdue)", default=2
    )

    class Meta:
        verbose_name_plural = "timescales"

    def __str__(self) -> str:
        return "Timescales for the response to inadequate audits"

    @classmethod
    def current(cls) -> Timescales:
        current = cls.objects.order_by("pk").first()
        if current is None:
            with transaction.atomic():  # the defaults and their history entry, or neither
                current = cls.objects.create()
        return current


class ResponsibleRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO = "iro", "Independent reviewing officer"


class PlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ImprovementPlan(models.Model):
    audit = models.OneToOneField("audits.Audit", on_delete=models.PROTECT, related_name="improvement_plan")
    child = models.ForeignKey("organisation.Child", on_delete=models.PROTECT, related_name="improvement_plans")
    team = models.ForeignKey("organisation.Team", on_delete=models.PROTECT, related_name="improvement_plans")
    responsible = models.ForeignKey(PERSON, null=True, on_delete=models.PROTECT, related_name="improvement_plans")
    responsible_role = models.CharField(
        max_length=20, choices=ResponsibleRole.choices, default=ResponsibleRole.SOCIAL_WORKER
    )
    opened_on = models.DateField(help_text="The date of the inadequate grade (day 0)")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN, db_index=True)
    repeat_inadequate = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        # A period report's plans are those opened in the period (reporting.figures.improvement_figures).
        indexes = [models.Index(fields=["opened_on", "team"], name="plan_opened_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="plan_closed_date_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Improvement plan for case {self.child.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN


class StageKind(models.TextChoices):
    NOTIFICATION = "notification", "Notification"
    MEETING = "meeting", "Day-three meeting"
    SM_REVIEW = "sm_review", "Service manager review"
    CASELOAD_REVIEW = "caseload_review", "Whole caseload review"
    REAUDIT = "reaudit", "Re-audit"
    CLOSURE = "closure", "Closure"


STAGE_ORDER = [k.value for k in StageKind]


class CaseloadDecision(models.TextChoices):
    REQUIRED = "required", "Required"
    NOT_REQUIRED = "not_required", "Not required"


class Stage(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(blank=True)
    attendees = models.TextField(blank=True)
    chair = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=CaseloadDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reaudit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "due_on"]
        indexes = [
            models.Index(fields=["completed_on", "due_on"]),
            # Every column a period report's timeliness counts read, so that they are read off the index
            # for each plan opened in the period instead of scanning every stage (decision 0075).
            models.Index(fields=["plan", "kind", "due_on", "completed_on", "completed_by"], name="stage_timeliness"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="one_stage_of_each_kind"),
            models.CheckConstraint(
                condition=~Q(decision="not_required") | ~Q(decision_reason=""), name="not_required_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.plan}"

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    def rag(self, today: datetime.date, amber_days: int = 2) -> str:
        return stage_rag(self.due_on, self.completed_on, today, amber_days)


def stage_rag(
    due_on: datetime.date | None, completed_on: datetime.date | None, today: datetime.date, amber_days: int = 2
) -> str:
    """A stage's red, amber or green against its stored deadline ("done", or "none" without a deadline). A
    function of the two dates, so the dashboard can work it out from values without building a Stage."""
    from caseaudit.web.workdays import working_days_between

    if completed_on is not None or due_on is None:
        return "done" if completed_on is not None else "none"
    left = working_days_between(today, due_on)
    if left < 0:
        return "red"
    return "amber" if left <= amber_days else "green"


class RemedialAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="remedial_actions")
    due_on = models.DateField(db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    created_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]
        # The actions open at a period's end: not completed, or completed after it (decision 0075).
        indexes = [models.Index(fields=["completed_on", "created_on", "due_on"], name="action_open_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | ~Q(evidence=""), name="completed_action_has_evidence"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("created_on")), name="action_due_not_in_past"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None


class PlanEvent(models.Model):
    """The plan's timeline: every stage transition, who, when, from, to, note."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=StageKind.choices, blank=True)
    from_state = models.CharField(max_length=60, blank=True)
    to_state = models.CharField(max_length=60)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.stage}: {self.from_state} → {self.to_state}"

    # The timeline in plain words (issue 44, point 7): "Day-three meeting held", not "Due → Held".
    PHRASES: ClassVar[dict[tuple[str, str], str]] = {
        ("meeting", "Held"): "Day-three meeting held",
        ("sm_review", "Completed"): "Service manager review completed",
        ("caseload_review", "Completed"): "Whole caseload review completed",
        ("reaudit", "Completed"): "Re-audit completed",
        ("reaudit", "Repeat inadequate"): "Re-audit graded Inadequate again",
        ("closure", "Closed"): "Plan closed",
    }

    def describe(self) -> str:
        phrase = self.PHRASES.get((self.stage, self.to_state))
        if phrase:
            return phrase
        if self.stage == "caseload_review" and self.from_state == "Flagged":
            return f"Whole caseload review decided: {self.to_state[:1].lower()}{self.to_state[1:]}"
        if self.stage in ("", "notification"):
            return self.to_state
        return f"{StageKind(self.stage).label}: {self.to_state[:1].lower()}{self.to_state[1:]}"
