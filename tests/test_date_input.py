"""Dates are asked for with GOV.UK's date input: Day, Month and Year boxes, errors naming the part that is wrong
(issue 37, point 6). A browser's own date field (`type="date"`) shows mm/dd/yyyy in US English and is hard to use
with a screen reader; it appears on no page.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms

from caseaudit.web.forms import GovukForm, date_field, error_anchor, summary_errors
from tests.test_url_walk import PAGES, all_routes, allowed, kwargs_for, route_to_url, world  # noqa: F401

D = datetime.date


class MeetingDateForm(GovukForm):
    held_on = date_field("Date of the meeting")


class DueByForm(GovukForm):
    due_on = date_field("Due by", required=False, required_message="Enter the due date")
    agreed_on = date_field("Date agreed", required_message="Enter the date it was agreed")

    def clean(self):
        data = super().clean()
        if data.get("due_on") and data.get("agreed_on") and data["due_on"] < data["agreed_on"]:
            self.add_error("due_on", "The due date must be on or after the date it was agreed")
        return data


class BirthForm(GovukForm):
    born_on = date_field("Date of birth", date_of_birth=True)


def boxes(day="", month="", year="", name="held_on") -> dict:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def box_tags(html: str, name: str = "held_on") -> dict[str, str]:
    """The <input> tag of each box, by part."""
    return {
        part: re.search(rf'<input[^>]*name="{name}_{part}"[^>]*>', html).group(0) for part in ("day", "month", "year")
    }


def marked(html: str, name: str = "held_on") -> set[str]:
    return {part for part, tag in box_tags(html, name).items() if "govuk-input--error" in tag}


# The field ----------------------------------------------------------------------------------------------------


def test_three_boxes_clean_to_one_date():
    form = MeetingDateForm(boxes("7", "03", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == D(2026, 3, 7)


def test_a_month_may_be_written_as_a_word():
    # GOV.UK: accept month names written out in full or abbreviated.
    for month in ("March", "mar", " MARCH "):
        form = MeetingDateForm(boxes("7", month, "2026"))
        assert form.is_valid() and form.cleaned_data["held_on"] == D(2026, 3, 7), month


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("7", "", "2026"), "Date of the meeting must include a month", {"month"}),
        (("", "3", "2026"), "Date of the meeting must include a day", {"day"}),
        (("7", "3", ""), "Date of the meeting must include a year", {"year"}),
        (("", "3", ""), "Date of the meeting must include a day and year", {"day", "year"}),
        (("", "", "2026"), "Date of the meeting must include a day and month", {"day", "month"}),
        (("7", "", ""), "Date of the meeting must include a month and year", {"month", "year"}),
        (("7", "3", "26"), "Year must include 4 numbers", {"year"}),
        (("7", "13", "2026"), "Date of the meeting must be a real date", {"month"}),
        (("32", "3", "2026"), "Date of the meeting must be a real date", {"day"}),
        (("seven", "3", "2026"), "Date of the meeting must be a real date", {"day"}),
        (("7", "3", "20x6"), "Date of the meeting must be a real date", {"year"}),
        # Not clear which part is wrong (or more than one is): the whole date is marked.
        (("31", "2", "2026"), "Date of the meeting must be a real date", {"day", "month", "year"}),
        (("29", "2", "2025"), "Date of the meeting must be a real date", {"day", "month", "year"}),
        (("0", "13", "2026"), "Date of the meeting must be a real date", {"day", "month", "year"}),
        (("", "", ""), "Enter date of the meeting", {"day", "month", "year"}),
    ],
)
def test_each_error_is_worded_as_govuk_words_it_and_marks_only_the_wrong_boxes(typed, message, wrong):
    form = MeetingDateForm(boxes(*typed))
    assert not form.is_valid()
    assert form.errors["held_on"] == [message]
    html = str(form["held_on"].as_field_group())
    assert marked(html) == wrong
    assert {p for p, tag in box_tags(html).items() if 'aria-invalid="true"' in tag} == wrong
    # The error summary links to the first wrong box, which exists on the page.
    first = next(p for p in ("day", "month", "year") if p in wrong)
    assert error_anchor(form["held_on"]) == f"id_held_on_{first}"
    assert f'id="id_held_on_{first}"' in html
    assert summary_errors(form) == [(f"id_held_on_{first}", message)]


def test_a_required_date_left_empty_uses_the_fields_own_message():
    form = DueByForm(boxes(name="agreed_on"))
    assert form.errors["agreed_on"] == ["Enter the date it was agreed"]
    assert "due_on" not in form.errors  # not required: empty is no date, and no error
    assert form.cleaned_data["due_on"] is None


def test_an_error_from_the_form_about_the_whole_date_marks_every_box():
    form = DueByForm({**boxes("1", "1", "2026", name="due_on"), **boxes("2", "1", "2026", name="agreed_on")})
    assert form.errors["due_on"] == ["The due date must be on or after the date it was agreed"]
    assert marked(str(form["due_on"].as_field_group()), "due_on") == {"day", "month", "year"}
    assert marked(str(form["agreed_on"].as_field_group()), "agreed_on") == set()
    assert error_anchor(form["due_on"]) == "id_due_on_day"


def test_what_was_typed_is_kept_on_error_even_a_date_that_cannot_be():
    form = MeetingDateForm(boxes("31", "2", "2026"))
    assert not form.is_valid()
    tags = box_tags(str(form["held_on"].as_field_group()))
    assert 'value="31"' in tags["day"] and 'value="2"' in tags["month"] and 'value="2026"' in tags["year"]
    form = MeetingDateForm(boxes("7", "", "twenty"))
    tags = box_tags(str(form["held_on"].as_field_group()))
    assert 'value="7"' in tags["day"] and "value=" not in tags["month"] and 'value="twenty"' in tags["year"]


def test_an_initial_date_fills_the_three_boxes():
    form = MeetingDateForm(initial={"held_on": D(2026, 3, 7)})
    tags = box_tags(str(form["held_on"].as_field_group()))
    assert 'value="7"' in tags["day"] and 'value="3"' in tags["month"] and 'value="2026"' in tags["year"]


def test_the_markup_is_govuks_date_input():
    html = str(MeetingDateForm()["held_on"].as_field_group())
    assert 'type="date"' not in html
    assert re.search(r'<fieldset class="govuk-fieldset" role="group" aria-describedby="id_held_on-hint">', html)
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of the meeting</legend>' in html
    assert '<div id="id_held_on-hint" class="govuk-hint">For example, 27 3 2026</div>' in html
    assert '<div class="govuk-date-input" id="id_held_on">' in html
    tags = box_tags(html)
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_held_on_{part}">{part.title()}</label>' in html
        )
        assert 'type="text"' in tags[part] and 'inputmode="numeric"' in tags[part]
        assert f"govuk-input govuk-date-input__input govuk-input--width-{width}" in tags[part]
        assert 'autocomplete="off"' in tags[part]
    # A date of birth is the one date a browser may fill in.
    born = box_tags(str(BirthForm()["born_on"].as_field_group()), "born_on")
    assert all(f'autocomplete="bday-{part}"' in tag for part, tag in born.items())


def test_one_written_date_under_the_plain_name_is_still_read():
    """Links the app builds (report downloads: ?kind=custom&start=2026-04-01), bookmarks and scripts send one
    date under the field's name; the boxes win when both are sent."""
    for written in ("2026-03-07", "07/03/2026", "7-3-2026"):
        form = MeetingDateForm({"held_on": written})
        assert form.is_valid() and form.cleaned_data["held_on"] == D(2026, 3, 7), written
    both = MeetingDateForm({"held_on": "2026-03-07", **boxes("8", "3", "2026")})
    assert both.is_valid() and both.cleaned_data["held_on"] == D(2026, 3, 8)
    bad = MeetingDateForm({"held_on": "2026-02-30"})
    assert bad.errors["held_on"] == ["Date of the meeting must be a real date"]
    tags = box_tags(str(bad["held_on"].as_field_group()))
    assert 'value="30"' in tags["day"] and 'value="2"' in tags["month"]  # shown in the boxes to correct
    assert MeetingDateForm({"held_on": "soon"}).errors["held_on"] == ["Date of the meeting must be a real date"]


