"""The message ledger: every e-mail CaseAudit sends, claimed once, then taken to a known end (decision 0100).

It sits low, just above the people it writes to, so that every app that sends (audits, improvement,
learning, reconciliation) imports it downwards (issue 36). A message about one child names the child, so
that the child's record can be found and anonymised with everything else about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caseaudit.organisation.models import Child
from caseaudit.web.outbox import Delivery


class SentMessage(Delivery):
    """To whom, what, when, why, and how its sending ended (sent, waiting to be tried again, failed with the
    server's answer, or unconfirmed: caseaudit/web/outbox.py). The unique key is claimed before sending, so a
    message is never sent twice, even by two runs at once."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    reason = models.CharField(max_length=200)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta(Delivery.Meta):
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
