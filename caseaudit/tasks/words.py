"""What a task was for and why it failed, in plain words (the tasks page and the failure e-mail)."""

from __future__ import annotations

from typing import Any

# Task function name -> what it is for; "{0}" is its first argument (a record's number).
PURPOSES = {
    "import_check": "Checking import {0} (dry run)",
    "import_commit": "Importing import {0}",
    "report_pdf_make": "Making the PDF of published report {0}",
    "deadlines_run": "Deadline reminders and escalations",
    "reports_send": "Scheduled report deliveries",
    "imports_fail_stale": "Marking imports whose process stopped as failed",
    "task_results_prune": "Removing finished tasks older than 30 days",
    "schedule_tick": "Putting the scheduled work in the queue",
}
ERRORS = {
    "django.db.utils.OperationalError": "The database could not be used",
    "django.db.utils.InterfaceError": "The connection to the database was lost",
    "django.db.utils.IntegrityError": "Another change wrote the same records first",
    "builtins.TimeoutError": "Something took too long to answer",
    "builtins.ConnectionRefusedError": "A server refused the connection",
    "caseaudit.tasks.retry.TaskRetried": "A passing fault: it is tried again",
}


def describe(name: str, args: list | tuple, kwargs: dict[str, Any]) -> str:
    purpose = PURPOSES.get(name, name.replace("_", " ").capitalize())
    try:
        return purpose.format(*args, **kwargs)
    except (IndexError, KeyError):
        return purpose


def error_in_words(exception_class_path: str, traceback: str) -> str:
    """The error's own last line (its message), led by a plain description of its kind where we know it."""
    lines = [line for line in (traceback or "").strip().splitlines() if line.strip()]
    message = lines[-1].strip() if lines else exception_class_path
    known = ERRORS.get(exception_class_path)
    return f"{known}: {message}" if known else message
