from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ..selectors import my_audit_list_page, my_audits


def index(request):
    """The person's audit work. `?list=NAME` shows one list in full, a page at a time."""
    today = timezone.localdate()
    name = request.GET.get("list")
    if name is None:
        return render(request, "audits/mine.html", {**my_audits(request.user, today), "today": today})
    one = my_audit_list_page(request.user, name, request.GET.get("page"), today)
    if one is None:
        raise Http404
    return render(request, "audits/mine_list.html", {"list": one, "query": f"list={name}", "today": today})
