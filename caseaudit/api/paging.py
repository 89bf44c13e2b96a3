"""Limit/offset paging with a total count and the next page's link; stable order by id."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet

MAX_LIMIT = 200


def page(request, queryset: QuerySet, limit: int, offset: int, serialise) -> dict:
    queryset = queryset.order_by("pk")
    total = queryset.count()
    items = [serialise(obj) for obj in queryset[offset : offset + limit]]
    next_link = None
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        next_link = request.build_absolute_uri(request.path) + "?" + urlencode(sorted(query.items()))
    return {"count": total, "limit": limit, "offset": offset, "next": next_link, "results": items}
