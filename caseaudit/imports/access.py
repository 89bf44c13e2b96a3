"""Imports and reconciliation are QA administrators' work: everyone else gets 404."""

from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role


def require_import_admin(person) -> None:
    require_role(person, Role.QA_ADMIN)
