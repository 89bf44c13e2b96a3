"""Data-protection pages are for QA administrators only; everyone else gets 404."""

from __future__ import annotations

from caseaudit.organisation.access import get_child_for
from caseaudit.organisation.models import Child, Person
from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role


def get_child_for_data_protection(person: Person, pk: int) -> Child:
    require_role(person, Role.QA_ADMIN)
    return get_child_for(person, pk)
