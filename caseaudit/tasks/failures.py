"""A task that failed its last try is e-mailed to the QA administrators (the tasks page lists it too)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from .retry import RETRIED
from .words import describe, error_in_words

log = logging.getLogger(__name__)


def tell_qa_of_last_failure(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if task_result.status != "FAILED" or not task_result.errors:
        return
    error = task_result.errors[-1]
    if error.exception_class_path == RETRIED:
        return  # not the last try: the next one is queued
    from caseaudit.organisation.models import Person
    from caseaudit.organisation.roles import Role

    try:
        to = list(
            Person.objects.filter(role_assignments__role=Role.QA_ADMIN, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        what = describe(task_result.task.name, task_result.args, task_result.kwargs)
        if to:
            send_mail(
                f"{settings.SERVICE_NAME}: background task failed: {what}",
                f"A background task failed and will not be tried again.\n\n"
                f"What it was for: {what}\n"
                f"Error: {error_in_words(error.exception_class_path, error.traceback)}\n\n"
                f"See Background tasks: {settings.SITE_URL}/tasks/\n",
                None,
                to,
            )
    except Exception:  # the worker must go on: the failure is still on the tasks page
        log.exception("Could not e-mail the QA administrators about failed task %s", task_result.id)
