"""The import commands, and what a crash in the middle of an import leaves behind: nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from caseaudit.audits.models import Audit
from caseaudit.imports.models import ImportChange, ImportRun
from caseaudit.organisation.models import Child

from .files import LCS_HEADINGS, csv_bytes, lcs_row

ROOT = Path(__file__).resolve().parents[2]


def run_command(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command(*args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_import_cases_dry_run_then_commit(council, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(LCS_HEADINGS, [lcs_row("CMD1"), lcs_row("CMD2")]))
    code, out = run_command("import_cases", str(path))
    assert code == 0 and out.splitlines()[:2] == ["Dry run (nothing written): 2 rows", "  created: 2"]
    assert not Child.objects.filter(case_id__startswith="CMD").exists()
    code, out = run_command("import_cases", str(path), "--commit", "--as", "qa_admin@council.example")
    assert code == 0 and out.startswith("Imported: 2 rows")
    assert ImportRun.objects.get().created_by == council["qa_admin"]


@pytest.mark.django_db
def test_import_cases_reports_bad_rows_and_exits_1(council, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(LCS_HEADINGS, [lcs_row("CMD1", status="??")]))
    code, out = run_command("import_cases", str(path), "--commit")
    assert code == 1
    assert "1 problems; nothing was written:" in out and "Line 2, Legal status: '??'" in out


@pytest.mark.django_db
def test_a_200_mb_file_is_refused_before_it_is_read(council, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(Exception, match="The file is 200 MB: the largest file CaseAudit imports is 50 MB"):
        call_command("import_cases", str(path))


@pytest.mark.django_db
def test_import_audits_template_and_commit(council, tmp_path, capsys):
    call_command("import_audits", "--template")
    assert capsys.readouterr().out.startswith("audit_ref,child_id,service_area,team,audit_date,audit_kind")
    path = tmp_path / "audits.xlsx"
    from .files import xlsx_bytes

    own = council.children["own"].case_id
    path.write_bytes(
        xlsx_bytes(
            ["audit_ref", "child_id", "audit_date", "audit_kind", "overall_grade"],
            [["C1", own, "2024-05-01", "case file", "Good"]],
        )
    )
    code, out = run_command("import_audits", str(path), "--commit")
    assert code == 0 and Audit.objects.get().import_ref == "C1"


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_killing_an_import_while_it_writes_leaves_nothing_half_written(council, tmp_path):
    rows = [lcs_row(f"KILL{n:06d}", start="2024-01-01") for n in range(60_000)]
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(LCS_HEADINGS, rows))
    before = Child.objects.count()
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "caseaudit.settings.test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "caseaudit", "import_cases", str(path), "--commit"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:
        if line.startswith("Written"):
            # The children are written inside the import's transaction, not yet committed: kill it as a
            # power cut would.
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert Child.objects.count() == before
    assert not ImportRun.objects.exists() and not ImportChange.objects.exists()
    # And the same file imports completely afterwards.
    code, _ = run_command("import_cases", str(path), "--commit")
    assert code == 0 and Child.objects.count() == before + 60_000


@pytest.mark.django_db
def test_the_demo_files_import_cleanly_and_show_differences(council, settings, tmp_path):
    """seed_demo writes these for people trying the demo: they must import and give reconciliation work."""
    import datetime

    from caseaudit.demo.imports import write_demo_files
    from caseaudit.imports.models import Deviation
    from caseaudit.imports.services.runs import run_import

    settings.VAR_DIR = tmp_path
    extract, historic = write_demo_files(datetime.date.today())
    result = run_import("cases", extract.read_bytes(), filename=extract.name, actor=None, commit=True)
    assert result.committed, result.errors
    assert result.count("created") == 20 and result.count("unchanged") == 4
    result = run_import("audits", historic.read_bytes(), filename=historic.name, actor=None, commit=True)
    assert result.committed and result.count("created") == 4
    assert not Deviation.objects.exists()  # the council fixture has no open plans


def start_import(path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "caseaudit.settings.test"}
    return subprocess.Popen(
        [sys.executable, "-m", "caseaudit", "import_cases", str(path), "--commit"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_blocked_on_a_lock(timeout: float = 60) -> None:
    """PostgreSQL: until some backend waits on a lock (the second import, on the first one's new children)."""
    import time

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second import never waited for the first")


@pytest.mark.django_db(transaction=True)
def test_two_commits_of_one_file_at_once_end_the_second_with_a_plain_message(council, tmp_path):
    """Issue 43: the second of two `--commit` runs of one file at once ended with a raw IntegrityError traceback.

    The first import is stopped (SIGSTOP) once its children are written, inside its transaction; the second
    checks the same file meanwhile, finds none of those children, and writes them once the first commits."""
    rows = [lcs_row(f"TWICE{n:05d}", start="2024-01-01") for n in range(2_000)]
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(LCS_HEADINGS, rows))
    before = Child.objects.count()
    first = start_import(path)
    second = None
    try:
        for line in first.stderr:
            if line.startswith("Written"):
                first.send_signal(signal.SIGSTOP)
                break
        second = start_import(path)
        if connection.vendor == "postgresql":
            wait_until_blocked_on_a_lock()  # the second streams its rows and waits on the first one's
        else:
            for line in second.stderr:  # the second has checked every row against the committed children
                if line.startswith("Saving"):
                    break
        first.send_signal(signal.SIGCONT)
        first_out, first_err = first.communicate(timeout=120)
        second_out, second_err = second.communicate(timeout=120)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
    assert first.returncode == 0, (first_out, first_err, second_out, second_err)
    assert first_out.startswith("Imported: 2,000 rows")
    assert second.returncode == 1
    assert "Traceback" not in second_err and "IntegrityError" not in second_err, second_err[-3000:]
    assert "Another import wrote some of the same records while this one was running" in second_err
    assert "nothing from this run was written" in second_err
    assert Child.objects.count() == before + 2_000
    assert ImportRun.objects.count() == 1
    # Run again, it finds everything in place.
    code, out = run_command("import_cases", str(path), "--commit")
    assert code == 0 and "unchanged: 2,000" in out
