"""Joiners and leavers from the HR or directory export: `caseaudit sync_staff`, its API, the home page (issue 30.4)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from caseaudit.accounts.staff_sync import staff_sync_file
from caseaudit.api.models import ApiToken
from caseaudit.api.services import token_create_personal, token_create_service
from caseaudit.audits.models import OPEN_STATUSES, Audit
from caseaudit.audits.services import lifecycle
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.improvement.models import ImprovementPlan, RemedialAction
from caseaudit.organisation.models import Person, PersonRole
from caseaudit.trail.models import TrailEntry

from .improvement.conftest import finalise  # noqa: F401  (fixture re-used here)

HEADER = "email,name,team,role,active\n"


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


def people_state() -> list:
    return list(Person.objects.order_by("pk").values()) + list(PersonRole.objects.order_by("pk").values())


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["api"].clear()


@pytest.fixture
def staff_file(tmp_path):
    def write(data: bytes, name: str = "staff.csv") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def sync(path: str, *args: str) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        call_command("sync_staff", path, "--json", *args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return json.loads(out.getvalue()), code


GOOD = csv_file(
    "new.joiner@council.example,New Joiner,Team B,Social worker,true",
    "Social_Worker@Council.example,Social Worker Renamed,Team B,Social worker; Auditor,yes",
    "colleague@council.example,Colleague,Team A,Social worker,no",
    "auditor@council.example,Auditor,,,",  # blank team and role: left as they are
)


def test_a_dry_run_reports_the_changes_and_writes_nothing(council, staff_file):
    before = people_state()
    history = TrailEntry.objects.count()
    result, code = sync(staff_file(GOOD))
    assert code == 0 and result["dry_run"] and not result["committed"]
    assert result["changes"] == {
        "joined": ["new.joiner@council.example"],
        "updated": ["social_worker@council.example (name, roles, team)"],
        "left": ["colleague@council.example"],
    }
    assert people_state() == before
    assert TrailEntry.objects.count() == history


def test_commit_creates_updates_and_deactivates_in_the_change_history(council, staff_file):
    result, code = sync(staff_file(GOOD), "--commit")
    assert code == 0 and result["committed"]
    joiner = Person.objects.get(email="new.joiner@council.example")
    assert joiner.full_name == "New Joiner" and joiner.team == council.team_b and joiner.is_active
    assert not joiner.has_usable_password()
    assert joiner.roles == {"social_worker"}
    worker = Person.objects.get(pk=council["social_worker"].pk)
    assert (worker.full_name, worker.team, worker.roles) == (
        "Social Worker Renamed",
        council.team_b,
        {"social_worker", "auditor"},
    )
    assert not Person.objects.get(pk=council["colleague"].pk).is_active
    auditor = Person.objects.get(pk=council["auditor"].pk)
    assert (auditor.full_name, auditor.is_active, auditor.roles) == ("Auditor", True, {"auditor"})
    entries = TrailEntry.objects.filter(additional_data__staff_sync__file="staff.csv")
    assert entries.filter(object_repr="New Joiner").exists()
    assert entries.filter(object_pk=str(council["colleague"].pk), changes__icontains="is_active").exists()
    # Run again: nothing left to do.
    again, _ = sync(staff_file(GOOD), "--commit")
    assert again["changes"] == {}


def test_an_xlsx_export_is_read_like_a_csv(council, staff_file):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Name", "Team", "Role", "Active"])
    sheet.append(["new.joiner@council.example", "New Joiner", "Team A", "Auditor", True])
    data = io.BytesIO()
    workbook.save(data)
    result, code = sync(staff_file(data.getvalue(), "staff.xlsx"), "--commit")
    assert code == 0 and result["changes"] == {"joined": ["new.joiner@council.example"]}


def test_a_bad_file_reports_every_bad_row_and_writes_nothing(council, staff_file):
    before = people_state()
    data = csv_file(
        "new.joiner@council.example,New Joiner,Team B,Social worker,true",
        "not-an-email,Someone,Team A,Social worker,true",
        "x@council.example,Someone,Team Z,Social worker,true",
        "y@council.example,Someone,Team A,Wizard,true",
        "New.Joiner@council.example,Again,Team A,Auditor,true",
        "z@council.example,Someone,Team A,Auditor,maybe",
        "colleague@council.example,Colleague,Team A,Social worker,false",
    )
    result, code = sync(staff_file(data), "--commit")
    assert code == 1 and not result["committed"]
    found = [(e["line"], e["column"]) for e in result["errors"]]
    assert found == [(3, "email"), (4, "team"), (5, "role"), (6, "email"), (7, "active")]
    assert "Team Z" in result["errors"][1]["reason"] and "line 2" in result["errors"][3]["reason"]
    assert people_state() == before


def test_a_file_that_would_leave_no_qa_administrator_is_refused(council, staff_file):
    result, code = sync(staff_file(csv_file("qa_admin@council.example,Qa Admin,,,false")), "--commit")
    assert code == 1 and "no active QA administrator" in result["errors"][0]["reason"]
    assert Person.objects.get(pk=council["qa_admin"].pk).is_active


def test_a_leaver_is_signed_out_at_once_and_their_tokens_revoked(council, staff_file):
    leaver = council["colleague"]
    browser = Client()
    browser.force_login(leaver)
    assert browser.get("/").status_code == 200
    token, secret = token_create_personal(person=leaver, name="Power BI")
    assert Client().get("/api/v1/teams", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    sync(staff_file(csv_file("colleague@council.example,Colleague,Team A,Social worker,false")), "--commit")
    ended = browser.get("/children/")
    assert ended.status_code == 302 and ended["Location"].startswith("/account/sign-in")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/v1/teams", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert TrailEntry.objects.filter(object_repr__contains=token.prefix, changes__icontains="revoked_at").exists()


def test_the_home_page_lists_a_leavers_open_work_with_the_reassign_link(client, council, staff_file, finalise):  # noqa: F811
    auditor = council["auditor"]
    plan = ImprovementPlan.objects.get(audit=finalise("own", grade="inadequate"))
    lifecycle.audit_open(
        child=council.children["colleagues"],
        auditor=auditor,
        tool_version=standard_tools_ensure()[0].current_version,
        due_on=None,
    )
    ImprovementPlan.objects.filter(pk=plan.pk).update(responsible=auditor)
    RemedialAction.objects.create(
        plan=plan, description="Update the plan", owner=auditor, due_on=plan.opened_on, created_on=plan.opened_on
    )
    client.force_login(council["qa_admin"])
    assert "People who have left with open work" not in client.get("/").content.decode()
    sync(staff_file(csv_file("auditor@council.example,Auditor,,,false")), "--commit")
    page = client.get("/").content.decode()
    assert "People who have left with open work" in page
    audits = Audit.objects.filter(auditor=auditor, status__in=OPEN_STATUSES).count()
    assert audits >= 1
    assert f"{audits} unfinished audit{'s' if audits > 1 else ''}, 1 open improvement plan, 1 open action" in page
    link = f"/audits/reassign?from_person={auditor.pk}"
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert f'<option value="{auditor.pk}" selected>' in form
    # Nobody else sees the list.
    other = Client()
    other.force_login(council["team_manager"])
    assert "People who have left" not in other.get("/").content.decode()


def _upload(data: bytes, name: str = "staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _post(client: Client, token: str | None, data: dict):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/staff/sync", data, **headers)


def test_the_api_syncs_with_a_service_token_dry_run_by_default(client, council):
    _, secret = token_create_service(created_by=council["qa_admin"], name="HR feed", scopes=["write:staff"])
    leaving = csv_file("colleague@council.example,Colleague,Team A,Social worker,false")
    response = _post(client, secret, {"file": _upload(leaving)})
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True and response.json()["counts"] == {"left": 1}
    assert Person.objects.get(pk=council["colleague"].pk).is_active
    response = _post(client, secret, {"file": _upload(leaving), "dry_run": "false"})
    assert response.status_code == 200 and response.json()["committed"] is True
    assert not Person.objects.get(pk=council["colleague"].pk).is_active
    bad = _post(client, secret, {"file": _upload(csv_file("nobody,X,Team Q,Auditor,true")), "dry_run": "false"})
    assert bad.status_code == 422
    assert [(e["line"], e["column"]) for e in bad.json()["result"]["errors"]] == [(2, "email"), (2, "team")]


def test_the_api_refuses_personal_tokens_other_scopes_and_no_token(client, council):
    before = people_state()
    leaving = csv_file("colleague@council.example,Colleague,Team A,Social worker,false")
    _, personal = token_create_personal(person=council["qa_admin"], name="mine")
    _, other_scope = token_create_service(created_by=council["qa_admin"], name="BI", scopes=["read:audits"])
    for token, status in ((personal, 403), (other_scope, 403), (None, 401)):
        response = _post(client, token, {"file": _upload(leaving), "dry_run": "false"})
        assert response.status_code == status, token
    assert people_state() == before


def test_an_unreadable_file_is_refused_whole(council):
    from caseaudit.imports.readers import ImportFileError

    with pytest.raises(ImportFileError):
        staff_sync_file(data=b"PK\x03\x04 not really", filename="staff.xlsx", commit=True)
