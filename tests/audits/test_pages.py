"""The audit pages: GOV.UK errors that keep what was typed, and the concurrent-edit warning."""

import datetime

import pytest
from django.urls import reverse

from caseaudit.audits.models import Audit, AuditStatus, Programme

from .conftest import submit_by_pages


def form_data(audit, grade="good", overall="good", **overrides):
    data = {"version": audit.version, "overall_grade": overall, "strengths": "Kind and persistent work"}
    for judgement in audit.judgements.all():
        data[f"section_{judgement.section_id}_grade"] = grade
        data[f"section_{judgement.section_id}_evidence"] = f"Evidence {judgement.section_id}"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_whole_audit_on_one_page_shows_every_practice_area_with_grade_descriptors(client, council, draft_audit):
    client.force_login(council["auditor"])
    body = client.get(reverse("audits:audit_edit_all", args=[draft_audit.pk])).content.decode()
    for title in ("Voice of the Child", "Embracing Diversity", "Assessment and Analysis"):
        assert f"Grade for {title}" in body
    assert "What each grade means" in body and "Serious or widespread failures" in body


def test_a_submission_with_an_ungraded_section_shows_a_linked_error_summary_and_keeps_the_text(
    client, council, draft_audit
):
    client.force_login(council["auditor"])
    first = draft_audit.judgements.order_by("section__position").first()
    data = form_data(draft_audit, overall="", **{f"section_{first.section_id}_grade": None})
    response = submit_by_pages(client, draft_audit, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body and "There is a problem" in body
    # Each link leads to the page that puts it right, at the field itself.
    area = reverse("audits:audit_area", args=[draft_audit.pk, first.section_id])
    summary = reverse("audits:audit_summary", args=[draft_audit.pk])
    assert (
        f'<a href="{area}?from=check#id_section_{first.section_id}_grade_0">Select a grade for Voice of the Child</a>'
        in body
    )
    assert f'<a href="{summary}?from=check#id_overall_grade_0">Select an overall grade</a>' in body
    assert f"Evidence {first.section_id}" in body and "Kind and persistent work" in body
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT
    assert draft_audit.strengths == "Kind and persistent work"  # saved as a draft meanwhile


def test_a_complete_submission_goes_to_moderation(client, council, draft_audit):
    client.force_login(council["auditor"])
    response = submit_by_pages(client, draft_audit, form_data(draft_audit))
    assert response.status_code == 302
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.SUBMITTED


def test_the_one_page_form_does_not_submit_by_itself(client, council, draft_audit):
    client.force_login(council["auditor"])
    url = reverse("audits:audit_edit_all", args=[draft_audit.pk])
    response = client.post(url, {**form_data(draft_audit), "submit": "1", "check": "1"})
    assert response.headers["Location"] == reverse("audits:audit_check", args=[draft_audit.pk])
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT and draft_audit.overall_grade == "good"


def test_a_stale_form_is_refused_with_a_warning_and_keeps_the_second_persons_text(client, council, draft_audit):
    client.force_login(council["auditor"])
    url = reverse("audits:audit_edit_all", args=[draft_audit.pk])
    stale = form_data(draft_audit, strengths="Written on the laptop", save="1")
    client.post(url, form_data(draft_audit, strengths="Written on the tablet", save="1"))
    response = client.post(url, stale)
    body = response.content.decode()
    assert "Someone else saved this audit while you were editing it" in body
    assert "Written on the laptop" in body
    draft_audit.refresh_from_db()
    assert draft_audit.strengths == "Written on the tablet"
    # Having been told, saving again is their choice and goes through.
    again = client.post(url, {**stale, "version": draft_audit.version})
    assert again.status_code == 302
    draft_audit.refresh_from_db()
    assert draft_audit.strengths == "Written on the laptop"


def test_a_moderator_must_give_a_reason_for_a_change(client, council, draft_audit):
    client.force_login(council["auditor"])
    submit_by_pages(client, draft_audit, form_data(draft_audit))
    client.force_login(council["moderator"])
    url = reverse("audits:audit_moderate", args=[draft_audit.pk])
    assert "Take for moderation" in client.get(url).content.decode()
    client.post(url, {"take": "1"})
    draft_audit.refresh_from_db()
    data = {"version": draft_audit.version, "overall_grade": "requires_improvement", "overall_reason": ""}
    for j in draft_audit.judgements.all():
        data[f"section_{j.section_id}_grade"] = j.grade
    body = client.post(url, data).content.decode()
    assert '<a href="#id_overall_reason">Give a reason for changing the overall grade</a>' in body
    data["overall_reason"] = "Plans lack timescales"
    assert client.post(url, data).status_code == 302
    draft_audit.refresh_from_db()
    assert draft_audit.final_grade == "requires_improvement" and draft_audit.overall_grade == "good"


def test_a_qa_admin_plans_a_programme_through_the_pages(client, council):
    from caseaudit.audits.services.tools import standard_tools_ensure

    from ..factories import ChildFactory

    tool, _ = standard_tools_ensure()
    for _ in range(3):
        ChildFactory(team=council.team_b)
    client.force_login(council["qa_admin"])
    today = datetime.date.today().replace(day=1)
    response = client.post(
        reverse("audits:programme_new"),
        {
            "service_area": council.team_a.service_area_id,
            "month": today.isoformat(),
            "tool": tool.pk,
            "due_on": "28/02/2099",
            "default_quota": "1",
        },
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("audits:programme_show", args=[programme.pk])
    quotas = {f"team_{q.team_id}": "2" for q in programme.quotas.all()}
    # The page's hidden field: the quotas it was built from (a change since is detected).
    from caseaudit.audits.services.sampling import quotas_fingerprint

    quotas["based_on"] = quotas_fingerprint(programme.quotas.all())
    client.post(reverse("audits:programme_quotas", args=[programme.pk]), quotas)
    client.post(reverse("audits:programme_propose", args=[programme.pk]))
    assert programme.sample.count() == 4
    client.post(reverse("audits:programme_confirm", args=[programme.pk]))
    assert Audit.objects.filter(programme=programme).count() == 4


def test_quotas_saved_by_someone_else_meanwhile_are_not_overwritten_and_the_numbers_typed_are_kept(client, council):
    from caseaudit.audits.services import sampling
    from caseaudit.audits.services.tools import standard_tools_ensure

    tool, _ = standard_tools_ensure()
    programme = sampling.programme_create(
        service_area=council.team_a.service_area, month=datetime.date.today().replace(day=1),
        tool_version=tool.current_version, due_on=datetime.date(2099, 2, 28), by=council["qa_admin"],
    )  # fmt: skip
    page_built_from = sampling.quotas_fingerprint(programme.quotas.all())
    theirs = {q.team_id: 3 for q in programme.quotas.all()}
    sampling.quotas_save(programme=programme, quotas=theirs, based_on=page_built_from)  # the other person's save
    client.force_login(council["qa_admin"])
    mine = {f"team_{team_id}": "7" for team_id in theirs} | {"based_on": page_built_from}
    body = client.post(reverse("audits:programme_quotas", args=[programme.pk]), mine).content.decode()
    assert "Someone else changed these quotas while you were editing" in body
    assert set(programme.quotas.values_list("quota", flat=True)) == {3}  # theirs stand
    assert 'value="7"' in body  # what was typed is kept
    # Saving again, now based on their quotas, replaces them.
    mine["based_on"] = sampling.quotas_fingerprint(programme.quotas.all())
    assert client.post(reverse("audits:programme_quotas", args=[programme.pk]), mine).status_code == 302
    assert set(programme.quotas.values_list("quota", flat=True)) == {7}


@pytest.mark.parametrize("bad", [{"default_quota": "-1"}, {"due_on": "31/02/2026"}, {"service_area": ""}])
def test_bad_programme_input_is_refused_with_the_rest_kept(client, council, bad):
    from caseaudit.audits.services.tools import standard_tools_ensure

    tool, _ = standard_tools_ensure()
    client.force_login(council["qa_admin"])
    data = {
        "service_area": council.team_a.service_area_id,
        "month": datetime.date.today().replace(day=1).isoformat(),
        "tool": tool.pk,
        "due_on": "28/02/2099",
        "default_quota": "1",
        **bad,
    }
    body = client.post(reverse("audits:programme_new"), data).content.decode()
    assert "There is a problem" in body
    assert not Programme.objects.exists()
