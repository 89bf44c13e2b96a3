"""Example files for trying the imports on the demo council (written by seed_demo to var/demo/)."""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

from django.conf import settings

from caseaudit.imports.services.historic import template_headers
from caseaudit.improvement.models import ImprovementPlan, PlanStatus
from caseaudit.organisation.models import Child, LegalStatus, Person, Team

LCS_STATUS = {
    LegalStatus.EARLY_HELP: "Early Help",
    LegalStatus.CHILD_IN_NEED: "CIN",
    LegalStatus.CHILD_PROTECTION: "CP",
    LegalStatus.LOOKED_AFTER: "LAC",
    LegalStatus.CARE_LEAVER: "Care Leaver",
    LegalStatus.NOT_RECORDED: "CIN",
}
LCS_HEADINGS = ["Person ID", "Forename", "Surname", "Date of Birth", "Case Status", "Allocated Team", "Service",
                "Allocated Worker", "Case Start Date", "Case End Date"]  # fmt: skip


def _uk(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def write_demo_files(today: datetime.date) -> list[Path]:
    """This week's LCS extract (with a few moves, closures and new children) and a historic audits file."""
    folder = Path(settings.VAR_DIR) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)  # noqa: S311 (demo data)
    children = list(
        Child.objects.filter(closed_on=None).select_related("team__service_area", "allocated_worker").order_by("pk")
    )
    teams = list(Team.objects.select_related("service_area").order_by("pk"))
    workers = list(Person.objects.filter(role_assignments__role="social_worker", is_active=True).order_by("pk"))
    on_plans = set(ImprovementPlan.objects.filter(status=PlanStatus.OPEN).values_list("child_id", flat=True))
    rows = []
    changed = 0
    for child in children:
        first, _, last = child.name.partition(" ")
        team, worker, end = child.team, child.allocated_worker, None
        if child.pk in on_plans and changed < 6:
            # What the reconciliation page should then find.
            change = changed % 3
            if change == 0:
                team = rng.choice([t for t in teams if t.pk != child.team_id])
            elif change == 1 and workers:
                worker = rng.choice([w for w in workers if w.pk != child.allocated_worker_id] or workers)
            else:
                end = today - datetime.timedelta(days=1)
            changed += 1
        rows.append([child.case_id, first, last, child.date_of_birth.isoformat() if child.date_of_birth else "",
                     LCS_STATUS[child.legal_status], team.name, team.service_area.name,
                     worker.email if worker else "", _uk(child.opened_on), _uk(end)])  # fmt: skip
    for n in range(20):
        team = rng.choice(teams)
        rows.append([f"LCS-NEW-{today:%Y%m%d}-{n:02d}", rng.choice(["Ava", "Noah", "Mia", "Leo"]), f"Newcase{n}",
                     (today - datetime.timedelta(days=rng.randint(400, 6000))).isoformat(), "CIN", team.name,
                     team.service_area.name, "", _uk(today - datetime.timedelta(days=rng.randint(1, 20))), ""])  # fmt: skip
    extract = folder / "lcs-extract.csv"
    with extract.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(LCS_HEADINGS)
        writer.writerows(rows)

    headers = template_headers()
    historic = folder / "historic-audits.csv"
    grades = ["Good", "Requires Improvement", "Requires Improvement", "Inadequate", "Outstanding"]
    with historic.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for n, child in enumerate(children[:40]):
            values = {
                "audit_ref": f"2023-{n + 1:04d}",
                "child_id": child.case_id,
                "service_area": child.team.service_area.name,
                "team": child.team.name,
                "audit_date": _uk(datetime.date(2023, 1 + n % 12, 1 + n % 27)),
                "audit_kind": "case file",
                "overall_grade": grades[n % len(grades)],
                "activities": str(1 + n % 3),
                "auditor": "Former QA officer",
            }
            writer.writerow([values.get(h, "") for h in headers])
    return [extract, historic]