def test_an_untouched_optional_date_in_a_formset_row_leaves_the_row_empty():
    rows = forms.formset_factory(DueByForm, extra=1)({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"})
    assert not rows.forms[0].has_changed()
    filled = forms.formset_factory(DueByForm, extra=1)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", **boxes("1", "", "", name="form-0-due_on")}
    )
    assert filled.forms[0].has_changed()


# The pages ----------------------------------------------------------------------------------------------------

# Every page with a date to type, and who reaches it.
DATE_PAGES = {
    "audits:activity_new": "auditor",
    "audits:programme_new": "qa_admin",
    "audits:programme_new_themed": "qa_admin",
    "improvement:meeting": "practice_lead",
    "learning:new": "qa_admin",
    "learning:source_new": "qa_admin",
    "learning:recommendation_new": "qa_admin",
    "learning:follow_up_new": "qa_admin",
    "reporting:index": "qa_admin",
    "reporting:grading": "qa_admin",
    "reporting:feedback_answers": "qa_admin",
    "learning:calibration_new": "qa_admin",
    "evidence:new": "qa_admin",
    "reporting:themes": "qa_admin",
    "dataprotection:child_history": "qa_admin",
}


def test_no_page_has_a_browser_date_field_and_every_date_is_three_boxes(client, council, world):  # noqa: F811
    from caseaudit.improvement.models import StageKind

    # The world's plan has had its meeting: open the stage again so its form is shown.
    world["plans"][0].stages.filter(kind=StageKind.MEETING).update(completed_on=None)
    with_dates = set()
    for who in sorted(set(DATE_PAGES.values())):
        for route, name, _ in all_routes():
            spec = PAGES.get(name, {})
            if route.startswith("admin/") or spec.get("skip") or spec.get("post_only") or spec.get("method"):
                continue
            if "roles" in spec and who not in spec["roles"]:
                continue
            objects = world[spec["objects"]] if "objects" in spec else [None]
            for obj in objects:
                if obj is not None and "allowed" in spec and not allowed(spec["allowed"], council[who], obj):
                    continue
                url = route_to_url(route, kwargs_for(name, obj) if obj is not None else spec.get("kwargs", {}))
                client.force_login(council[who])  # a page on the way (signed out) may have ended the session
                response = client.get(url)
                if "html" not in response.get("Content-Type", ""):
                    continue
                body = response.content.decode()
                assert not re.search(r"type=.?date\b", body), f"{name} as {who} has a browser date field"
                if 'class="govuk-date-input"' in body:
                    with_dates.add(name)
                    for box in re.findall(r'<div class="govuk-date-input" id="(\w+)">', body):
                        for part in ("day", "month", "year"):
                            assert f'id="{box}_{part}"' in body, f"{name}: {box} has no {part} box"
    assert with_dates == set(DATE_PAGES)


def test_a_form_with_a_date_is_answered_with_the_three_boxes(client, council):
    client.force_login(council["qa_admin"])
    response = client.post(
        "/learning/recommendations/sources/new",
        {"kind": "inspection", "title": "Ofsted ILACS", **boxes("5", "", "2026", name="reported_on")},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert '<a href="#id_reported_on_month">Date of the report must include a month</a>' in body
    assert marked(body, "reported_on") == {"month"}
    assert 'value="5"' in box_tags(body, "reported_on")["day"]
    response = client.post(
        "/learning/recommendations/sources/new",
        {"kind": "inspection", "title": "Ofsted ILACS", **boxes("5", "1", "2026", name="reported_on")},
    )
    from caseaudit.learning.models import RecommendationSource

    assert response.status_code == 302
    assert RecommendationSource.objects.get(title="Ofsted ILACS").reported_on == D(2026, 1, 5)


# The report's GET form and the links built from it ------------------------------------------------------------


def test_the_report_form_sends_boxes_and_its_download_links_and_publishing_keep_the_period(client, council):
    client.force_login(council["qa_admin"])
    typed = {"kind": "custom", **boxes("1", "6", "2018", name="start"), **boxes("31", "5", "2019", name="end")}
    response = client.get("/reports/", typed)
    assert response.status_code == 200 and response.context["report"] is not None
    period = response.context["report"]["period"]
    assert (period["from"], period["to"]) == ("2018-06-01", "2019-05-31")
    body = response.content.decode()
    # The download links carry one ISO date per field: the field reads them back.
    links = re.findall(r'href="\?([^"]*format=csv)"', body)
    assert links
    query = parse_qs(links[0].replace("&amp;", "&"))
    assert query["start"] == ["2018-06-01"] and query["end"] == ["2019-05-31"]
    download = client.get("/reports/?" + links[0].replace("&amp;", "&"))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert "2018" in download.content.decode()
    # Publishing posts the boxes the page was asked with.
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', body))
    assert {k: hidden[k] for k in ("start_day", "start_month", "start_year", "end_day")} == {
        "start_day": "1",
        "start_month": "6",
        "start_year": "2018",
        "end_day": "31",
    }
    from caseaudit.reporting.models import Report

    response = client.post("/reports/prepare", {**hidden, "kind": "custom"})
    assert response.status_code == 302
    draft = Report.objects.latest("pk")
    assert (draft.start, draft.end) == (D(2018, 6, 1), D(2019, 5, 31))
    assert urlsplit(response["Location"]).path == f"/reports/published/{draft.pk}/"


def test_a_report_link_with_one_iso_date_still_shows_its_period(client, council):
    client.force_login(council["director"])
    response = client.get("/reports/", {"kind": "quarter", "day": "2026-05-15"})
    assert response.context["report"]["period"]["from"] == "2026-04-01"
    # and the form shows that date in its boxes
    tags = box_tags(response.content.decode(), "day")
    assert 'value="15"' in tags["day"] and 'value="5"' in tags["month"] and 'value="2026"' in tags["year"]
    boxed = client.get("/reports/", {"kind": "quarter", **boxes("15", "5", "2026", name="day")})
    assert boxed.context["report"]["period"] == response.context["report"]["period"]


def test_a_custom_period_with_a_date_partly_typed_gets_one_message_per_date(client, council):
    client.force_login(council["qa_admin"])
    body = client.get(
        "/reports/", {"kind": "custom", **boxes("1", "", "2020", name="start"), **boxes(name="end")}
    ).content.decode()
    summary = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', body)
    assert summary == [
        ("id_start_month", "From must include a month"),
        ("id_end_day", "Enter the last day of the period"),
    ]
