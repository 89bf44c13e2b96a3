"""Links in the messages about a plan. The ledger that sends them is caseaudit.messaging (decision 0100)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from ..models import ImprovementPlan


def plan_link(plan: ImprovementPlan) -> str:
    return settings.SITE_URL + reverse("improvement:plan_show", args=[plan.pk])
