"""Case extracts shaped like the reports LCS and Mosaic produce, made in the tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

LCS_HEADINGS = [
    "Person ID",
    "Forename",
    "Surname",
    "Date of Birth",
    "Case Status",
    "Allocated Team",
    "Service",
    "Allocated Worker",
    "Case Start Date",
    "Case End Date",
]
MOSAIC_HEADINGS = [
    "PERSON_ID",
    "FULL_NAME",
    "DATE_OF_BIRTH",
    "CATEGORY",
    "RESPONSIBLE_TEAM",
    "ORGANISATION",
    "WORKER_NAME",
    "INVOLVEMENT_START_DATE",
    "INVOLVEMENT_END_DATE",
]


def lcs_row(case_id, first="Amy", last="Adams", dob="2016-04-01", status="CIN", team="Team A", service="North",
            worker="social_worker@council.example", start="2025-01-06", end=""):  # fmt: skip
    return [case_id, first, last, dob, status, team, service, worker, start, end]


def csv_bytes(headings: list[str], rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(headings: list[str], rows: list[list], formula_at: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet[formula_at] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
