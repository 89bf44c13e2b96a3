"""The `caseaudit` console script: manage.py, installed on the PATH."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: name it plainly,
        # without a traceback that hides the one line that matters.
        sys.stderr.write(f"CaseAudit cannot start: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
