"""Reads that pages share about lists."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def first_and_total(rows: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all: one query, and a count only when there are more."""
    shown = list(rows[: limit + 1])
    if len(shown) <= limit:
        return shown, len(shown)
    return shown[:limit], rows.count()


def counts(**lists: QuerySet) -> dict[str, int]:
    """How many rows each query holds, all read in one SELECT of COUNT(*) subqueries.

    The home page asks a dozen "how many": as one COUNT query each, the round trips and Django's work per
    query cost more than the counting (decision 0073). Each list counts exactly what `.count()` would:
    its own filters, rows made distinct by `.distinct()`. The lists must be read from one database.
    """
    found = dict.fromkeys(lists, 0)
    selected, selects, params, databases = [], [], [], set()
    for name, rows in lists.items():
        databases.add(rows.db)
        try:
            sql, list_params = rows.order_by().values("pk").query.get_compiler(rows.db).as_sql()
        except EmptyResultSet:  # .none(), or a filter that can match nothing (pk__in=[]): 0
            continue
        # Django compiled `sql` and keeps the values apart in list_params: nothing here is text from a person.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        selected.append(name)
        params.extend(list_params)
    if len(databases) > 1:
        raise ValueError(f"counts() reads one database; these lists route to {sorted(databases)}")
    if selects:
        with connections[databases.pop()].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            found.update(zip(selected, cursor.fetchone(), strict=True))
    return found


def counts_by_group(**groups: dict[str, QuerySet]) -> dict[str, dict[str, int]]:
    """counts() of several groups of lists (a page's sections) in the one SELECT, answered by group."""
    # A group's name is a keyword, so it has no space: "group name" is one list's name in one group only.
    found = counts(**{f"{group} {name}": rows for group, lists in groups.items() for name, rows in lists.items()})
    return {group: {name: found[f"{group} {name}"] for name in lists} for group, lists in groups.items()}
