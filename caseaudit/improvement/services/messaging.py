"""Sending each message once, and keeping it in the ledger."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from caseaudit.organisation.models import Person

from ..models import ImprovementPlan, SentMessage


def send_once(
    *, key: str, recipient: Person | None, subject: str, body: str, reason: str, plan: ImprovementPlan | None = None
) -> bool:
    """Claim `key` in the ledger, then send. A key already claimed (by this run,
    an earlier one, or one running at the same moment) sends nothing."""
    if recipient is None or not recipient.is_active:
        return False
    full_key = f"{key}:to:{recipient.pk}"
    try:
        with transaction.atomic():
            SentMessage.objects.create(
                key=full_key, recipient=recipient, subject=subject, body=body, reason=reason, plan=plan
            )
    except IntegrityError:
        return False
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=False)
    )
    return True


def plan_link(plan: ImprovementPlan) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("improvement:plan_show", args=[plan.pk])
