"""Signing in and loading the signed-in person on each request."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from caseaudit.organisation.models import Person


class PersonBackend(ModelBackend):
    """Django's ModelBackend, except that loading the signed-in person on each request also reads their roles
    and their "sign out everywhere" time in the same query (a join, one row per role). Every page needs all
    three, and they were three queries of the five each page spent on who is signed in (decision 0072)."""

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
