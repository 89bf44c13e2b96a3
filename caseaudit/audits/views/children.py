"""A child's record: the child and their audits (issue 36: the page lists audits, so audits serves it and
organisation, below audits, need not import it). caseaudit/urls.py mounts it at /children/<pk>/ under the
name it always had, organisation:child_show."""

from auditlog.signals import accessed
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caseaudit.organisation.access import get_child_for

from ..selectors import audits_of_child

AUDITS_PAGE_SIZE = 20


@require_GET
def show(request, pk: int):
    child = get_child_for(request.user, pk)
    # Every read of a child's record is logged (who, when, from where).
    accessed.send(sender=type(child), instance=child)
    page = Paginator(audits_of_child(request.user, child), AUDITS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audits/child_show.html", {"child": child, "page": page, "audits": page.object_list})
