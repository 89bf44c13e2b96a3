"""Creating and revoking API tokens. The clear token is returned once and never stored."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from caseaudit.organisation.models import Person

from .models import ApiToken, Scope, TokenKind, hash_secret

DEFAULT_DAYS = 90
MAX_DAYS = 365


class TokenError(ValueError):
    pass


def _expiry(days: int) -> datetime.datetime:
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Expiry must be between 1 and {MAX_DAYS} days")
    return timezone.now() + datetime.timedelta(days=days)


@transaction.atomic
def token_create_personal(*, person: Person, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        kind=TokenKind.PERSONAL,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        person=person,
        created_by=person,
        expires_at=_expiry(days),
    )
    return token, secret


@transaction.atomic
def token_create_service(
    *, created_by: Person, name: str, scopes: list[str], days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise TokenError("Choose at least one known scope")
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        kind=TokenKind.SERVICE,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=sorted(scopes),
        created_by=created_by,
        expires_at=_expiry(days),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    # Under a row lock, so revoking twice keeps the first time; saved (not updated) so the change history has it.
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])


def tokens_revoke_for_leaver(*, person: Person, **_signal: object) -> list[str]:
    """accounts.signals.person_left: revoke every personal token the leaver holds; their prefixes."""
    revoked = []
    for token in ApiToken.objects.filter(person=person, kind=TokenKind.PERSONAL, revoked_at__isnull=True):
        token_revoke(token=token)
        revoked.append(token.prefix)
    return revoked
