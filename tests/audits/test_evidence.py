"""Issue 37, point 8: a grade needs its evidence on submission, and long text has a stated limit.

Drafts stay free: a draft saves with no evidence at all. A tool can make one practice area's evidence
optional (set where tools are edited). Free text is held to a stated limit, shown with the GOV.UK
character count, and refused over it with GOV.UK's wording, keeping what was typed.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from caseaudit.audits.models import Audit, AuditStatus, ToolSection
from caseaudit.audits.services.lifecycle import AuditDraft, AuditIncomplete, audit_save_draft, audit_submit
from caseaudit.audits.services.tools import tool_fingerprint

from .conftest import submit_by_pages
from .test_pages import form_data


def grades_only(audit, grade="good") -> AuditDraft:
    return AuditDraft(overall_grade=grade, sections={j.section_id: (grade, "") for j in audit.judgements.all()})


def sections_of(audit):
    return list(audit.judgements.select_related("section").order_by("section__position"))


# The rule, in the service ------------------------------------------------------------------------------------


def test_grades_without_evidence_are_refused_on_submission_naming_each_practice_area(draft_audit, council):
    with pytest.raises(AuditIncomplete) as refused:
        audit_submit(audit_id=draft_audit.pk, by=council["auditor"], draft=grades_only(draft_audit), expected_version=1)
    expected = {
        f"section_{j.section_id}_evidence": f"Enter the evidence for {j.section.title}"
        for j in sections_of(draft_audit)
    }
    assert {k: v for k, v in refused.value.errors.items() if k.endswith("_evidence")} == expected
    assert len(expected) == 7
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT
    # What was given is kept as the draft.
    assert set(draft_audit.judgements.values_list("grade", flat=True)) == {"good"}


def test_evidence_of_spaces_alone_is_no_evidence(draft_audit, council):
    draft = grades_only(draft_audit)
    first = sections_of(draft_audit)[0]
    for judgement in sections_of(draft_audit):
        draft.sections[judgement.section_id] = ("good", "Seen in the notes")
    draft.sections[first.section_id] = ("good", "   \n ")
    with pytest.raises(AuditIncomplete) as refused:
        audit_submit(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    assert refused.value.errors == {f"section_{first.section_id}_evidence": "Enter the evidence for Voice of the Child"}


def test_a_draft_saves_grades_with_no_evidence(draft_audit, council):
    audit = audit_save_draft(
        audit_id=draft_audit.pk, by=council["auditor"], draft=grades_only(draft_audit), expected_version=1
    )
    assert audit.status == AuditStatus.DRAFT and audit.version == 2


def test_a_tool_can_make_one_practice_areas_evidence_optional(draft_audit, council):
    judgements = sections_of(draft_audit)
    optional = judgements[-1].section
    ToolSection.objects.filter(pk=optional.pk).update(evidence_required=False)
    draft = grades_only(draft_audit)
    for judgement in judgements[:-1]:
        draft.sections[judgement.section_id] = ("good", f"Seen: {judgement.section.title}")
    audit = audit_submit(audit_id=draft_audit.pk, by=council["auditor"], draft=draft, expected_version=1)
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.judgements.get(section=optional).evidence == ""


def test_new_sections_require_evidence_by_default(tool):
    assert all(tool.current_version.sections.values_list("evidence_required", flat=True))


# The audit page ----------------------------------------------------------------------------------------------


def test_the_page_refuses_grades_without_evidence_with_a_linked_error_summary_and_keeps_the_grades(
    client, council, draft_audit
):
    client.force_login(council["auditor"])
    data = form_data(draft_audit)
    judgements = sections_of(draft_audit)
    for judgement in judgements:
        data[f"section_{judgement.section_id}_evidence"] = ""
    response = submit_by_pages(client, draft_audit, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body and "There is a problem" in body
    links = re.findall(
        r'<li><a href="([^"#]+)#(id_section_\d+_evidence)">(Enter the evidence for [^<]+)</a></li>', body
    )
    assert links == [
        (
            reverse("audits:audit_area", args=[draft_audit.pk, j.section_id]) + "?from=check",
            f"id_section_{j.section_id}_evidence",
            f"Enter the evidence for {j.section.title}",
        )
        for j in judgements
    ]
    # Following a link: the message sits by its box, and the box is marked and described by it.
    first = judgements[0].section_id
    body = client.get(links[0][0]).content.decode()
    assert (
        f'<p id="id_section_{first}_evidence-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> Enter the evidence for Voice of the Child</p>" in body
    )
    assert re.search(rf'<textarea[^>]*aria-describedby="[^"]*id_section_{first}_evidence-error"', body)
    assert re.search(
        rf'<input class="govuk-radios__input" type="radio" name="section_{first}_grade" id="[^"]+" value="good" checked',
        body,
    )
    # Nothing typed is lost: every grade is still chosen, and the summary is still there.
    draft_audit.refresh_from_db()
    assert draft_audit.status == AuditStatus.DRAFT
    assert draft_audit.strengths == "Kind and persistent work"
    assert set(draft_audit.judgements.values_list("grade", flat=True)) == {"good"}


def test_saving_a_draft_with_grades_and_no_evidence_is_accepted(client, council, draft_audit):
    client.force_login(council["auditor"])
    data = form_data(draft_audit, save="1")
    for judgement in draft_audit.judgements.all():
        data[f"section_{judgement.section_id}_evidence"] = ""
    response = client.post(reverse("audits:audit_edit_all", args=[draft_audit.pk]), data)
    assert response.status_code == 302
    draft_audit.refresh_from_db()
    assert draft_audit.version == 2 and draft_audit.status == AuditStatus.DRAFT


def test_an_optional_evidence_box_says_so(client, council, draft_audit):
    optional = sections_of(draft_audit)[-1].section
    ToolSection.objects.filter(pk=optional.pk).update(evidence_required=False)
    client.force_login(council["auditor"])
    body = client.get(reverse("audits:audit_edit_all", args=[draft_audit.pk])).content.decode()
    assert f">Evidence for {optional.title} (optional)</label>" in body
    assert ">Evidence for Voice of the Child</label>" in body


# Stated limits -----------------------------------------------------------------------------------------------


def test_every_long_text_box_on_the_audit_page_is_a_govuk_character_count(client, council, draft_audit):
    client.force_login(council["auditor"])
    body = client.get(reverse("audits:audit_edit_all", args=[draft_audit.pk])).content.decode()
    textareas = re.findall(r"<textarea[^>]*>", body)
    assert len(textareas) == 7 + 3 + 1  # the evidence for each practice area, the three summaries, the reason
    for textarea in textareas:
        assert "govuk-js-character-count" in textarea
        assert "maxlength" not in textarea  # a browser would cut pasted text off without a word
        name = re.search(r'id="([^"]+)"', textarea).group(1)
        assert re.search(rf'aria-describedby="{name}-info[ "]', textarea)
        assert f'<div id="{name}-info" class="govuk-hint govuk-character-count__message">' in body
    first = sections_of(draft_audit)[0].section_id
    group = re.search(
        rf'<div class="govuk-form-group govuk-character-count" data-module="govuk-character-count" '
        rf'data-maxlength="(\d+)">\s*<label class="govuk-label" for="id_section_{first}_evidence">',
        body,
    )
    assert group and group.group(1) == "5000"
    assert 'data-maxlength="10000">\n  <label class="govuk-label" for="id_strengths">' in body
    assert "You can enter up to 5,000 characters" in body and "You can enter up to 10,000 characters" in body


def test_twenty_thousand_characters_of_evidence_are_refused_with_govuk_wording_and_kept(client, council, draft_audit):
    client.force_login(council["auditor"])
    first = sections_of(draft_audit)[0].section_id
    long_text = "Olivia said she likes her school. " * 600  # about 20,000 characters
    data = form_data(draft_audit, save="1", strengths="x" * 10_001, **{f"section_{first}_evidence": long_text.strip()})
    response = client.post(reverse("audits:audit_edit_all", args=[draft_audit.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<a href="#id_section_{first}_evidence">Evidence for Voice of the Child must be 5,000 characters or less</a>'
        in body
    )
    assert '<a href="#id_strengths">Strengths must be 10,000 characters or less</a>' in body
    assert long_text.strip()[:200] in body and long_text.strip()[-200:] in body  # all of it, to trim
    assert "govuk-textarea--error" in body
    draft_audit.refresh_from_db()
    assert draft_audit.version == 1  # nothing saved over the limit


def test_text_at_the_limit_is_accepted_and_a_line_break_counts_once(client, council, draft_audit):
    client.force_login(council["auditor"])
    first = sections_of(draft_audit)[0].section_id
    # 5,000 characters as the page counts them; the browser sends each of the 100 line breaks as CR LF.
    lines = ["y" * 49] * 100
    typed = "\r\n".join(lines) + "z"
    assert len(typed.replace("\r\n", "\n")) == 5_000
    data = form_data(draft_audit, save="1", **{f"section_{first}_evidence": typed})
    assert client.post(reverse("audits:audit_edit_all", args=[draft_audit.pk]), data).status_code == 302
    saved = Audit.objects.get(pk=draft_audit.pk).judgements.get(section_id=first).evidence
    assert len(saved) == 5_000 and "\r" not in saved


def test_the_moderation_reasons_and_the_other_audit_texts_have_limits_too(client, council, draft_audit):
    client.force_login(council["auditor"])
    submit_by_pages(client, draft_audit, form_data(draft_audit))
    client.force_login(council["moderator"])
    url = reverse("audits:audit_moderate", args=[draft_audit.pk])
    client.post(url, {"take": "1"})
    draft_audit.refresh_from_db()
    data = {"version": draft_audit.version, "overall_grade": "requires_improvement", "overall_reason": "r" * 5_001}
    for j in draft_audit.judgements.all():
        data[f"section_{j.section_id}_grade"] = j.grade
    body = client.post(url, data).content.decode()
    assert (
        '<a href="#id_overall_reason">Reason for changing the overall grade must be 5,000 characters or less</a>'
        in body
    )
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in body


# The tool editor ---------------------------------------------------------------------------------------------


def test_the_tool_editor_makes_a_practice_areas_evidence_optional_and_required_again(client, council, tool):
    client.force_login(council["qa_admin"])
    url = reverse("audits:tool_edit", args=[tool.pk])
    body = client.get(url).content.decode()
    assert "The grade for this practice area can be submitted without evidence" in body
    version = tool.current_version
    sections = list(version.sections.prefetch_related("questions"))
    data = {
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "based_on": tool_fingerprint(version),
        "note": "",
    }
    for n, section in enumerate(sections):
        data[f"sections-{n}-title"] = section.title
        data[f"sections-{n}-questions"] = "\n".join(q.text for q in section.questions.all())
    data["sections-6-evidence_optional"] = "on"
    assert client.post(url, data).status_code == 302
    saved = tool.current_version
    assert [s.evidence_required for s in saved.sections.all()] == [True] * 6 + [False]
    body = client.get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="sections-6-evidence_optional"[^>]*checked', body)
    assert not re.search(r'<input type="checkbox" name="sections-0-evidence_optional"[^>]*checked', body)
    assert "(evidence optional)" in client.get(reverse("audits:tool_show", args=[tool.pk])).content.decode()
    # Unticking makes it required again.
    del data["sections-6-evidence_optional"]
    data["based_on"] = tool_fingerprint(tool.current_version)
    assert client.post(url, data).status_code == 302
    assert all(tool.current_version.sections.values_list("evidence_required", flat=True))
