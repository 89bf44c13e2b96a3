"""Historic audit import: the template's columns, idempotent references, re-audits, themes, reports."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from caseaudit.audits.models import Activity, Audit, AuditKind, Programme, SectionJudgement
from caseaudit.imports.services.historic import template_headers
from caseaudit.imports.services.runs import run_import
from caseaudit.improvement.models import ImprovementPlan
from caseaudit.organisation.models import Child, ServiceArea, Team
from caseaudit.reporting.figures import Scope, audit_figures

from .files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEAD = ["Audit_Ref", "CHILD_ID", "service_area", "team", "audit_date", "audit_kind", "theme", "overall_grade",
        "moderated_grade", "Voice of the Child", "Management Oversight", "activities", "auditor"]  # fmt: skip


def import_audits(data: bytes, name="audits.csv", commit=False, open_plans=False):
    return run_import("audits", data, filename=name, actor=None, commit=commit, open_plans=open_plans)


def rows(council):
    own, south = council.children["own"].case_id, council.children["south"].case_id
    return [
        ["H-1", own, "North", "Team A", "2024-01-15", "case file", "", "Inadequate", "", "Inadequate", "Requires improvement", "3", "Auditor"],
        ["H-2", own, "", "", "15/05/2024", "re-audit", "", "Good", "", "Good", "Good", "", "A. Former-Employee"],
        ["H-3", south, "South", "Team C", "2024-02-01", "Case File", "", "Good", "Requires Improvement", "", "", "1", ""],
        ["H-4", "NEW-9", "East", "Team E", "2024-03-10", "themed", "Neglect", "Inadequate - critical", "", "", "", "2", ""],
        ["H-5", south, "", "", "2024-03-11", "Themed", "neglect", "Outstanding", "", "", "", "", ""],
    ]  # fmt: skip


def test_template_has_a_column_per_standard_section(council):
    headers = template_headers()
    assert headers[:9] == ["audit_ref", "child_id", "service_area", "team", "audit_date", "audit_kind", "theme",
                           "overall_grade", "moderated_grade"]  # fmt: skip
    assert "Voice of the Child" in headers and headers[-2:] == ["activities", "auditor"]


def test_dry_run_then_commit_then_reimport(council):
    data = csv_bytes(HEAD, rows(council))
    dry = import_audits(data)
    assert dry.ok, dry.errors
    assert sorted(dry.changes["created"]) == ["H-1", "H-2", "H-3", "H-4", "H-5"]
    assert dry.created_around == {"service areas": ["East"], "teams": ["Team E (East)"], "children": ["NEW-9"]}
    assert not Audit.objects.exists() and not Child.objects.filter(case_id="NEW-9").exists()

    result = import_audits(data, commit=True)
    assert result.committed
    h1 = Audit.objects.get(import_ref="H-1")
    assert (h1.kind, h1.status, h1.final_grade, h1.imported) == ("case_file", "finalised", "inadequate", True)
    assert h1.auditor == council["auditor"] and h1.audit_date == datetime.date(2024, 1, 15)
    assert Activity.objects.filter(audit=h1).count() == 3
    grades = dict(SectionJudgement.objects.filter(audit=h1).values_list("section__title", "grade"))
    assert grades["Voice of the Child"] == "inadequate" and grades["Management Oversight"] == "requires_improvement"
    assert grades["Quality of Plans"] == ""
    h2 = Audit.objects.get(import_ref="H-2")
    assert h2.kind == AuditKind.RE_AUDIT and h2.follows == h1  # the same child's latest earlier audit
    assert h2.auditor is None and h2.auditor_name == "A. Former-Employee"  # people are never created
    h3 = Audit.objects.get(import_ref="H-3")
    assert (h3.overall_grade, h3.moderated_overall_grade, h3.final_grade) == (
        "good",
        "requires_improvement",
        "requires_improvement",
    )
    h4, h5 = Audit.objects.get(import_ref="H-4"), Audit.objects.get(import_ref="H-5")
    assert h4.is_critical and h4.final_grade == "inadequate"
    assert h4.programme == h5.programme and h4.programme.title == "Neglect" and Programme.objects.count() == 1
    assert Team.objects.get(name="Team E").service_area == ServiceArea.objects.get(name="East")
    assert h4.child.case_id == "NEW-9" and h4.child.team.name == "Team E"
    # An imported Inadequate opens no live plan and sends nothing unless asked.
    assert not ImprovementPlan.objects.exists() and not mail.outbox

    again = import_audits(data, commit=True)
    assert again.committed and again.count("already imported") == 5 and again.count("created") == 0
    assert Audit.objects.count() == 5 and Activity.objects.count() == 3 + 1 + 1 + 2 + 1


def test_imported_audits_count_in_reports_like_any_other(council):
    assert import_audits(csv_bytes(HEAD, rows(council)), commit=True).committed
    figures = audit_figures(Scope(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 3, 31)))
    # Case file audits in the quarter: H-1 Inadequate and H-3 Requires improvement (moderated); H-2 is in May.
    assert figures["audits"] == {"total": 2, "new": 2, "re_audits": 0, "themed": 1, "ofsted_scale": 2}
    assert figures["grades"]["Inadequate"] == 1 and figures["grades"]["Requires Improvement"] == 1
    assert figures["percent"]["Inadequate"] == 50.0
    assert figures["activities"] == 3 + 1
    assert figures["moderation"] == {"moderated": 1, "changed": 1, "change_rate": 100.0}
    assert figures["sections"]["Voice of the Child"]["Inadequate"] == 1
    # The themed audit (H-4 and H-5) counts once, with its two children.
    assert figures["themed_children"] == 2


def test_open_plans_when_asked(council):
    data = csv_bytes(HEAD, rows(council)[:1])
    assert import_audits(data, commit=True, open_plans=True).committed
    plan = ImprovementPlan.objects.get()
    assert plan.audit.import_ref == "H-1" and plan.opened_on == datetime.date(2024, 1, 15)


def test_xlsx_header_names_are_case_insensitive(council):
    data = xlsx_bytes([h.upper() for h in HEAD], [rows(council)[2]])
    result = import_audits(data, name="audits.xlsx", commit=True)
    assert result.committed and Audit.objects.get().import_ref == "H-3"


def test_bad_rows_are_all_reported_and_nothing_written(council):
    own = council.children["own"].case_id
    bad = [
        ["B-1", own, "", "", "2024-02-30", "case file", "", "Good", "", "", "", "", ""],
        ["B-2", own, "", "", "2024-02-01", "peer review", "", "Good", "", "", "", "", ""],
        ["B-3", own, "", "", "2024-02-01", "case file", "", "Adequate", "", "", "", "", ""],
        ["B-4", own, "", "", "2024-02-01", "case file", "", "Good", "Satisfactory", "Excellent", "", "0", ""],
        ["B-5", own, "", "", "2024-02-01", "themed", "", "Good", "", "", "", "", ""],
        ["B-6", "BRAND-NEW", "", "", "2024-02-01", "case file", "", "Good", "", "", "", "", ""],
        ["B-1", own, "", "", "2024-02-01", "case file", "", "Good", "", "", "", "", ""],
        ["B-7", council.children["south"].case_id, "", "", "2024-02-01", "re-audit", "", "Good", "", "", "", "", ""],
        ["B-8", own, "", "", "2024-02-01", "case file", "", "Good", "", "", "", "", ""],
    ]  # fmt: skip
    result = import_audits(csv_bytes(HEAD, bad), commit=True)
    assert not result.committed and not Audit.objects.exists()
    assert [str(e) for e in result.errors] == [
        "Line 2, audit_date: '2024-02-30' is not a real date",
        "Line 3, audit_kind: 'peer review' is not an audit kind: use case file, re-audit or themed",
        "Line 4, overall_grade: 'Adequate' is not a grade on the scale (Outstanding, Good, Requires Improvement, "
        "Inadequate or Inadequate - critical)",
        "Line 5, moderated_grade: 'Satisfactory' is not a grade on the scale (Outstanding, Good, Requires "
        "Improvement, Inadequate or Inadequate - critical)",
        "Line 5, Voice of the Child: 'Excellent' is not a grade on the scale (Outstanding, Good, Requires "
        "Improvement, Inadequate or Inadequate - critical)",
        "Line 5, activities: '0' is not a whole number from 1 to 50",
        "Line 6, theme: a themed audit needs its theme",
        "Line 7, team: BRAND-NEW is a new child: CaseAudit needs the team to create them",
        "Line 8, audit_ref: B-1 appears again (first on line 2)",
        f"Line 9, audit_kind: a re-audit needs an earlier audit of {council.children['south'].case_id}: none found",
    ]


def test_missing_required_columns(council):
    result = import_audits(csv_bytes(["audit_ref", "child_id"], [["A", "B"]]))
    assert [str(e) for e in result.errors] == [
        "Line 1, audit_date: the required column 'audit_date' (audit_date) is missing",
        "Line 1, audit_kind: the required column 'audit_kind' (audit_kind) is missing",
        "Line 1, overall_grade: the required column 'overall_grade' (overall_grade) is missing",
    ]
