from ..improvement.conftest import finalise  # noqa: F401  (the real path from a finalised audit to a plan)
