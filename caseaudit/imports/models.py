from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

PERSON = settings.AUTH_USER_MODEL


class CaseField(models.TextChoices):
    """What CaseAudit reads from a case extract. A profile names the file's heading for each."""

    CASE_ID = "case_id", "Case ID"
    NAME = "name", "Full name"
    FIRST_NAME = "first_name", "First name"
    LAST_NAME = "last_name", "Last name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    LEGAL_STATUS = "legal_status", "Legal status"
    TEAM = "team", "Team"
    SERVICE_AREA = "service_area", "Service area"
    ALLOCATED_WORKER = "allocated_worker", "Allocated worker"
    OPENED_ON = "opened_on", "Case opened"
    CLOSED_ON = "closed_on", "Case closed"
    MEETING_DATE = "meeting_date", "Day-three meeting held"
    SM_REVIEW_DATE = "sm_review_date", "Service manager review held"
    CASELOAD_REVIEW_DATE = "caseload_review_date", "Whole caseload review held"


class MappingProfile(models.Model):
    """How one case management system's report names its columns and legal statuses."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    system = models.CharField(max_length=80, blank=True, help_text="Liquidlogic LCS, Mosaic, Eclipse, CareFirst…")
    # CaseField value -> the heading in the file
    columns = models.JSONField(default=dict)
    # The file's legal status text (lower case) -> LegalStatus value
    legal_statuses = models.JSONField(default=dict)
    builtin = models.BooleanField(default=False, help_text="Shipped with CaseAudit; copy it to change it")
    created_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name


class ImportKind(models.TextChoices):
    CASES = "cases", "Case extract"
    AUDITS = "audits", "Historic audits"


class RunStatus(models.TextChoices):
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked"
    REJECTED = "rejected", "Has errors"
    COMMITTING = "committing", "Importing"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ImportRun(models.Model):
    """One file taken through the dry run and, when asked, the commit."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.CHECKING)
    filename = models.CharField(max_length=255)
    # Where the upload waits between the dry run and the commit; emptied afterwards (it names children).
    stored_file = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    profile = models.ForeignKey(MappingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    open_plans = models.BooleanField(default=False, help_text="Historic audits: open live plans for Inadequate")
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    # SHA-256 of every change the commit wrote (ImportChange rows): logged in the change history,
    # so an edited or deleted change row no longer matches what the trail recorded.
    changes_digest = models.CharField(max_length=64, blank=True)
    problem = models.TextField(blank=True)
    # Written every few seconds by the process running the check or the commit: a run in progress whose
    # heartbeat is older than CASEAUDIT_IMPORT_STALE_SECONDS has lost its process (runs.fail_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The task (django-tasks-db's id) checking or committing it now: a queued or running one keeps it alive.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_run_kind_known"),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="import_run_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.CHECKING, RunStatus.COMMITTING)

    @property
    def percent_checked(self) -> int:
        return int(100 * self.checked_rows / self.total_rows) if self.total_rows else 0


class ImportChange(models.Model):
    """One record an import created, changed or closed: the import's part of the change history."""

    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=12)
    ref = models.CharField(max_length=60, help_text="Case ID or audit reference")
    object_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "action"]), models.Index(fields=["ref"])]

    def __str__(self) -> str:
        return f"{self.action} {self.ref}"


class CaseEvent(models.Model):
    """The case system's date for an event the improvement process also records."""

    child = models.ForeignKey("organisation.Child", on_delete=models.CASCADE, related_name="case_events")
    kind = models.CharField(max_length=20)  # an improvement StageKind
    happened_on = models.DateField()
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "kind"], name="case_event_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.happened_on}"


class DeviationKind(models.TextChoices):
    CASE_CLOSED = "case_closed", "Case closed while the plan is open"
    TRANSFERRED = "transferred", "Case transferred to another team while the plan is open"
    WORKER_CHANGED = "worker_changed", "Allocated worker changed"
    REAUDIT_ON_CLOSED = "reaudit_closed", "Re-audit due on a closed case"
    STAGE_DATE_LATER = "stage_later", "Stage recorded later than the case system's date"


class DeviationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "No longer found"


class Deviation(models.Model):
    """Where the improvement tracking and the case system disagree."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=DeviationKind.choices)
    plan = models.ForeignKey("improvement.ImprovementPlan", on_delete=models.CASCADE, related_name="deviations")
    stage = models.ForeignKey(
        "improvement.Stage", null=True, blank=True, on_delete=models.CASCADE, related_name="deviations"
    )
    child = models.ForeignKey("organisation.Child", on_delete=models.CASCADE, related_name="deviations")
    reason = models.TextField()
    status = models.CharField(max_length=12, choices=DeviationStatus.choices, default=DeviationStatus.OPEN)
    first_found_on = models.DateField()
    last_found_on = models.DateField()
    note = models.TextField(blank=True)
    handled_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-first_found_on", "pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DeviationKind.values), name="deviation_kind_known"),
            models.CheckConstraint(condition=Q(status__in=DeviationStatus.values), name="deviation_status_known"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved"]) | (Q(handled_by__isnull=False) & ~Q(note="")),
                name="deviation_handled_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child_id}"

    @property
    def is_open(self) -> bool:
        return self.status == DeviationStatus.OPEN
