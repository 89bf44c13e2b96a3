"""Audit tools (versioned), programmes and their samples, and the audits themselves."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from . import scales
from .grades import Answer as AnswerChoice

PERSON = settings.AUTH_USER_MODEL


class ToolKind(models.TextChoices):
    CASE_FILE = "case_file", "Case file audit"
    THEMED = "themed", "Themed (targeted) audit"


class AuditTool(models.Model):
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=ToolKind.choices, default=ToolKind.CASE_FILE)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> ToolVersion | None:
        return self.versions.order_by("-number").first()


class ToolVersion(models.Model):
    """A frozen question set. An audit keeps the version it was done on."""

    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    # The scale its grades are given on (issue 32, point 4; audits/scales.py). A used version keeps its scale:
    # changing the scale makes a new version, as changing the questions does.
    scale = models.CharField(max_length=20, choices=scales.ScaleKey.choices, default=scales.ScaleKey.OFSTED)

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="tool_version_number_once"),
            models.CheckConstraint(condition=Q(scale__in=scales.ScaleKey.values), name="tool_version_scale_known"),
        ]

    def __str__(self) -> str:
        return f"{self.tool}, version {self.number}"

    @property
    def in_use(self) -> bool:
        return self.audits.exists() or self.programmes.exists()

    @property
    def grading_scale(self) -> scales.Scale:
        return scales.scale_for(self.scale)


class ToolSection(models.Model):
    """A practice area, such as Voice of the Child."""

    version = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    guidance = models.TextField(blank=True)
    # A grade an inspector cannot trace to evidence is worth little: submitting needs the evidence unless the
    # tool says this practice area's grade can stand alone.
    evidence_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="section_position_once")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "Yes, partly, no or not applicable"
    TEXT = "text", "Free text"


class ToolQuestion(models.Model):
    section = models.ForeignKey(ToolSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.CHOICE)

    class Meta:
        ordering = ["section", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "position"], name="question_position_once")]

    def __str__(self) -> str:
        return self.text


class ProgrammeKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly case file audits"
    THEMED = "themed", "Themed audit"


class ProgrammeStatus(models.TextChoices):
    PLANNING = "planning", "Planning the sample"
    CONFIRMED = "confirmed", "Sample confirmed"


class Programme(models.Model):
    """A month's audits for a service area, or a themed audit across many children."""

    kind = models.CharField(max_length=10, choices=ProgrammeKind.choices, default=ProgrammeKind.MONTHLY)
    title = models.CharField(max_length=200, help_text="For a themed audit, the theme")
    service_area = models.ForeignKey(
        "organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT, related_name="programmes"
    )
    month = models.DateField(help_text="The first day of the month the audits belong to")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="programmes")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNING)
    lookback_months = models.PositiveSmallIntegerField(
        default=12, help_text="Children audited within this many months are not sampled again"
    )
    # Themed audits sample across teams by size, optionally one legal status.
    sample_size = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The share of the sample given a second, blind audit when confirmed (issue 32), and the seed of the random
    # choice, so which files were chosen can be shown to have been chosen fairly.
    double_audit_percent = models.PositiveSmallIntegerField(default=0)
    double_audit_seed = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_area", "month"],
                condition=Q(kind="monthly"),
                name="one_monthly_programme_per_area",
            ),
            models.CheckConstraint(
                condition=Q(kind="themed") | Q(service_area__isnull=False), name="monthly_programme_has_area"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("month")), name="programme_due_after_month_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_confirmed(self) -> bool:
        return self.status == ProgrammeStatus.CONFIRMED


class ProgrammeQuota(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    team = models.ForeignKey("organisation.Team", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["programme", "team"], name="quota_once_per_team")]

    def __str__(self) -> str:
        return f"{self.team}: {self.quota}"


