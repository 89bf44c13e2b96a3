"""The mapping profiles CaseAudit ships, and how a file's headings are matched to one.

The headings are those of typical performance reports from each system; a
council whose report differs copies a profile and renames the headings.
"""

from __future__ import annotations

from typing import Any

from caseaudit.organisation.models import LegalStatus

from .models import CaseField
from .tables import normalise_header

COMMON_STATUSES = {
    "early help": LegalStatus.EARLY_HELP,
    "eh": LegalStatus.EARLY_HELP,
    "cin": LegalStatus.CHILD_IN_NEED,
    "child in need": LegalStatus.CHILD_IN_NEED,
    "cp": LegalStatus.CHILD_PROTECTION,
    "cpp": LegalStatus.CHILD_PROTECTION,
    "child protection": LegalStatus.CHILD_PROTECTION,
    "child protection plan": LegalStatus.CHILD_PROTECTION,
    "lac": LegalStatus.LOOKED_AFTER,
    "cla": LegalStatus.LOOKED_AFTER,
    "looked after": LegalStatus.LOOKED_AFTER,
    "child looked after": LegalStatus.LOOKED_AFTER,
    "looked after child": LegalStatus.LOOKED_AFTER,
    "care leaver": LegalStatus.CARE_LEAVER,
    "leaving care": LegalStatus.CARE_LEAVER,
}

BUILTIN_PROFILES: list[dict[str, Any]] = [
    {
        "slug": "caseaudit",
        "name": "CaseAudit standard headings",
        "system": "Any (CaseAudit's own template)",
        "columns": {field.value: field.value for field in CaseField},
        "legal_statuses": {},
    },
    {
        "slug": "lcs",
        "name": "Liquidlogic LCS allocations report",
        "system": "Liquidlogic LCS",
        "columns": {
            CaseField.CASE_ID: "Person ID",
            CaseField.FIRST_NAME: "Forename",
            CaseField.LAST_NAME: "Surname",
            CaseField.DATE_OF_BIRTH: "Date of Birth",
            CaseField.LEGAL_STATUS: "Case Status",
            CaseField.TEAM: "Allocated Team",
            CaseField.SERVICE_AREA: "Service",
            CaseField.ALLOCATED_WORKER: "Allocated Worker",
            CaseField.OPENED_ON: "Case Start Date",
            CaseField.CLOSED_ON: "Case End Date",
            CaseField.MEETING_DATE: "Practice Meeting Date",
            CaseField.SM_REVIEW_DATE: "SM Review Date",
            CaseField.CASELOAD_REVIEW_DATE: "Caseload Review Date",
        },
        "legal_statuses": {**COMMON_STATUSES, "cin plan": LegalStatus.CHILD_IN_NEED, "s20": LegalStatus.LOOKED_AFTER},
    },
    {
        "slug": "mosaic",
        "name": "Mosaic caseload extract",
        "system": "Servelec/Access Mosaic",
        "columns": {
            CaseField.CASE_ID: "PERSON_ID",
            CaseField.NAME: "FULL_NAME",
            CaseField.DATE_OF_BIRTH: "DATE_OF_BIRTH",
            CaseField.LEGAL_STATUS: "CATEGORY",
            CaseField.TEAM: "RESPONSIBLE_TEAM",
            CaseField.SERVICE_AREA: "ORGANISATION",
            CaseField.ALLOCATED_WORKER: "WORKER_NAME",
            CaseField.OPENED_ON: "INVOLVEMENT_START_DATE",
            CaseField.CLOSED_ON: "INVOLVEMENT_END_DATE",
        },
        "legal_statuses": {
            **COMMON_STATUSES,
            "child in need": LegalStatus.CHILD_IN_NEED,
            "child protection - plan": LegalStatus.CHILD_PROTECTION,
            "looked after - s31": LegalStatus.LOOKED_AFTER,
            "looked after - s20": LegalStatus.LOOKED_AFTER,
            "leaving care - relevant": LegalStatus.CARE_LEAVER,
            "leaving care - former relevant": LegalStatus.CARE_LEAVER,
        },
    },
]


def matches(columns: dict[str, str], headers: list[str]) -> bool:
    """A profile fits a file when every heading it needs for the required fields is there."""
    present = {normalise_header(h) for h in headers}
    needed = [columns.get(f) for f in (CaseField.CASE_ID, CaseField.LEGAL_STATUS, CaseField.TEAM)]
    return all(n and normalise_header(n) in present for n in needed)


def ensure_builtin_profiles() -> None:
    """The shipped profiles exist (the data migration adds them; this restores any a flush or an admin removed)."""
    from .models import MappingProfile

    present = set(MappingProfile.objects.filter(builtin=True).values_list("slug", flat=True))
    for spec in BUILTIN_PROFILES:
        if spec["slug"] not in present:
            MappingProfile.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "system": spec["system"],
                    "columns": {str(k): v for k, v in spec["columns"].items()},
                    "legal_statuses": {k: str(v) for k, v in spec["legal_statuses"].items()},
                    "builtin": True,
                },
            )
