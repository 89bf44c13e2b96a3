"""Retention periods per legal status, and the record of what was anonymised under them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseaudit.organisation.models import LegalStatus

PERSON = settings.AUTH_USER_MODEL

# Configurable defaults, not legal advice: each council's records manager sets
# its own (docs/decisions/0041). Migration 0002 saves the same values as rows. "Until age" is a birthday; "years after closure"
# counts from the case's closure; the record is kept until the later of the two.
DEFAULT_RETENTION: dict[str, tuple[int | None, int | None, str]] = {
    LegalStatus.EARLY_HELP: (
        21,
        6,
        "Kept to the 21st birthday (18 + 3) and at least 6 years after closure: a common local authority "
        "retention schedule for early help records.",
    ),
    LegalStatus.CHILD_IN_NEED: (
        21,
        6,
        "Kept to the 21st birthday (18 + 3) and at least 6 years after closure: a common local authority "
        "retention schedule for children in need.",
    ),
    LegalStatus.CHILD_PROTECTION: (
        None,
        35,
        "Kept 35 years after closure: a common local authority retention schedule for child protection records.",
    ),
    LegalStatus.LOOKED_AFTER: (
        75,
        None,
        "Kept to the 75th birthday: the Care Planning, Placement and Case Review (England) Regulations 2010 "
        "(reg. 50) keep a looked-after child's case record until then.",
    ),
    LegalStatus.CARE_LEAVER: (
        75,
        None,
        "Kept to the 75th birthday: a care leaver's records are part of their looked-after case record.",
    ),
    LegalStatus.NOT_RECORDED: (
        75,
        35,
        "Legal status not known yet (a child first met in a historic audit import): the longest periods any "
        "status has, until a case extract says which applies.",
    ),
}


class RetentionPeriod(models.Model):
    """How long a closed child's records are kept, for one legal status."""

    legal_status = models.CharField(max_length=32, choices=LegalStatus.choices, unique=True)
    keep_until_age = models.PositiveSmallIntegerField(
        "Keep until this birthday", null=True, blank=True, help_text="For example 75 for looked-after children"
    )
    years_after_closure = models.PositiveSmallIntegerField(
        "Keep at least this many years after the case closed", null=True, blank=True
    )
    basis = models.TextField(help_text="Why this period: the regulation, guidance or local schedule it follows")

    class Meta:
        ordering = ["legal_status"]
        constraints = [
            models.CheckConstraint(
                condition=Q(keep_until_age__isnull=False) | Q(years_after_closure__isnull=False),
                name="retention_has_a_period",
            ),
            models.CheckConstraint(
                condition=Q(legal_status__in=LegalStatus.values), name="retention_legal_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_legal_status_display()}: {self.description}"

    @property
    def description(self) -> str:
        parts = []
        if self.keep_until_age is not None:
            parts.append(f"until the {_ordinal(self.keep_until_age)} birthday")
        if self.years_after_closure is not None:
            parts.append(f"{self.years_after_closure} years after the case closed")
        return " or ".join(parts) + (", whichever is later" if len(parts) == 2 else "")

    def erase_after(self, *, date_of_birth: datetime.date | None, closed_on: datetime.date) -> datetime.date:
        """The last day the records are kept; anonymised on any later day. Never before closure.

        An unknown date of birth (children met first in a historic import) counts as born on the day
        the case closed: the birthday bound then falls no earlier than it really does."""
        candidates = [closed_on]
        if self.keep_until_age is not None:
            candidates.append(_add_years(date_of_birth or closed_on, self.keep_until_age))
        if self.years_after_closure is not None:
            candidates.append(_add_years(closed_on, self.years_after_closure))
        return max(candidates)


class Anonymisation(models.Model):
    """A child whose identifying data was removed under the retention policy (at most once)."""

    child = models.OneToOneField("organisation.Child", on_delete=models.PROTECT, related_name="anonymisation")
    anonymised_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey("RetentionRun", on_delete=models.PROTECT, related_name="anonymisations")
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"Child {self.child_id} anonymised {self.anonymised_at:%d %b %Y}"


class RetentionRun(models.Model):
    """One committed run of `caseaudit apply_retention`: who, when, how many."""

    ran_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField(help_text="The day the retention periods were counted to")
    by = models.ForeignKey(PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    os_user = models.CharField("operating-system user", max_length=150)
    children_anonymised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"Retention run on {self.ran_at:%d %b %Y %H:%M}: {self.children_anonymised} anonymised"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