class SampleEntry(models.Model):
    """A child proposed for a programme, before the QA administrator confirms the sample."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sample")
    child = models.ForeignKey("organisation.Child", on_delete=models.CASCADE, related_name="+")
    auditor = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["child__team__name", "child__name"]
        constraints = [models.UniqueConstraint(fields=["programme", "child"], name="child_sampled_once")]

    def __str__(self) -> str:
        return f"{self.child} in {self.programme}"


class AuditKind(models.TextChoices):
    CASE_FILE = "case_file", "Case file audit"
    RE_AUDIT = "re_audit", "Re-audit"
    THEMED = "themed", "Themed audit"


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_MODERATION = "in_moderation", "In moderation"
    FINALISED = "finalised", "Finalised"
    SHARED = "shared", "Shared"
    # A second, blind audit (issue 32) ends here when the moderator has reconciled it with the first: its grades
    # are kept, but the child's file counts once in every figure, through the first audit.
    RECONCILED = "reconciled", "Reconciled"


OPEN_STATUSES = (AuditStatus.DRAFT, AuditStatus.SUBMITTED, AuditStatus.IN_MODERATION)
DONE_STATUSES = (AuditStatus.FINALISED, AuditStatus.SHARED)
# Every grade of every scale: which scale a grade must be on is the tool version's, checked by the services
# (a constraint cannot look across to the version).
_GRADES = scales.ALL_VALUES


class Audit(models.Model):
    kind = models.CharField(max_length=12, choices=AuditKind.choices, default=AuditKind.CASE_FILE)
    child = models.ForeignKey("organisation.Child", on_delete=models.PROTECT, related_name="audits")
    # The team and worker when the file was audited: reports and sharing must
    # not move when the child later changes team or worker.
    team = models.ForeignKey("organisation.Team", on_delete=models.PROTECT, related_name="audits")
    worker = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="audited_work")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="audits")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="re_audits", verbose_name="re-audit of"
    )
    auditor = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="audits_to_do")
    # A second, independent audit of the same file by another auditor (issue 32, decision 0103): neither auditor
    # sees the other's until both have submitted; the moderator then reconciles the two into the first.
    second_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="second_audit",
        verbose_name="second, blind audit of",
    )  # fmt: skip
    auditor_name = models.CharField(
        max_length=150, blank=True, help_text="For imported audits by people not in CaseAudit"
    )
    moderator = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="moderations")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AuditStatus.choices, default=AuditStatus.DRAFT)

    overall_grade = models.CharField(max_length=24, choices=scales.ALL_CHOICES, blank=True)
    is_critical = models.BooleanField(
        "Inadequate – critical", default=False, help_text="An immediate safeguarding concern"
    )
    critical_action = models.TextField(blank=True)
    critical_action_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    critical_action_at = models.DateTimeField(null=True, blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    recommended_actions = models.TextField(blank=True)
    # Why the overall grade lies outside the range of the practice areas' grades (issue 44, point 3):
    # "Outstanding" overall with an area "Inadequate" may be right, but never without a word.
    overall_grade_reason = models.TextField(blank=True)

    moderated_overall_grade = models.CharField(max_length=24, choices=scales.ALL_CHOICES, blank=True)
    moderation_reason = models.TextField(blank=True)
    final_grade = models.CharField(max_length=24, choices=scales.ALL_CHOICES, blank=True, db_index=True)

    audit_date = models.DateField(null=True, blank=True, help_text="When the audit was completed")
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    imported = models.BooleanField(default=False)
    import_ref = models.CharField(max_length=60, null=True, blank=True, unique=True)
    # Optimistic concurrency: every save checks and bumps it (audits/services.py).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-audit_date", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["auditor", "status"]),
            models.Index(fields=["child", "audit_date"]),
            models.Index(fields=["audit_date", "final_grade"]),
            # Home and "my audits" list critical audits still awaiting action: a handful among 100,000s.
            models.Index(
                fields=["team"], condition=Q(is_critical=True, critical_action=""), name="audit_critical_awaiting"
            ),
            # The same few in My audits' order: a council-wide person's first 25 are read off this index instead
            # of scanning every audit by date for them (22 ms at 100,000 audits).
            models.Index(
                fields=["audit_date", "id"],
                condition=Q(is_critical=True, critical_action=""),
                name="audit_critical_by_date",
            ),
            # Moderated, waiting to be shared, oldest first (My audits): the first 25 without sorting them all.
            models.Index(fields=["finalised_at", "id"], condition=Q(status="finalised"), name="audit_to_share"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AuditStatus.values), name="audit_status_known"),
            models.CheckConstraint(
                condition=Q(overall_grade="") | Q(overall_grade__in=_GRADES), name="audit_overall_grade_known"
            ),
            models.CheckConstraint(
                condition=Q(is_critical=False)
                | Q(overall_grade__in=scales.NEEDS_RESPONSE)
                | Q(moderated_overall_grade__in=scales.NEEDS_RESPONSE),
                name="audit_critical_only_if_inadequate",
            ),
            models.CheckConstraint(
                condition=Q(auditor__isnull=True) | Q(worker__isnull=True) | ~Q(auditor=F("worker")),
                name="audit_not_by_own_worker",
            ),
            models.CheckConstraint(
                condition=Q(moderator__isnull=True) | Q(auditor__isnull=True) | ~Q(moderator=F("auditor")),
                name="audit_not_moderated_by_auditor",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["finalised", "shared"], final_grade__in=_GRADES)
                | (~Q(status__in=["finalised", "shared"]) & Q(final_grade="")),
                name="audit_final_grade_iff_finalised",
            ),
            models.CheckConstraint(
                condition=~Q(kind="re_audit") | Q(follows__isnull=False), name="re_audit_follows_an_audit"
            ),
            models.CheckConstraint(
                condition=Q(second_of__isnull=True) | ~Q(second_of=F("id")), name="audit_not_its_own_second"
            ),
            models.CheckConstraint(
                condition=~Q(status="reconciled") | Q(second_of__isnull=False), name="audit_reconciled_only_if_second"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def critical_awaiting_action(self) -> bool:
        return self.is_critical and not self.critical_action

    @property
    def grade_was_moderated(self) -> bool:
        return bool(self.moderated_overall_grade) and self.moderated_overall_grade != self.overall_grade

    @property
    def auditor_display(self) -> str:
        return str(self.auditor) if self.auditor_id else (self.auditor_name or "Not recorded")


class SectionJudgement(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="judgements")
    section = models.ForeignKey(ToolSection, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=24, choices=scales.ALL_CHOICES, blank=True)
    evidence = models.TextField(blank=True)
    moderated_grade = models.CharField(max_length=24, choices=scales.ALL_CHOICES, blank=True)
    moderation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "section__position"]
        # The period report counts grades per practice area for a period's audits: with the grades in the
        # index PostgreSQL reads them from it (an index-only scan) instead of reading every judgement in the
        # table (15 ms instead of 100 ms for a year at 100,000 audits, measured; decision 0072).
        indexes = [
            models.Index(fields=["audit", "section", "grade", "moderated_grade"], name="judgement_grades_by_audit")
        ]
        constraints = [
            models.UniqueConstraint(fields=["audit", "section"], name="one_judgement_per_section"),
            models.CheckConstraint(condition=Q(grade="") | Q(grade__in=_GRADES), name="judgement_grade_known"),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.get_grade_display() or 'not graded'}"

    @property
    def final_grade(self) -> str:
        return self.moderated_grade or self.grade

    @property
    def was_changed(self) -> bool:
        return bool(self.moderated_grade) and self.moderated_grade != self.grade


class Answer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ToolQuestion, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=AnswerChoice.choices, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return self.get_choice_display() or self.text[:50]


class ActivityKind(models.TextChoices):
    FILE_REVIEW = "file_review", "File review"
    PRACTITIONER = "practitioner", "Conversation with the practitioner"
    FAMILY = "family", "Family feedback"
    MODERATION = "moderation", "Moderation"
    OTHER = "other", "Other"


class Activity(models.Model):
    """A piece of audit activity: who did what, when."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    carried_out_by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    happened_on = models.DateField()
    notes = models.TextField(blank=True)
    family_words = models.TextField(blank=True, help_text="What the family said, in their own words")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%d %b %Y}"


class AuditReturn(models.Model):
    """A moderator sent the audit back to its auditor, with the reason (issue 44, point 2).

    One row per return: an audit returned twice keeps both, and its change history keeps what the grades
    were when it was returned."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="returns")
    returned_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-returned_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="audit_return_has_reason")]

    def __str__(self) -> str:
        return f"{self.audit} returned by {self.returned_by}"


class Acknowledgement(models.Model):
    """The worker or their manager has read the finalised audit, and may respond."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="acknowledgements")
    person = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["audit", "person"], name="acknowledge_once")]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.audit}"
