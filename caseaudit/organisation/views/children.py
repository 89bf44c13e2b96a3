from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import children_visible_to
from ..filters import ChildFilter
from ..selectors import child_list

PAGE_SIZE = 50


@require_GET
def index(request):
    visible = children_visible_to(request.user)
    child_filter = ChildFilter(request.GET, queryset=visible, person=request.user)
    # An invalid filter (say, a team the person cannot see) lists nobody and
    # shows why, rather than quietly ignoring the filter.
    children = child_list(child_filter.qs if child_filter.is_valid() else visible.none())
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisation/child_index.html",
        {"filter": child_filter, "form": child_filter.form, "page": page, "query": query.urlencode()},
    )
