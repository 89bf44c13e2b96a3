"""A month's programme in progress, for the QA administrator (issue 44, point 5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caseaudit.organisation.roles import Role
from caseaudit.web.permissions import require_role

from ..forms import ProgressFilterForm, ProgressListForm
from ..selectors import (
    DUE_SOON_DAYS,
    PROGRESS_FLAGS,
    PROGRESS_STAGES,
    programme_month_audit_list,
    programme_month_progress,
)
from ..services.progress import reminders_last_sent, reminders_send

PAGE_SIZE = 50
COLUMNS = {**PROGRESS_STAGES, "overdue": PROGRESS_FLAGS["overdue"], "total": "All"}


def _valid(form: ProgressFilterForm) -> ProgressFilterForm:
    # The filters come from the page's own select boxes and links: anything else is an address nobody was given.
    if not form.is_valid():
        raise Http404("No such month or service area")
    return form


def _cells(row: dict, link: str, who: str) -> list[dict]:
    """A row's counts, each with the address of the audits it counts and words for a screen reader."""
    return [
        {
            "name": name,
            "count": row[name],
            "href": f"{link}&stage={name}" if name != "total" else link,
            "says": f"{label.lower() if name != 'total' else 'all'} {who}",
        }
        for name, label in COLUMNS.items()
    ]


def show(request):
    require_role(request.user, Role.QA_ADMIN)
    today = timezone.localdate()
    form = _valid(ProgressFilterForm(request.GET, today=today))
    month, area = form.chosen()
    progress = programme_month_progress(month=month, service_area=area, today=today)
    audits_url = reverse("audits:programme_progress_audits") + "?" + form.query()
    month_name = f"{month:%B %Y}"
    totals = _cells(progress["totals"], audits_url, f"audits, {month_name}")
    by_auditor = [
        {
            "name": row["auditor__full_name"] or "No auditor",
            "behind": bool(row["auditor_id"] and (row["overdue"] or row["due_soon"])),
            "cells": _cells(
                row,
                f"{audits_url}&auditor={row['auditor_id']}" if row["auditor_id"] else f"{audits_url}&unassigned=on",
                f"audits of {row['auditor__full_name'] or 'no auditor'}",
            ),
        }
        for row in progress["by_auditor"]
    ]
    by_team = [
        {
            "name": row["team__name"],
            "cells": _cells(row, f"{audits_url}&team={row['team_id']}", f"audits in {row['team__name']}"),
        }
        for row in progress["by_team"]
    ]
    context = {
        "form": form,
        "month": month,
        "service_area": area,
        "progress": progress,
        "columns": COLUMNS,
        "totals_rows": [{"name": "All", "cells": totals}],
        "by_auditor": by_auditor,
        "by_team": by_team,
        "last_reminded": reminders_last_sent(),
        "due_soon_days": DUE_SOON_DAYS,
        "today": today,
    }
    return render(request, "audits/programme_progress.html", context)


def audits(request):
    """The audits behind one count of the progress page, a page at a time."""
    require_role(request.user, Role.QA_ADMIN)
    today = timezone.localdate()
    form = _valid(ProgressListForm(request.GET, today=today))
    month, area = form.chosen()
    data = form.cleaned_data
    stage, team, auditor, unassigned = data["stage"], data["team"], data["auditor"], data["unassigned"]
    rows = programme_month_audit_list(
        month=month, service_area=area, today=today, stage=stage, team=team, auditor=auditor, unassigned=unassigned
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for audit in page.object_list:
        audit.overdue = audit.status == "draft" and audit.due_on is not None and audit.due_on < today
    if auditor is not None:
        whose = f"by {auditor.full_name}"
    elif unassigned:
        whose = "with no auditor"
    else:
        whose = f"in {team.name}" if team is not None else ""
    kept = {k: v for k, v in {"stage": stage, "team": team and team.pk, "auditor": auditor and auditor.pk}.items() if v}
    if unassigned:
        kept["unassigned"] = "on"
    context = {
        "form": form,
        "month": month,
        "service_area": area,
        "stage": {**COLUMNS, **PROGRESS_FLAGS}.get(stage, "All") if stage else "All",
        "whose": whose,
        "page": page,
        "query": form.query(**kept),
        "back_query": form.query(),
    }
    return render(request, "audits/programme_progress_audits.html", context)


@require_POST
def remind(request):
    require_role(request.user, Role.QA_ADMIN)
    today = timezone.localdate()
    form = _valid(ProgressFilterForm(request.POST, today=today))
    month, area = form.chosen()
    reminded = reminders_send(month=month, service_area=area, today=today)
    if reminded.sent:
        names = ", ".join(person.full_name for person in reminded.sent)
        count = len(reminded.sent)
        text = f"Reminder{'' if count == 1 else 's'} sent to {count} auditor{'' if count == 1 else 's'}: {names}."
    else:
        text = "No reminders sent."
    if reminded.not_sent:
        names = ", ".join(person.full_name for person in reminded.not_sent)
        text += f" Already reminded today, or no longer active: {names}."
    if not reminded.sent and not reminded.not_sent:
        text = f"Nobody has a draft overdue or due within {DUE_SOON_DAYS} days: no reminders sent."
    messages.success(request, text)
    return redirect(reverse("audits:programme_progress") + "?" + form.query())
