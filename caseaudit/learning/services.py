"""Changes to learning entries and recommendations, and their reminders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caseaudit.organisation.models import Person

from .models import FOLLOW_UP_STATUSES, FollowUp, LearningEntry, Recommendation, RecommendationSource


class LearningRuleError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def learning_entry_record(
    *,
    by: Person,
    kind: str,
    title: str,
    happened_on: datetime.date,
    summary: str,
    themes: list[str],
    audience: str = "",
    link: str = "",
    attachment=None,
    prompted_by: str = "",
) -> LearningEntry:
    """One transaction with its change-history entry: a failed history write keeps no entry."""
    return LearningEntry.objects.create(
        kind=kind,
        title=title,
        happened_on=happened_on,
        audience=audience,
        summary=summary,
        link=link,
        attachment=attachment or "",
        themes=themes,
        prompted_by=prompted_by,
        created_by=by,
    )


@transaction.atomic
def recommendation_source_create(*, kind: str, title: str, reported_on: datetime.date) -> RecommendationSource:
    return RecommendationSource.objects.create(kind=kind, title=title, reported_on=reported_on)


@transaction.atomic
def recommendation_add(
    *,
    source: RecommendationSource,
    text: str,
    agreed_action: str,
    owner: Person,
    raised_on: datetime.date,
    due_on: datetime.date,
    practice_areas: list[str] | None = None,
) -> Recommendation:
    return Recommendation.objects.create(
        source=source,
        text=text,
        agreed_action=agreed_action,
        owner=owner,
        raised_on=raised_on,
        due_on=due_on,
        practice_areas=list(dict.fromkeys(practice_areas or [])),
    )


def follow_up_record(
    *, recommendation_id: int, by: Person, status: str, evidence: str, reviewed_on: datetime.date
) -> FollowUp:
    """Record a follow-up; the history is kept and the recommendation shows the latest status."""
    if status not in FOLLOW_UP_STATUSES:
        raise LearningRuleError("Choose how far the recommendation has been implemented", field="status")
    if not evidence.strip():
        raise LearningRuleError("Describe the evidence seen at this follow-up", field="evidence")
    if reviewed_on > timezone.localdate():
        raise LearningRuleError("The date of the follow-up cannot be in the future", field="reviewed_on")
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation_id)
        if reviewed_on < recommendation.raised_on:
            raise LearningRuleError("The follow-up cannot be before the recommendation was agreed", field="reviewed_on")
        follow_up = FollowUp.objects.create(
            recommendation=recommendation,
            reviewed_on=reviewed_on,
            status=status,
            evidence=evidence.strip(),
            recorded_by=by,
        )
        # The follow-up was created just above, so there is always a latest one.
        latest = recommendation.follow_ups.order_by("-reviewed_on", "-pk")[0]
        recommendation.status = latest.status
        recommendation.save(update_fields=["status"])
    return follow_up


@dataclass
class RecommendationRun:
    reminders: int = 0
    escalations: int = 0
    details: list[str] = field(default_factory=list)


def recommendations_due(*, today: datetime.date, interval_working_days: int = 2) -> RecommendationRun:
    """Overdue recommendations join the improvement process's reminders and escalation:
    the owner is reminded the day before, then the owner's line is told one level per interval."""
    from caseaudit.messaging.services import send_once
    from caseaudit.web.workdays import working_days_between

    run = RecommendationRun()
    open_recommendations = Recommendation.objects.exclude(status="fully").select_related(
        "owner__line_manager", "source"
    )
    for recommendation in open_recommendations.iterator(chunk_size=500):
        link = settings.SITE_URL + reverse("learning:recommendation_show", args=[recommendation.pk])
        key = f"recommendation:{recommendation.pk}:{recommendation.due_on.isoformat()}"
        left = working_days_between(today, recommendation.due_on)
        what = f"the recommendation from {recommendation.source}"
        with transaction.atomic():
            if 0 <= left <= 1 and send_once(
                key=f"{key}:reminder",
                recipient=recommendation.owner,
                reason="Reminder: recommendation due",
                subject=f"Reminder: {what} is due {recommendation.due_on:%d %B}",
                body=f"{recommendation.agreed_action}\n\nDue by {recommendation.due_on:%d %B %Y}.\n{link}",
            ):
                run.reminders += 1
            if left >= 0:
                continue
            line = recommendation.owner.managers_above(4)
            level = min(len(line), 1 + (-left - 1) // max(1, interval_working_days))
            for n in range(level):
                if send_once(
                    key=f"{key}:escalate:{n + 1}",
                    recipient=line[n],
                    reason=f"Escalation level {n + 1}: recommendation overdue",
                    subject=f"Overdue: {what}",
                    body=f"{recommendation.owner} owns this agreed action, due {recommendation.due_on:%d %B %Y}:\n"
                    f"{recommendation.agreed_action}\n{link}",
                ):
                    run.escalations += 1
                    run.details.append(f"Recommendation {recommendation.pk} escalated to {line[n]}")
    return run
