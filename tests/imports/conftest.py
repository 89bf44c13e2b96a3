import pytest

from caseaudit.imports.profiles import ensure_builtin_profiles

from ..improvement.conftest import finalise  # noqa: F401  (the real path from a finalised audit to a plan)


@pytest.fixture(autouse=True)
def builtin_profiles(db):
    """Transactional tests elsewhere flush the tables, data-migration rows included: put the shipped profiles back."""
    ensure_builtin_profiles()
