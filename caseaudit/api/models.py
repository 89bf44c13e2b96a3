"""API tokens: personal (act as their person) and service (a scope, no person)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX_LENGTH = 8


class Scope(models.TextChoices):
    READ_ORGANISATION = "read:organisation", "Read service areas, teams and children"
    READ_AUDITS = "read:audits", "Read audits, themed audits and improvement plans"
    READ_LEARNING = "read:learning", "Read the learning log and recommendations"
    READ_REPORTS = "read:reports", "Read report figures"
    WRITE_CASE_EXTRACTS = "write:case_extracts", "Import case extracts"
    WRITE_AUDITS = "write:audits", "Import historic audits"
    WRITE_STAFF = "write:staff", "Joiners and leavers from the HR or directory file"


class TokenKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    SERVICE = "service", "Service"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """Only the prefix (for lookup) and a SHA-256 of the whole token are kept; the token is shown once."""

    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    secret_hash = models.CharField(max_length=64)
    # A personal token acts as this person; a service token has none.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    scopes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="personal", person__isnull=False) | models.Q(kind="service", person__isnull=True)
                ),
                name="api_token_person_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} token {self.name} ({self.prefix})"

    @staticmethod
    def new_secret() -> tuple[str, str]:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        return prefix, f"ca_{prefix}_{secrets.token_urlsafe(32)}"

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(token))

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and (self.person is None or self.person.is_active)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
