"""Drafting, editing and publishing evidence packs."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from caseaudit.organisation.models import Person, ServiceArea
from caseaudit.reporting.figures import Scope
from caseaudit.reporting.report import in_report_order
from caseaudit.reporting.theme_names import themes_found

from .drafting import draft_narrative
from .figures import pack_figures
from .models import QUESTIONS, EvidencePack, PackStatus


class PackChanged(Exception):
    """Someone else saved or published the pack since the form was opened."""


def pack_title(start: datetime.date, end: datetime.date, service_area: ServiceArea | None) -> str:
    where = f", {service_area}" if service_area else ""
    return f"Self-evaluation evidence: {start:%-d %B %Y} to {end:%-d %B %Y}{where}"


def current_figures(pack: EvidencePack, today: datetime.date | None = None) -> dict:
    """The frozen figures of a published pack; a draft's, computed now from the records, with its themes as found
    when drafted, named and merged as QA has since."""
    if pack.figures is not None:
        # PostgreSQL's jsonb keeps a dict's keys in an order of its own: the report's tables back in theirs.
        return {**pack.figures, "report": in_report_order(pack.figures["report"])}
    return pack_figures(pack.start, pack.end, pack.service_area, today=today, themes=pack.themes)


def _themes(start: datetime.date, end: datetime.date, service_area: ServiceArea | None) -> list[dict]:
    return themes_found(Scope(start, end, service_area.pk if service_area else None))


def pack_create(
    *, start: datetime.date, end: datetime.date, service_area: ServiceArea | None, by: Person
) -> EvidencePack:
    """A draft pack with its narrative drafted from the figures as they are now."""
    if end < start:
        raise ValueError("The period ends before it starts")
    themes = _themes(start, end, service_area)
    figures = pack_figures(start, end, service_area, themes=themes)
    return EvidencePack.objects.create(
        title=pack_title(start, end, service_area), start=start, end=end, service_area=service_area,
        created_by=by, themes=themes, **draft_narrative(figures),
    )  # fmt: skip


def pack_themes_refresh(*, pack_id: int, by: Person) -> EvidencePack:
    """Find the themes again from the records as they are now (a draft only)."""
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.is_published:
            raise PackChanged
        pack.themes = _themes(pack.start, pack.end, pack.service_area)
        pack.version += 1
        pack.save(update_fields=["themes", "version"])
    return pack


def pack_save(
    *, pack_id: int, narrative: dict[str, str], expected_version: int, publish: bool, by: Person
) -> EvidencePack:
    """Save the narrative and, if asked, publish: the figures are frozen with it. Refused with PackChanged when
    the pack moved on since `expected_version` or is published already."""
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.version != expected_version or pack.is_published:
            raise PackChanged
        for key in QUESTIONS:
            setattr(pack, key, narrative.get(key, "").strip())
        pack.version += 1
        if publish:
            pack.figures = pack_figures(pack.start, pack.end, pack.service_area, themes=pack.themes)
            pack.status = PackStatus.PUBLISHED
            pack.published_by = by
            pack.published_at = timezone.now()
        pack.save()
    return pack
