"""Case extract import: LCS- and Mosaic-shaped files, dry run, commit, re-import, bad input."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.test import override_settings

from caseaudit.imports.models import CaseEvent, ImportChange, ImportRun, MappingProfile
from caseaudit.imports.readers import ImportFileError, read_table
from caseaudit.imports.services.runs import run_import
from caseaudit.organisation.models import Child, LegalStatus, ServiceArea, Team

from .files import LCS_HEADINGS, MOSAIC_HEADINGS, csv_bytes, lcs_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def import_cases(data: bytes, name: str = "extract.csv", commit: bool = False, profile=None, actor=None):
    return run_import("cases", data, filename=name, actor=actor, commit=commit, profile=profile)


def snapshot():
    return sorted(
        Child.objects.values_list(
            "case_id", "name", "legal_status", "team_id", "allocated_worker_id", "opened_on", "closed_on"
        )
    )


def lcs_extract(council) -> bytes:
    own = council.children["own"].case_id
    team_b_child = council.children["team_b"].case_id
    return csv_bytes(
        LCS_HEADINGS,
        [
            lcs_row(
                "LCS000001", "Amy", "Adams", "2016-04-01", "CIN", "Team A", "North", "social_worker@council.example"
            ),
            lcs_row("LCS000002", "Ben", "Brown", "03/09/2012", "CP", "Team C", "South", "Outsider", "12/02/2025"),
            lcs_row(
                "LCS000003", "Cara", "Cole", "2010-01-31", "LAC", "Fostering", "Children in Care", "", "2024-11-01"
            ),
            # an existing child moves to team B with a new worker
            lcs_row(own, "Olivia", "Own", "2015-05-01", "CP", "Team B", "North", "Colleague", "2025-01-06"),
            # an existing child's case closes
            lcs_row(
                team_b_child, "Bella", "Bteam", "2015-05-01", "CIN", "Team B", "North", "", "2025-01-06", "2025-10-31"
            ),  # fmt: skip
        ],
    )


def test_dry_run_lists_changes_and_writes_nothing(council):
    before = snapshot()
    result = import_cases(lcs_extract(council))
    assert result.ok, result.errors
    assert result.profile == "Liquidlogic LCS allocations report"
    assert sorted(result.changes["created"]) == ["LCS000001", "LCS000002", "LCS000003"]
    assert result.changes["updated"] == [council.children["own"].case_id]
    assert result.changes["closed"] == [council.children["team_b"].case_id]
    assert result.created_around == {"teams": ["Fostering (Children in Care)"], "service areas": ["Children in Care"]}
    assert snapshot() == before
    assert not ImportRun.objects.exists()
    assert not Team.objects.filter(name="Fostering").exists()


def test_commit_writes_every_row_and_reimport_changes_nothing(council):
    data = lcs_extract(council)
    result = import_cases(data, commit=True, actor=council["qa_admin"])
    assert result.committed
    amy = Child.objects.get(case_id="LCS000001")
    assert (amy.name, amy.date_of_birth, amy.legal_status) == ("Amy Adams", datetime.date(2016, 4, 1), "child_in_need")
    assert amy.team == council.team_a and amy.allocated_worker == council["social_worker"]
    ben = Child.objects.get(case_id="LCS000002")
    assert ben.date_of_birth == datetime.date(2012, 9, 3)  # UK day/month/year
    assert ben.opened_on == datetime.date(2025, 2, 12)
    assert ben.allocated_worker == council["outsider"]  # matched by full name
    cara = Child.objects.get(case_id="LCS000003")
    assert cara.team.name == "Fostering" and cara.team.service_area.name == "Children in Care"
    assert cara.legal_status == LegalStatus.LOOKED_AFTER and cara.allocated_worker is None
    own = Child.objects.get(pk=council.children["own"].pk)
    assert own.team == council.team_b and own.allocated_worker == council["colleague"]
    assert own.legal_status == LegalStatus.CHILD_PROTECTION
    assert Child.objects.get(pk=council.children["team_b"].pk).closed_on == datetime.date(2025, 10, 31)
    run = ImportRun.objects.get()
    assert run.created_by == council["qa_admin"] and run.status == "committed"
    # The three new children are one change listing them; the update and the closure one each.
    assert ImportChange.objects.filter(run=run).count() == 3
    created = ImportChange.objects.get(run=run, action="created")
    assert sorted(ref for ref, _ in created.changes["created"]) == ["LCS000001", "LCS000002", "LCS000003"]
    change = ImportChange.objects.get(run=run, ref=own.case_id)
    assert change.changes["team_id"] == [council.team_a.pk, council.team_b.pk]

    after_first = snapshot()
    again = import_cases(data, commit=True, actor=council["qa_admin"])
    assert again.committed
    assert again.count("unchanged") == 5 and again.count("created") == 0 and again.count("updated") == 0
    assert snapshot() == after_first
    assert ImportChange.objects.count() == 3
    assert Team.objects.filter(name="Fostering").count() == 1


def test_mosaic_xlsx_with_uk_dates(council):
    data = xlsx_bytes(
        MOSAIC_HEADINGS,
        [
            [
                "M100",
                "Dan Dee",
                datetime.datetime(2014, 6, 2),
                "Child in Need",
                "Team C",
                "South",
                "Outsider",
                "01/03/2025",
                "",
            ],  # fmt: skip
            [
                "M101",
                "Eve Eden",
                "2013-07-19",
                "Looked After - S31",
                "team a",
                "north",
                "social worker",
                "2024-12-01",
                "28/02/2025",
            ],  # fmt: skip
        ],
    )
    result = import_cases(data, name="mosaic.xlsx", commit=True)
    assert result.ok, result.errors
    assert result.profile == "Mosaic caseload extract"
    dan = Child.objects.get(case_id="M100")
    assert (dan.name, dan.date_of_birth, dan.team) == ("Dan Dee", datetime.date(2014, 6, 2), council.team_c)
    eve = Child.objects.get(case_id="M101")
    assert eve.team == council.team_a and eve.allocated_worker == council["social_worker"]
    assert eve.legal_status == LegalStatus.LOOKED_AFTER and eve.closed_on == datetime.date(2025, 2, 28)


def test_a_bad_row_near_the_end_of_a_large_file_writes_nothing(council):
    rows = [lcs_row(f"BULK{n:05d}", start="2024-01-01") for n in range(10_000)]
    rows[9_997][9] = "31/02/2025"  # the data row on line 9,999 (line 1 is the heading)
    before = snapshot()
    result = import_cases(csv_bytes(LCS_HEADINGS, rows), commit=True)
    assert not result.committed
    assert [str(e) for e in result.errors] == ["Line 9999, Case closed: '31/02/2025' is not a real date"]
    assert snapshot() == before
    assert not ImportRun.objects.exists() and not ServiceArea.objects.filter(name="Children in Care").exists()


def test_every_bad_row_is_reported_with_line_column_and_reason(council):
    rows = [
        lcs_row("X1"),
        lcs_row("X2", status="Fostered"),  # not a legal status
        lcs_row("X1"),  # duplicate ID
        lcs_row("X3", dob="2015-13-01"),  # impossible month
        lcs_row("X4", team="Nowhere", service=""),  # unknown team, no area to create it in
        lcs_row("X5", start="2030-01-01"),  # future
        lcs_row("", start="2024-01-01"),
        lcs_row("X6", start="2025-03-01", end="2025-02-01"),
    ]
    result = import_cases(csv_bytes(LCS_HEADINGS, rows), commit=True)
    assert not result.committed and Child.objects.count() == 4
    messages = [str(e) for e in result.errors]
    assert messages == [
        "Line 3, Legal status: 'Fostered' is not a legal status CaseAudit knows",
        "Line 4, Case ID: X1 appears again (first on line 2)",
        "Line 5, Date of birth: '2015-13-01' is not a real date",
        "Line 6, Team: 'Nowhere' is not a team in CaseAudit: add a service area column to create it",
        "Line 7, Case opened: 01/01/2030 is in the future",
        "Line 8, Case ID: the case ID is empty",
        "Line 9, Case closed: the case closes before it opens",
    ]


def test_missing_required_column_is_named(council):
    headings = [h for h in LCS_HEADINGS if h != "Allocated Team"]
    rows = [[c for i, c in enumerate(lcs_row("Y1")) if i != 5]]
    lcs = MappingProfile.objects.get(slug="lcs")
    result = import_cases(csv_bytes(headings, rows), profile=lcs, commit=True)
    assert [str(e) for e in result.errors] == [
        "Line 1, Allocated Team: the required column 'Allocated Team' (Team) is missing"
    ]
    # Without a profile the headings match none of them: that is said too.
    result = import_cases(csv_bytes(headings, rows))
    assert "match no mapping profile" in str(result.errors[0])


def test_wrong_encoding_is_refused_with_what_to_do(council):
    data = csv_bytes(LCS_HEADINGS, [lcs_row("Z1", first="Zoë")], encoding="cp1252")
    with pytest.raises(ImportFileError, match=r"not saved as UTF-8 text: line 2 .*CSV UTF-8"):
        import_cases(data)
    # UTF-16 (what Excel's "Unicode text" gives) is read.
    assert import_cases(csv_bytes(LCS_HEADINGS, [lcs_row("Z1", first="Zoë")], encoding="utf-16")).ok


def test_xlsx_with_a_formula_is_refused_naming_the_cell(council):
    data = xlsx_bytes(LCS_HEADINGS, [lcs_row("F1"), lcs_row("F2")], formula_at="C3")
    with pytest.raises(ImportFileError, match="Cell C3 holds a formula"):
        import_cases(data, name="extract.xlsx")


def test_xlsx_zip_bomb_is_refused_before_it_is_inflated(council):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (450 * 1024 * 1024))
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ImportFileError, match=r"expands to 450 MB .* damaged or hostile"):
        import_cases(out.getvalue(), name="bomb.xlsx")


@override_settings(CASEAUDIT_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(council):
    with pytest.raises(ImportFileError, match=r"The file is 0 MB: the largest file CaseAudit imports is 0 MB"):
        import_cases(b"x" * 2048)


def test_not_a_spreadsheet(council):
    with pytest.raises(ImportFileError, match="must be a CSV"):
        read_table(b"%PDF-1.7", "extract.pdf")
    with pytest.raises(ImportFileError, match="not a real Excel"):
        read_table(b"Person ID,Surname\n", "extract.xlsx")
    with pytest.raises(ImportFileError, match="binary data"):
        read_table(b"\x00\x01\x02", "extract.csv")


def test_case_system_event_dates_are_kept_for_reconciliation(council):
    headings = [*LCS_HEADINGS, "Practice Meeting Date"]
    own = council.children["own"]
    data = csv_bytes(headings, [[*lcs_row(own.case_id, "Olivia", "Own"), "04/03/2025"]])
    assert import_cases(data, commit=True).committed
    assert CaseEvent.objects.get(child=own).happened_on == datetime.date(2025, 3, 4)
    again = import_cases(data, commit=True)
    assert again.count("unchanged") == 1 and CaseEvent.objects.count() == 1
