"""Signing in and loading the signed-in person on each request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from caseaudit.organisation.models import Person


class PersonBackend(ModelBackend):
    """Django's ModelBackend, except that loading the signed-in person on each request also reads their roles
    and their "sign out everywhere" time in the same query (a join, one row per role). Every page needs all
    three, and they were three queries of the five each page spent on who is signed in (decision 0072)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not password_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        rows = list(
            Person._default_manager.filter(pk=user_id).annotate(
                role_held=F("role_assignments__role"), signed_out_before=F("session_cutoff__not_before")
            )
        )
        if not rows:
            return None
        person = rows[0]
        # What Person.roles (a cached_property) would have read, for this request only.
        person.__dict__["roles"] = frozenset(row.role_held for row in rows if row.role_held)
        return person if self.user_can_authenticate(person) else None


def password_allowed(email: str | None) -> bool:
    """Local passwords, unless switched off (CASEAUDIT_LOCAL_PASSWORDS=false, with sign-in through the council's
    account): then only for the named break-glass administrators."""
    if settings.CASEAUDIT_LOCAL_PASSWORDS:
        return True
    return (email or "").strip().lower() in settings.CASEAUDIT_BREAK_GLASS_EMAILS
