"""Two people editing the same shared record never silently overwrite each other."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tests.test_url_walk import world  # noqa: F401


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_two_people_naming_the_responsible_professional_are_not_overwritten(council, world):  # noqa: F811
    plan = world["plans"][0]
    url = reverse("improvement:responsible", args=[plan.pk])
    first, second = Client(), Client()
    first.force_login(council["qa_admin"])
    second.force_login(council["service_manager"])
    # Both open the form on the same version.
    v1 = _version(first.get(url).content.decode())
    v2 = _version(second.get(url).content.decode())
    assert v1 == v2
    answer = first.post(url, {"responsible": council["team_manager"].pk, "role": "team_manager", "version": v1})
    assert answer.status_code == 302
    # The second save is told, keeps their choice on the page, and changes nothing.
    answer = second.post(url, {"responsible": council["iro"].pk, "role": "iro", "version": v2})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "was named by someone else while you were editing" in page
    assert f'value="{council["iro"].pk}" selected' in page
    plan.refresh_from_db()
    assert plan.responsible == council["team_manager"]
    # Saving again, now told, replaces the other choice.
    answer = second.post(url, {"responsible": council["iro"].pk, "role": "iro", "version": _version(page)})
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert plan.responsible == council["iro"]


def _based_on(html: str) -> str:
    return re.search(r'name="based_on" value="([^"]*)"', html).group(1)


def test_two_people_setting_programme_quotas_are_not_overwritten(council, world):  # noqa: F811
    from caseaudit.audits.models import ProgrammeQuota

    programme = world["programmes"][0]
    page_url = reverse("audits:programme_show", args=[programme.pk])
    url = reverse("audits:programme_quotas", args=[programme.pk])
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(council["qa_admin"])
    seen1 = _based_on(first.get(page_url).content.decode())
    seen2 = _based_on(second.get(page_url).content.decode())
    fields = [f"team_{q.team_id}" for q in programme.quotas.all()]
    assert first.post(url, {**{f: "3" for f in fields}, "based_on": seen1}).status_code == 302
    answer = second.post(url, {**{f: "7" for f in fields}, "based_on": seen2})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Someone else changed these quotas while you were editing" in page
    assert 'value="7"' in page  # their numbers are kept on the page
    assert set(ProgrammeQuota.objects.filter(programme=programme).values_list("quota", flat=True)) == {3}
    # Told, they save again and their numbers replace the others.
    assert second.post(url, {**{f: "7" for f in fields}, "based_on": _based_on(page)}).status_code == 302
    assert set(ProgrammeQuota.objects.filter(programme=programme).values_list("quota", flat=True)) == {7}


def _tool_form(html: str) -> dict[str, str]:
    """The tool editor as the page renders it: every input and textarea with its value."""
    import html as html_lib

    fields = {
        m.group(1): html_lib.unescape(m.group(2))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    }
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[m.group(1)] = html_lib.unescape(m.group(2)).strip("\n")
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def test_two_people_editing_an_audit_tool_are_not_overwritten(council, world):  # noqa: F811
    from caseaudit.audits.models import ToolQuestion

    tool = world["tools"][0]
    url = reverse("audits:tool_edit", args=[tool.pk])
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(council["qa_admin"])
    form1 = _tool_form(first.get(url).content.decode())
    form2 = _tool_form(second.get(url).content.decode())
    assert form1["based_on"] == form2["based_on"] != ""
    assert first.post(url, {**form1, "sections-0-questions": "First editor's question"}).status_code == 302
    answer = second.post(url, {**form2, "sections-0-questions": "Second editor's question"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Someone else saved this tool while you were editing it" in page
    assert "Second editor&#x27;s question" in page  # what they typed is kept
    texts = set(ToolQuestion.objects.filter(section__version=tool.current_version).values_list("text", flat=True))
    assert "First editor's question" in texts and "Second editor's question" not in texts
    # Told, they save again: theirs replaces the first editor's.
    assert (
        second.post(
            url, {**form2, "sections-0-questions": "Second editor's question", "based_on": _based_on(page)}
        ).status_code
        == 302
    )
    tool.refresh_from_db()
    texts = set(ToolQuestion.objects.filter(section__version=tool.current_version).values_list("text", flat=True))
    assert "Second editor's question" in texts and "First editor's question" not in texts
