"""Background tasks: what the workers did lately and what failed, for QA administrators to read and run again."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role

from .selectors import task_list, task_row, tasks_failed_for_good
from .services import task_run_again

PAGE_SIZE = 50


def index(request):
    require_role(request.user, Role.QA_ADMIN)
    failed_only = request.GET.get("failed") == "only"
    page = Paginator(task_list(failed_only=failed_only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/index.html",
        {
            "page": page,
            "rows": [task_row(result) for result in page.object_list],
            "failed_only": failed_only,
            "failed_count": tasks_failed_for_good().count(),
            "query": "failed=only" if failed_only else "",
        },
    )


@require_POST
def run_again(request, pk: str):
    require_role(request.user, Role.QA_ADMIN)
    try:
        task_id = uuid.UUID(pk)
    except ValueError:
        raise Http404("No such task") from None
    row = task_row(get_object_or_404(DBTaskResult, id=task_id))
    outcome = task_run_again(task_id=str(task_id), by=request.user)
    if outcome.ran:
        messages.success(request, f"Queued again: {row.what}. A worker will run it from its first try.")
    else:
        messages.error(request, f"Not run again: {row.what}: {outcome.why_not}.")
    return redirect("tasks:index")
