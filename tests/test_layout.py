"""The page layout: navigation fits the person's roles and marks where they are."""

import re

import pytest


def current_item(body: str) -> str:
    match = re.search(r'href="([^"]+)" aria-current="page"', body)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        ("/children/", "/children/"),
        ("/audits/mine/", "/audits/mine/"),
        ("/audits/programmes/", "/audits/programmes/"),
        ("/audits/tools/", "/audits/programmes/"),
    ],
)
def test_the_current_section_is_marked_for_screen_readers(client, council, path, expected):
    client.force_login(council["qa_admin"])
    assert current_item(client.get(path).content.decode()) == expected


def test_an_audit_page_is_in_my_audits(client, council):
    from caseaudit.audits.services.lifecycle import audit_open
    from caseaudit.audits.services.tools import standard_tools_ensure

    audit = audit_open(
        child=council.children["own"],
        auditor=council["auditor"],
        tool_version=standard_tools_ensure()[0].current_version,
        due_on=None,
    )
    client.force_login(council["auditor"])
    assert current_item(client.get(f"/audits/{audit.pk}/edit").content.decode()) == "/audits/mine/"


def test_only_qa_administrators_see_programmes_and_administration(client, council):
    client.force_login(council["social_worker"])
    body = client.get("/").content.decode()
    assert "Programmes" not in body and "Administration" not in body
    client.force_login(council["qa_admin"])
    body = client.get("/").content.decode()
    assert "Programmes" in body and "Administration" in body
