"""The self-evaluation evidence pack (issue 35): a year's audits, moderation, family feedback, learning and the
inadequate-response process, drafted into the three questions a council's self-evaluation answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


# The three questions of the self-evaluation (ILACS), in order: the pack's sections.
QUESTIONS = {
    "know": "What do we know about the quality and impact of social work practice?",
    "how": "How do we know it?",
    "improve": "What are we doing to improve it?",
}


class EvidencePack(models.Model):
    """A draft is figured from the records each time it is read; publishing freezes its figures and narrative,
    as a published report is frozen (reporting.models.Report)."""

    title = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    service_area = models.ForeignKey("organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT)
    know = models.TextField("What do we know about the quality and impact of social work practice?", blank=True)
    how = models.TextField("How do we know it?", blank=True)
    improve = models.TextField("What are we doing to improve it?", blank=True)
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.DRAFT)
    figures = models.JSONField(null=True, blank=True)  # frozen when published
    # The themes found in what auditors wrote in the period (reporting/theme_names.py), found when the pack is
    # drafted and again when QA asks: finding them takes seconds, too long to do each time the pack is read.
    themes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency: two QA officers editing the narrative never overwrite each other.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="pack_period_in_order"),
            models.CheckConstraint(
                condition=Q(status="draft", figures__isnull=True) | Q(status="published", figures__isnull=False),
                name="pack_figures_iff_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PackStatus.PUBLISHED

    def narrative(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in QUESTIONS}
