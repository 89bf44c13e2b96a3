"""Issue 37 point 5 (the audit as a GOV.UK task list), issue 44 points 2 (the moderator sees the whole audit
and can return it) and 3 (Check your answers; an overall grade outside the areas' grades needs a reason)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from caseaudit.audits.errors import AuditRuleError
from caseaudit.audits.models import AuditReturn, AuditStatus
from caseaudit.audits.services import lifecycle, returns
from caseaudit.audits.services.lifecycle import overall_outside_areas
from caseaudit.messaging.models import SentMessage

from .conftest import complete_draft, submit_by_pages
from .test_pages import form_data


def areas(audit):
    return list(audit.judgements.select_related("section").order_by("section__position"))


def area_url(audit, judgement):
    return reverse("audits:audit_area", args=[audit.pk, judgement.section_id])


def statuses(body: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", s).strip()
        for s in re.findall(r'class="govuk-task-list__status[^"]*" id="task-[^"]+">(.*?)</div>', body, re.S)
    ]


# The task list ------------------------------------------------------------------------------------------------


def test_the_task_list_shows_each_part_and_how_far_it_has_got(client, council, draft_audit):
    client.force_login(council["auditor"])
    first, second, *_ = areas(draft_audit)
    url = reverse("audits:audit_edit", args=[draft_audit.pk])
    body = client.get(url).content.decode()
    assert statuses(body) == ["Not yet started"] * 8 + ["Not ready: complete every part first"]
    assert "You have completed 0 of 8 parts." in body
    # A grade with its evidence completes an area; a grade alone (evidence required) leaves it in progress.
    client.post(
        area_url(draft_audit, first),
        {
            "version": 1,
            f"section_{first.section_id}_grade": "good",
            f"section_{first.section_id}_evidence": "Seen alone",
            "save": "1",
        },
    )
    client.post(
        area_url(draft_audit, second), {"version": 2, f"section_{second.section_id}_grade": "good", "save": "1"}
    )
    body = client.get(url).content.decode()
    assert statuses(body)[:3] == ["Completed", "In progress", "Not yet started"]
    assert "You have completed 1 of 8 parts." in body
    assert (
        f'href="{area_url(draft_audit, first)}"' in body
        and reverse("audits:audit_check", args=[draft_audit.pk]) in body
    )


def test_save_and_continue_walks_the_areas_then_the_summary_then_check_your_answers(client, council, draft_audit):
    client.force_login(council["auditor"])
    judgements = areas(draft_audit)
    version = draft_audit.version
    for here, following in zip(judgements, [*judgements[1:], None], strict=True):
        data = {
            "version": version,
            f"section_{here.section_id}_grade": "good",
            f"section_{here.section_id}_evidence": "E",
            "continue": "1",
        }
        response = client.post(area_url(draft_audit, here), data)
        expected = (
            area_url(draft_audit, following) if following else reverse("audits:audit_summary", args=[draft_audit.pk])
        )
        assert response.headers["Location"] == expected
        version += 1
    response = client.post(
        reverse("audits:audit_summary", args=[draft_audit.pk]),
        {"version": version, "overall_grade": "good", "continue": "1"},
    )
    assert response.headers["Location"] == reverse("audits:audit_check", args=[draft_audit.pk])
    body = client.get(reverse("audits:audit_edit", args=[draft_audit.pk])).content.decode()
    assert statuses(body) == ["Completed"] * 8 + ["Ready to check"]


def test_saving_one_area_leaves_the_others_and_the_overall_judgement_as_they_were(client, council, draft_audit):
    client.force_login(council["auditor"])
    submit = client.post(
        reverse("audits:audit_edit_all", args=[draft_audit.pk]), {**form_data(draft_audit), "save": "1"}
    )
    assert submit.status_code == 302
    draft_audit.refresh_from_db()
    first, second, *_ = areas(draft_audit)
    client.post(
        area_url(draft_audit, first),
        {
            "version": draft_audit.version,
            f"section_{first.section_id}_grade": "inadequate",
            f"section_{first.section_id}_evidence": "Not seen for 12 weeks",
            "save": "1",
        },
    )
    draft_audit.refresh_from_db()
    assert draft_audit.overall_grade == "good" and draft_audit.strengths == "Kind and persistent work"
    grades = dict(draft_audit.judgements.values_list("section_id", "grade"))
    assert grades[first.section_id] == "inadequate" and grades[second.section_id] == "good"


def test_an_area_page_of_another_tool_or_for_another_person_is_not_found(client, council, draft_audit, version):
    from caseaudit.audits.models import ToolSection

    first = areas(draft_audit)[0]
    other = ToolSection.objects.exclude(version=draft_audit.tool_version).first()
    client.force_login(council["auditor"])
    if other is not None:
        assert client.get(reverse("audits:audit_area", args=[draft_audit.pk, other.pk])).status_code == 404
    client.force_login(council["moderator"])
    for name, args in (
        ("audit_area", [draft_audit.pk, first.section_id]),
        ("audit_summary", [draft_audit.pk]),
        ("audit_check", [draft_audit.pk]),
        ("audit_edit", [draft_audit.pk]),
    ):
        assert client.get(reverse(f"audits:{name}", args=args)).status_code == 404, name


def test_a_stale_area_page_warns_and_keeps_what_was_typed(client, council, draft_audit):
    client.force_login(council["auditor"])
    first = areas(draft_audit)[0]
    url = area_url(draft_audit, first)
    client.post(url, {"version": 1, f"section_{first.section_id}_evidence": "From the laptop", "save": "1"})
    body = client.post(
        url, {"version": 1, f"section_{first.section_id}_evidence": "From the tablet", "save": "1"}
    ).content.decode()
    assert "Someone else saved this audit while you were editing it" in body and "From the tablet" in body
    assert draft_audit.judgements.get(section_id=first.section_id).evidence == "From the laptop"


# Check your answers -------------------------------------------------------------------------------------------


def test_check_your_answers_shows_every_grade_and_evidence_with_change_links(client, council, draft_audit):
    client.force_login(council["auditor"])
    client.post(reverse("audits:audit_edit_all", args=[draft_audit.pk]), {**form_data(draft_audit), "save": "1"})
    body = client.get(reverse("audits:audit_check", args=[draft_audit.pk])).content.decode()
    for judgement in areas(draft_audit):
        assert f"Evidence {judgement.section_id}" in body
        assert (
            f'href="{area_url(draft_audit, judgement)}">Change<span class="govuk-visually-hidden"> {judgement.section.title}</span>'
            in body
        )
    assert "Kind and persistent work" in body and "Submit for moderation" in body
    assert "overall_grade_reason" not in body  # within the areas' range: no reason asked for


@pytest.mark.parametrize(
    ("overall", "area_grades", "expected"),
    [
        ("good", ["good", "inadequate"], None),
        ("outstanding", ["good", "inadequate"], ("good", "inadequate")),
        ("inadequate", ["good", "requires_improvement"], ("good", "requires_improvement")),
        ("outstanding", ["inadequate"], ("inadequate", "inadequate")),
        ("good", ["", ""], None),
        ("", ["good"], None),
    ],
)
def test_an_overall_grade_outside_the_areas_grades_is_found(overall, area_grades, expected):
    assert overall_outside_areas(overall, area_grades) == expected


def test_outstanding_overall_with_an_inadequate_area_needs_a_reason_before_it_is_submitted(
    client, council, draft_audit
):
    client.force_login(council["auditor"])
    first = areas(draft_audit)[0]
    data = form_data(draft_audit, overall="outstanding", **{f"section_{first.section_id}_grade": "inadequate"})
    response = submit_by_pages(client, draft_audit, data)
    body = response.content.decode()
    message = "Explain why the overall grade is Outstanding when the practice areas are graded Good to Inadequate"
    assert response.status_code == 200 and "There is a problem" in body
    assert f'<a href="#id_overall_grade_reason">{message}</a>' in body
    assert '<label class="govuk-label" for="id_overall_grade_reason">' in body
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT
    response = client.post(
        reverse("audits:audit_check", args=[draft_audit.pk]),
        {"version": draft_audit.version, "overall_grade_reason": "One missed visit; otherwise exceptional work"},
    )
    assert response.status_code == 302
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.SUBMITTED
    assert draft_audit.overall_grade_reason == "One missed visit; otherwise exceptional work"
    show = client.get(reverse("audits:audit_show", args=[draft_audit.pk])).content.decode()
    assert "One missed visit; otherwise exceptional work" in show


def test_the_submit_service_refuses_a_contradiction_without_a_reason_whatever_page_it_came_from(council, draft_audit):
    draft = complete_draft(draft_audit, grade="inadequate", overall="outstanding")
    with pytest.raises(lifecycle.AuditIncomplete) as refused:
        lifecycle.audit_submit(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    assert set(refused.value.errors) == {"overall_grade_reason"}
    draft.overall_grade_reason = "The child's own words were exceptional"
    audit = lifecycle.audit_submit(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=2)
    assert audit.status == AuditStatus.SUBMITTED


# The moderator: the whole audit, and returning it ------------------------------------------------------------------


@pytest.fixture
def submitted(client, council, draft_audit):
    client.force_login(council["auditor"])
    data = form_data(draft_audit, areas_for_development="Plans need dates", recommended_actions="Write the plan again")
    first = areas(draft_audit)[0]
    question = first.section.questions.order_by("position").first()
    data[f"question_{question.pk}"] = "partly" if question.kind == "choice" else "Seen twice"
    assert submit_by_pages(client, draft_audit, data).status_code == 302
    draft_audit.refresh_from_db()
    return draft_audit


def test_the_moderator_reads_the_whole_audit_beside_the_grades(client, council, submitted):
    client.force_login(council["moderator"])
    url = reverse("audits:audit_moderate", args=[submitted.pk])
    client.post(url, {"take": "1"})
    body = client.get(url).content.decode()
    question = areas(submitted)[0].section.questions.order_by("position").first()
    assert question.text in body and ("Partly" in body or "Seen twice" in body)
    for text in ("Kind and persistent work", "Plans need dates", "Write the plan again", "Return to the auditor"):
        assert text in body
    for judgement in areas(submitted):
        assert f"Evidence {judgement.section_id}" in body


def test_the_moderator_returns_the_audit_and_the_auditor_is_told_why(
    client, council, submitted, django_capture_on_commit_callbacks
):
    client.force_login(council["moderator"])
    client.post(reverse("audits:audit_moderate", args=[submitted.pk]), {"take": "1"})
    submitted.refresh_from_db()
    url = reverse("audits:audit_return", args=[submitted.pk])
    body = client.post(url, {"version": submitted.version, "reason": "  "}).content.decode()
    assert '<a href="#id_reason">Say what the auditor needs to change</a>' in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"version": submitted.version, "reason": "The evidence for Voice of the Child does not quote the child"},
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AuditStatus.DRAFT and submitted.moderator is None and submitted.submitted_at is None
    assert submitted.overall_grade == "good" and submitted.strengths == "Kind and persistent work"  # nothing lost
    returned = AuditReturn.objects.get(audit=submitted)
    assert returned.returned_by == council["moderator"]
    [email] = [m for m in mail.outbox if "returned" in m.subject]
    assert email.to == [council["auditor"].email]
    assert "does not quote the child" in email.body and reverse("audits:audit_edit", args=[submitted.pk]) in email.body
    # Sent through the ledger (kept, retried after a mail fault, listed on "Emails not sent"), not sent bare.
    ledger_row = SentMessage.objects.get(reason=returns.RETURNED)
    assert ledger_row.recipient == council["auditor"] and ledger_row.status == "sent"
    # The auditor sees why at the top of their task list, and can submit again.
    client.force_login(council["auditor"])
    tasks = client.get(reverse("audits:audit_edit", args=[submitted.pk])).content.decode()
    assert "Returned to you" in tasks and "does not quote the child" in tasks
    again = client.post(reverse("audits:audit_check", args=[submitted.pk]), {"version": submitted.version})
    assert again.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AuditStatus.SUBMITTED
    # The audit's page keeps the return.
    assert "does not quote the child" in client.get(reverse("audits:audit_show", args=[submitted.pk])).content.decode()


def test_only_a_moderator_other_than_the_auditor_may_return_it(client, council, submitted):
    client.force_login(council["auditor"])
    assert client.get(reverse("audits:audit_return", args=[submitted.pk])).status_code == 404
    with pytest.raises(AuditRuleError):
        returns.audit_return(audit_id=submitted.pk, moderator=council["auditor"], reason="Mine", expected_version=None)
    # A finalised audit cannot be sent back.
    client.force_login(council["moderator"])
    client.post(reverse("audits:audit_moderate", args=[submitted.pk]), {"take": "1"})
    submitted.refresh_from_db()
    data = {"version": submitted.version, "overall_grade": "good"}
    for j in submitted.judgements.all():
        data[f"section_{j.section_id}_grade"] = j.grade
    assert client.post(reverse("audits:audit_moderate", args=[submitted.pk]), data).status_code == 302
    assert client.get(reverse("audits:audit_return", args=[submitted.pk])).status_code == 404
    with pytest.raises(AuditRuleError):
        returns.audit_return(
            audit_id=submitted.pk, moderator=council["moderator"], reason="Late", expected_version=None
        )
    assert not AuditReturn.objects.exists()
