"""The import pages: upload, dry run, commit, problems, profiles, reconciliation; QA administrators only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from caseaudit.imports.models import Deviation, ImportRun, MappingProfile
from caseaudit.imports.services.reconcile import reconcile
from caseaudit.organisation.models import Child

from ..tasks.worker import database_tasks, start_worker
from .files import LCS_HEADINGS, csv_bytes, lcs_row

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name="extract.csv", **fields):
    return client.post("/imports/cases/new", {"file": SimpleUploadedFile(name, data), **fields})


@pytest.fixture
def qa(client, council):
    client.force_login(council["qa_admin"])
    return client


def test_upload_dry_run_then_commit(qa, council):
    response = upload(qa, csv_bytes(LCS_HEADINGS, [lcs_row("WEB1"), lcs_row("WEB2")]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/runs/{run.pk}/"
    assert run.status == "checked" and run.stored_file
    page = qa.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "Every row is valid. Nothing has been written yet" in page
    assert "WEB1, WEB2" in page and "Import these changes" in page
    assert not Child.objects.filter(case_id__startswith="WEB").exists()

    response = qa.post(f"/imports/runs/{run.pk}/commit")
    run.refresh_from_db()
    assert run.status == "committed" and run.stored_file == "" and run.created_by == council["qa_admin"]
    assert Child.objects.filter(case_id__startswith="WEB").count() == 2
    page = qa.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "Import complete" in page and "Import these changes" not in page
    # A second commit of the same run is refused, not repeated.
    qa.post(f"/imports/runs/{run.pk}/commit")
    assert "This import is imported: it cannot be changed now" in qa.get(f"/imports/runs/{run.pk}/").content.decode()


def test_bad_rows_are_listed_and_downloadable_and_cannot_be_committed(qa, council):
    rows = [lcs_row("OK1"), lcs_row("BAD1", status="Unknown"), lcs_row("BAD2", dob="29/02/2023")]
    upload(qa, csv_bytes(LCS_HEADINGS, rows))
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    page = qa.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "2 problems: nothing can be imported until they are fixed" in page
    assert "&#x27;29/02/2023&#x27; is not a real date" in page
    assert "Import these changes" not in page
    assert qa.post(f"/imports/runs/{run.pk}/commit").status_code == 302
    assert not Child.objects.filter(case_id="OK1").exists()
    problems = qa.get(f"/imports/runs/{run.pk}/problems.csv").content.decode("utf-8-sig").splitlines()
    assert problems == [
        "Line,Column,Problem",
        "3,Legal status,'Unknown' is not a legal status CaseAudit knows",
        "4,Date of birth,'29/02/2023' is not a real date",
    ]
    qa.post(f"/imports/runs/{run.pk}/cancel")
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_a_file_that_cannot_be_read_says_why_on_the_run_page(qa):
    upload(qa, "Person ID,Forename\nA1,Zoë\n".encode("cp1252"))
    run = ImportRun.objects.get()
    assert run.status == "rejected" and "not saved as UTF-8" in run.problem
    assert "The file was not imported" in qa.get(f"/imports/runs/{run.pk}/").content.decode()


@override_settings(CASEAUDIT_IMPORT_MAX_BYTES=100)
def test_an_oversized_upload_gets_an_error_summary(qa):
    response = upload(qa, b"x" * 500)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "the largest file CaseAudit imports is" in page
    assert not ImportRun.objects.exists()


def test_no_file_and_wrong_type_keep_the_form(qa):
    page = qa.post("/imports/cases/new", {}).content.decode()
    assert "Select the file to import" in page
    page = upload(qa, b"%PDF", name="x.pdf").content.decode()
    assert "The file must be a CSV (.csv) or an Excel workbook (.xlsx)" in page


def test_historic_template_downloads(qa):
    response = qa.get("/imports/audits/template")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("audit_ref,child_id,service_area,team,audit_date,audit_kind,theme,overall_grade")
    assert qa.get("/imports/audits/template?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_historic_upload_with_open_plans(qa, council):
    own = council.children["own"].case_id
    data = csv_bytes(
        ["audit_ref", "child_id", "audit_date", "audit_kind", "overall_grade"],
        [["R1", own, "2024-01-02", "case file", "Good"]],
    )
    qa.post("/imports/audits/new", {"file": SimpleUploadedFile("a.csv", data), "open_plans": "on"})
    run = ImportRun.objects.get()
    assert run.kind == "audits" and run.open_plans and run.status == "checked"


def test_profiles_copy_and_change_without_overwriting(qa, council, client):
    lcs = MappingProfile.objects.get(slug="lcs")
    page = qa.get(f"/imports/profiles/new?from={lcs.pk}").content.decode()
    assert 'value="Copy of Liquidlogic LCS allocations report"' in page
    form = {f"col_{k}": v for k, v in lcs.columns.items()}
    form.update(
        name="Our LCS", system="LCS", legal_status_lines="CLA = Child looked after\nS47 = child_protection", version=1
    )
    form["col_team"] = "Team Name"
    assert qa.post("/imports/profiles/new", form).status_code == 302
    ours = MappingProfile.objects.get(name="Our LCS")
    assert ours.columns["team"] == "Team Name" and ours.legal_statuses == {
        "cla": "looked_after",
        "s47": "child_protection",
    }
    # Two people open version 1; the second to save is told and keeps their text.
    form.update(name="Our LCS v2")
    assert qa.post(f"/imports/profiles/{ours.pk}/", form).status_code == 302
    form.update(name="Our LCS other")
    page = qa.post(f"/imports/profiles/{ours.pk}/", form).content.decode()
    assert "Someone else saved this profile" in page and 'value="Our LCS other"' in page
    ours.refresh_from_db()
    assert ours.name == "Our LCS v2"
    # Shipped profiles are not editable.
    assert qa.get(f"/imports/profiles/{lcs.pk}/").status_code == 404
    bad = {**form, "legal_status_lines": "CLA = fostered"}
    assert "Line 1 must be" in qa.post("/imports/profiles/new", bad).content.decode()


def test_reconciliation_page_acknowledge(qa, council, finalise):
    plan = finalise("own").improvement_plan
    child = Child.objects.get(pk=plan.child_id)
    child.team = council.team_b
    child.save()
    reconcile()
    deviation = Deviation.objects.get()
    page = qa.get("/imports/reconciliation/").content.decode()
    assert "moved from Team A to Team B" in page
    page = qa.post(f"/imports/reconciliation/{deviation.pk}/", {"action": "acknowledge"}).content.decode()
    assert "There is a problem" in page and "Enter a note saying why" in page
    qa.post(
        f"/imports/reconciliation/{deviation.pk}/", {"action": "acknowledge", "note": "Known: transfer in progress"}
    )
    deviation.refresh_from_db()
    assert deviation.status == "acknowledged" and deviation.handled_by == council["qa_admin"]
    assert qa.post("/imports/reconciliation/run").status_code == 302


@pytest.mark.parametrize("who", ["team_manager", "director", "head_of_service", "social_worker"])
def test_not_for_anyone_else(client, council, who):
    client.force_login(council[who])
    assert client.get("/imports/").status_code == 404
    response = client.post("/imports/cases/new", {"file": SimpleUploadedFile("x.csv", b"Person ID\n1\n")})
    assert response.status_code == 404 and not ImportRun.objects.exists()


def wait_for(run_id: int, statuses: set[str], seconds: float = 60) -> ImportRun:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_id)
        if run.status in statuses:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {run.status}")


@pytest.mark.django_db(transaction=True)
@database_tasks
def test_a_long_import_runs_in_the_background_and_shows_progress(client, council):
    client.force_login(council["qa_admin"])
    rows = [lcs_row(f"BG{n:05d}") for n in range(12_000)]
    response = upload(client, csv_bytes(LCS_HEADINGS, rows))
    run_id = ImportRun.objects.get().pk
    assert response["Location"] == f"/imports/runs/{run_id}/"
    # Queued with the run, for a worker: the page says it is checking and refreshes itself.
    assert ImportRun.objects.get(pk=run_id).status == "checking"
    assert 'http-equiv="refresh"' in client.get(f"/imports/runs/{run_id}/").content.decode()
    worker = start_worker("--no-schedule")
    try:
        run = wait_for(run_id, {"checked", "rejected", "failed"})
        assert run.status == "checked" and run.checked_rows == run.total_rows == 12_000
        client.post(f"/imports/runs/{run_id}/commit")
        run = wait_for(run_id, {"committed", "rejected", "failed"})
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
    assert run.status == "committed" and Child.objects.filter(case_id__startswith="BG").count() == 12_000


def test_the_run_page_refreshes_itself_while_checking(qa, council):
    run = ImportRun.objects.create(
        kind="cases", filename="x.csv", sha256="0" * 64, total_rows=10_000, checked_rows=4_000
    )
    page = qa.get(f"/imports/runs/{run.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Checking rows: 4000 of 10000 (40%)" in page
    run.status = "checked"
    run.save()
    assert "http-equiv" not in qa.get(f"/imports/runs/{run.pk}/").content.decode()
