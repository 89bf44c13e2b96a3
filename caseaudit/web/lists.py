"""Reads that pages share about lists."""

from __future__ import annotations

from django.db.models import QuerySet


def first_and_total(rows: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all: one query, and a count only when there are more."""
    shown = list(rows[: limit + 1])
    if len(shown) <= limit:
        return shown, len(shown)
    return shown[:limit], rows.count()
