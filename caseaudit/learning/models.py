"""The learning log, and the tracker of recommendations from audits and inspections."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

PERSON = settings.AUTH_USER_MODEL


class LearningKind(models.TextChoices):
    BRIEFING = "briefing", "Briefing"
    NEWSLETTER = "newsletter", "Newsletter"
    PRESENTATION = "presentation", "Presentation or event"
    GUIDANCE = "guidance", "Practice standard or guidance"
    FORM_CHANGE = "form_change", "Case-system form change"
    TRAINING = "training", "Training"
    CALIBRATION = "calibration", "Calibration session"
    OTHER = "other", "Other"


class LearningEntry(models.Model):
    kind = models.CharField(max_length=20, choices=LearningKind.choices)
    title = models.CharField(max_length=200)
    happened_on = models.DateField("Date")
    audience = models.CharField(max_length=200, blank=True)
    summary = models.TextField()
    link = models.URLField(blank=True)
    attachment = models.FileField(upload_to="learning/%Y/", blank=True)
    # Practice areas and themes it answers, by name (areas match the audit tool's sections).
    themes = models.JSONField(default=list, blank=True)
    # The figures that prompted it, cited as text so the entry stays true when records change.
    prompted_by = models.TextField(blank=True)
    audits = models.ManyToManyField("audits.Audit", blank=True, related_name="learning_entries")
    programmes = models.ManyToManyField("audits.Programme", blank=True, related_name="learning_entries")
    created_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name_plural = "learning entries"
        indexes = [models.Index(fields=["happened_on", "kind"])]
        constraints = [models.CheckConstraint(condition=Q(kind__in=LearningKind.values), name="learning_kind_known")]

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    INSPECTION = "inspection", "Inspection (for example Ofsted)"
    CASE_REVIEW = "case_review", "Case review"
    QA_REPORT = "qa_report", "QA team report"


class RecommendationSource(models.Model):
    """A report whose recommendations the service agreed to act on."""

    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=200)
    reported_on = models.DateField()

    class Meta:
        ordering = ["-reported_on", "title"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    FULLY = "fully", "Fully implemented"
    SUBSTANTIALLY = "substantially", "Substantially implemented"
    PARTIALLY = "partially", "Partially implemented"
    NOT_IMPLEMENTED = "not_implemented", "Not implemented"


FOLLOW_UP_STATUSES = [Status.FULLY, Status.SUBSTANTIALLY, Status.PARTIALLY, Status.NOT_IMPLEMENTED]


class Recommendation(models.Model):
    source = models.ForeignKey(RecommendationSource, on_delete=models.PROTECT, related_name="recommendations")
    text = models.TextField("Recommendation")
    agreed_action = models.TextField()
    owner = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="recommendations")
    raised_on = models.DateField()
    due_on = models.DateField()
    # The practice areas it is about, by name, as a learning entry's themes: the impact of learning compares their
    # grades before and after the date it was agreed (learning/impact.py).
    practice_areas = models.JSONField(default=list, blank=True)
    # The latest follow-up's status, kept here for listing; FollowUp holds the history.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED, db_index=True)

    class Meta:
        ordering = ["source", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("raised_on")), name="recommendation_due_after_raised"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="recommendation_status_known"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != Status.FULLY and self.due_on < today


class FollowUp(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follow_ups")
    reviewed_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices)
    evidence = models.TextField()
    recorded_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(evidence=""), name="follow_up_has_evidence"),
            models.CheckConstraint(condition=~Q(status="not_started"), name="follow_up_sets_a_result"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.reviewed_on:%d %b %Y}"


class CalibrationSession(models.Model):
    """Several auditors grade one case file, or an anonymised vignette, independently against the current tool;
    then the spread of their grades is shown, and the grades agreed and the learning points are recorded (issue 32,
    point 3). Closing it writes the learning points into the learning log."""

    title = models.CharField(max_length=200)
    held_on = models.DateField("Date of the session")
    tool_version = models.ForeignKey("audits.ToolVersion", on_delete=models.PROTECT, related_name="+")
    # A case file the auditors read in the case system (its ID only), or a vignette written without names.
    case_id = models.CharField("Case system ID", max_length=40, blank=True)
    vignette = models.TextField(blank=True)
    created_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    agreed_overall = models.CharField(max_length=24, blank=True)
    agreed_sections = models.JSONField(default=dict, blank=True)  # section id (as text) -> agreed grade
    learning_points = models.TextField(blank=True)
    learning_entry = models.OneToOneField(
        LearningEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="calibration_session"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(case_id="") & Q(vignette="")) | (Q(case_id="") & ~Q(vignette="")),
                name="calibration_case_or_vignette",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | (~Q(agreed_overall="") & Q(learning_entry__isnull=False)),
                name="calibration_closed_with_agreement",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CalibrationGrade(models.Model):
    """One auditor's grades in a session, given without seeing anyone else's."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="grades")
    auditor = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    overall_grade = models.CharField(max_length=24)
    section_grades = models.JSONField(default=dict)  # section id (as text) -> grade
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "auditor"], name="calibration_one_grading_each"),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} in {self.session}"

    @property
    def overall_label(self) -> str:
        from caseaudit.audits.scales import label

        return label(self.overall_grade)
