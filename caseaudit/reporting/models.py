"""Reports prepared for publishing. A published report is a frozen snapshot: later edits to records do not change it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from caseaudit.web.outbox import Delivery


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Report(models.Model):
    title = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    service_area = models.ForeignKey("organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey("organisation.Team", null=True, blank=True, on_delete=models.PROTECT)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The frozen figures, written once when the report is published.
    snapshot = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="report_period_in_order"),
            models.CheckConstraint(
                condition=Q(status="draft", snapshot__isnull=True) | Q(status="published", snapshot__isnull=False),
                name="report_snapshot_iff_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly (financial quarters)"


class ReportSubscription(models.Model):
    """A report emailed as a PDF after each month or quarter ends, by the scheduled job."""

    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    service_area = models.ForeignKey("organisation.ServiceArea", null=True, blank=True, on_delete=models.CASCADE)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="report_subscriptions",
        blank=True,
        help_text="The director always receives it too",
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} report{f' for {self.service_area}' if self.service_area else ''}"


class ReportDelivery(Delivery):
    """One row per subscription and period: claimed before sending, so a period is sent once; how its
    sending ended (sent, waiting to be tried again, failed, unconfirmed: caseaudit/web/outbox.py)."""

    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name="deliveries")
    start = models.DateField()
    end = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField()

    class Meta(Delivery.Meta):
        verbose_name_plural = "report deliveries"  # not Django's "report deliverys"
        constraints = [
            *Delivery.Meta.constraints,
            models.UniqueConstraint(fields=["subscription", "start"], name="deliver_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.start}–{self.end}"


class MonthFigures(models.Model):
    """One calendar month's counts of finalised and shared case file audits, per team, kept ahead of time.

    A report reads a dozen of these rows instead of counting a year's audits, judgements and activities
    (decision 0074). `teams` maps a team's id to its counts (caseaudit/reporting/tallies.py). A month is
    counted again when a MonthChanged row names it; a month with no row is counted when first asked for."""

    month = models.DateField(unique=True, help_text="The month's first day")
    teams = models.JSONField(default=dict)
    counted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.month:%B %Y}"


class MonthChanged(models.Model):
    """A write that may change a month's figures, inserted by the database's own triggers on audits,
    section judgements and activities (migration 0003), so no write can forget it. Insert-only: writers
    never wait for one another or for a report. The report deletes the rows it has counted."""

    month = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.month:%B %Y} changed"


class FamilyQuote(models.Model):
    """A family's written answer that a QA administrator picked for the Director's report, stored with the child's
    name, the case number and the family member's name already removed (reporting/quotes.py). It belongs to the
    report of the period its invitation was sent in. One quote per written answer, held by the database: two QA
    administrators picking the same answer at once get one quote and a clear message, never two."""

    response = models.ForeignKey("family.Response", on_delete=models.CASCADE, related_name="+")
    # Which written answer: a free-text question's id, or "anything_else".
    source = models.CharField(max_length=20)
    question = models.CharField(max_length=300, help_text="The question as it was asked")
    text = models.TextField(help_text="The family's words, names removed")
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    picked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["picked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "source"], name="family_quote_once_per_answer"),
            models.CheckConstraint(condition=~Q(text=""), name="family_quote_has_words"),
        ]

    def __str__(self) -> str:
        return f"Quote: {self.text[:60]}"


class ThemeName(models.Model):
    """QA's name for a theme found in what auditors wrote (reporting/themes.py), or the theme it was merged into.
    A theme is known by its key, which the same findings always give; the report's themes page and the evidence
    pack show the name and fold a merged theme into its target (reporting/theme_names.py)."""

    key = models.CharField(max_length=300, unique=True)
    label = models.CharField(max_length=100, blank=True)
    merged_into = models.CharField(max_length=300, blank=True)
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(label="") | ~Q(merged_into=""), name="theme_name_says_something"),
            models.CheckConstraint(condition=~Q(merged_into=F("key")), name="theme_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.key} (merged)"
