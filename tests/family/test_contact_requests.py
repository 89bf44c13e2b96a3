"""A family who asks to be contacted (issue 31, point 4): the child's team manager's action, with its deadline,
reminder and escalation (decision 0098)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from caseaudit.family.contacts import contact_record, contact_request_open, contact_requests_due
from caseaudit.family.errors import FamilyRuleError, LinkSpent
from caseaudit.family.models import ContactRequest
from caseaudit.family.services import FamilyAnswers, invitation_create, response_submit
from caseaudit.messaging.models import SentMessage
from caseaudit.trail.models import TrailEntry
from caseaudit.web.workdays import add_working_days

WORDS = "Nobody rang me back after the meeting."


def answer(audit, council, *, contact_me=True, channel="email"):
    """The mother of the audit's child answers through her link; returns the response and the raw token."""
    invitation, raw = invitation_create(
        audit=audit,
        by=council["auditor"],
        recipient_name="Jo Smith",
        relationship="Mother",
        channel=channel,
        contact="jo@family.example" if channel == "email" else "",
    )
    question = invitation.questionnaire_version.questions.get(position=1)
    sent = FamilyAnswers(answers={question.pk: "Sometimes"}, anything_else=WORDS, contact_me=contact_me)
    return response_submit(raw_token=raw, sent=sent), raw


def record_form(contact, day: datetime.date, note="Rang Jo; a home visit is booked.", version=None):
    return {
        "contacted_on_day": day.day,
        "contacted_on_month": day.month,
        "contacted_on_year": day.year,
        "note": note,
        "version": contact.version if version is None else version,
    }


# ------------------------------------------------------------------------------------------------------------------
# The action: only on a "yes", once, for the child's team manager, due in working days.


def test_given_a_family_asks_to_be_contacted_the_childs_team_manager_gets_an_action_due_in_five_working_days(
    audit, council, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0), tick=False)  # a Friday; Monday 4 May is a holiday
    response, _ = answer(audit, council)
    contact = ContactRequest.objects.get()
    assert contact.response == response and contact.child == audit.child
    assert contact.child.team.manager == council["team_manager"]
    assert contact.due_on == datetime.date(2026, 5, 11) == add_working_days(datetime.date(2026, 5, 1), 5)
    assert not contact.is_done and contact.version == 1
    # In the change history, with nothing identifying in its name.
    entry = TrailEntry.objects.get(content_type__model="contactrequest", object_pk=str(contact.pk))
    assert entry.action == TrailEntry.Action.CREATE and audit.child.case_id not in entry.object_repr


def test_the_number_of_working_days_is_the_councils_setting(audit, council, settings, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0), tick=False)  # a Monday
    settings.CASEAUDIT_FAMILY_CONTACT_WORKING_DAYS = 2
    answer(audit, council)
    assert ContactRequest.objects.get().due_on == datetime.date(2026, 6, 3)


def test_a_no_opens_no_action(audit, council):
    answer(audit, council, contact_me=False)
    assert not ContactRequest.objects.exists()


def test_the_action_is_opened_once(audit, council):
    response, raw = answer(audit, council)
    with pytest.raises(LinkSpent):
        response_submit(raw_token=raw, sent=FamilyAnswers(contact_me=True))
    assert ContactRequest.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        contact_request_open(response=response, child_id=audit.child_id)
    assert ContactRequest.objects.count() == 1


# ------------------------------------------------------------------------------------------------------------------
# The manager sees it and records the contact; nobody else can.


def test_given_i_am_the_team_manager_i_see_the_family_on_my_home_page_and_record_the_contact(client, audit, council):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council["team_manager"])
    home = client.get("/").content.decode()
    assert "Families who asked to be contacted" in home
    assert f"/family/contact-requests/{contact.pk}" in home and audit.child.case_id in home

    page = client.get(f"/family/contact-requests/{contact.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jo Smith (Mother)" in html and "jo@family.example" in html and WORDS in html and "Sometimes" in html

    today = timezone.localdate()
    answered = client.post(f"/family/contact-requests/{contact.pk}", record_form(contact, today))
    assert answered.status_code == 302
    contact.refresh_from_db()
    assert contact.contacted_on == today and contact.recorded_by == council["team_manager"]
    assert contact.note.startswith("Rang Jo") and contact.version == 2
    assert "Families who asked to be contacted" not in client.get("/").content.decode()
    assert "recorded by Team Manager" in client.get(f"/family/contact-requests/{contact.pk}").content.decode()


def test_other_managers_do_not_see_it_on_their_home_page(client, audit, council):
    answer(audit, council)
    for who in ("other_team_manager", "service_manager", "qa_admin", "social_worker"):
        client.force_login(council[who])
        assert "Families who asked to be contacted" not in client.get("/").content.decode(), who


def test_the_audit_page_shows_the_request_and_who_may_record_it_gets_the_link(client, audit, council):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council["auditor"])
    html = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "Asked to be contacted" in html and f"/family/contact-requests/{contact.pk}" not in html
    client.force_login(council["head_of_service"])  # sees every audit, and is in the manager's line
    assert f"/family/contact-requests/{contact.pk}" in client.get(f"/audits/{audit.pk}/").content.decode()


@pytest.mark.parametrize(
    "who", ["outsider", "other_team_manager", "social_worker", "colleague", "auditor", "qa_admin", "practice_lead"]
)
def test_anyone_else_gets_404_and_changes_nothing(client, audit, council, who):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council[who])
    assert client.get(f"/family/contact-requests/{contact.pk}").status_code == 404
    posted = client.post(f"/family/contact-requests/{contact.pk}", record_form(contact, timezone.localdate()))
    assert posted.status_code == 404
    contact.refresh_from_db()
    assert not contact.is_done
    assert client.get("/family/contact-requests/999999").status_code == 404


def test_the_service_manager_it_escalates_to_may_record_it_too(client, audit, council):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council["service_manager"])
    assert client.get(f"/family/contact-requests/{contact.pk}").status_code == 200


def test_a_missing_note_or_a_future_date_is_shown_in_the_error_summary(client, audit, council):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    client.force_login(council["team_manager"])
    url = f"/family/contact-requests/{contact.pk}"
    page = client.post(url, record_form(contact, timezone.localdate(), note=""))
    html = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in html and "Enter a note of the contact" in html
    future = timezone.localdate() + datetime.timedelta(days=3)
    html = client.post(url, record_form(contact, future)).content.decode()
    assert "govuk-error-summary" in html and "must be today or in the past" in html
    contact.refresh_from_db()
    assert not contact.is_done


def test_a_record_saved_meanwhile_is_not_overwritten_unseen(client, audit, council):
    answer(audit, council)
    contact = ContactRequest.objects.get()
    opened_version = contact.version
    today = timezone.localdate()
    contact_record(
        contact_id=contact.pk, by=council["service_manager"], contacted_on=today, note="I rang.", expected_version=1
    )
    client.force_login(council["team_manager"])
    url = f"/family/contact-requests/{contact.pk}"
    page = client.post(url, record_form(contact, today, note="I visited.", version=opened_version))
    html = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in html and "Someone else recorded" in html
    contact.refresh_from_db()
    assert contact.note == "I rang." and contact.recorded_by == council["service_manager"]
    # Saving again, having seen it, replaces it (the form now carries the current version).
    assert f'name="version" value="{contact.version}"' in html
    assert client.post(url, record_form(contact, today, note="I visited.")).status_code == 302
    contact.refresh_from_db()
    assert contact.note == "I visited." and contact.version == 3


def test_the_service_refuses_whoever_may_not_record_it(audit, council):
    answer(audit, council)
    with pytest.raises(FamilyRuleError):
        contact_record(
            contact_id=ContactRequest.objects.get().pk,
            by=council["auditor"],
            contacted_on=timezone.localdate(),
            note="x",
            expected_version=1,
        )


# ------------------------------------------------------------------------------------------------------------------
# Reminded before the deadline and escalated after it, each message once, through the ledger.


@pytest.fixture
def waiting(audit, council, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0), tick=False)  # Monday: due Monday 8 June
    answer(audit, council, channel="letter")
    contact = ContactRequest.objects.get()
    assert contact.due_on == datetime.date(2026, 6, 8)
    mail.outbox.clear()
    return contact


def run(day: datetime.date, capture):
    with capture(execute=True):
        return contact_requests_due(today=day, reminder_working_days=1, interval_working_days=2)


def test_the_team_manager_is_reminded_once_the_working_day_before(waiting, council, django_capture_on_commit_callbacks):
    assert run(datetime.date(2026, 6, 4), django_capture_on_commit_callbacks).reminders == 0  # two days before
    assert run(datetime.date(2026, 6, 5), django_capture_on_commit_callbacks).reminders == 1  # Friday before
    assert run(datetime.date(2026, 6, 5), django_capture_on_commit_callbacks).reminders == 0  # twice: once
    assert run(datetime.date(2026, 6, 8), django_capture_on_commit_callbacks).reminders == 0  # the day: already
    (message,) = SentMessage.objects.all()
    assert message.recipient == council["team_manager"] and message.child == waiting.child
    assert message.status == "sent" and f"/family/contact-requests/{waiting.pk}" in message.body
    assert "Jo Smith" not in message.body and WORDS not in message.body  # the family's details stay in CaseAudit
    assert [m.to for m in mail.outbox] == [[council["team_manager"].email]]


def test_once_overdue_it_is_escalated_up_the_managers_line_each_level_once(
    waiting, council, django_capture_on_commit_callbacks
):
    first = run(datetime.date(2026, 6, 9), django_capture_on_commit_callbacks)  # one working day overdue
    assert first.escalations == 1 and first.reminders == 0  # past the deadline, the line is told instead
    assert run(datetime.date(2026, 6, 9), django_capture_on_commit_callbacks).escalations == 0
    assert run(datetime.date(2026, 6, 11), django_capture_on_commit_callbacks).escalations == 1  # three overdue
    assert run(datetime.date(2026, 6, 30), django_capture_on_commit_callbacks).escalations == 1  # the director
    assert run(datetime.date(2026, 7, 30), django_capture_on_commit_callbacks).escalations == 0  # nobody above
    escalated = SentMessage.objects.filter(key__contains=":escalate:").order_by("key")
    assert [m.recipient for m in escalated] == [
        council["service_manager"],
        council["head_of_service"],
        council["director"],
    ]
    assert all(m.child == waiting.child and m.status == "sent" for m in escalated)
    assert len(mail.outbox) == 3


def test_a_contact_recorded_is_neither_reminded_nor_escalated(waiting, council, django_capture_on_commit_callbacks):
    contact_record(
        contact_id=waiting.pk,
        by=council["team_manager"],
        contacted_on=datetime.date(2026, 6, 1),
        note="Rang.",
        expected_version=1,
    )
    assert run(datetime.date(2026, 6, 30), django_capture_on_commit_callbacks).escalations == 0
    assert not SentMessage.objects.exists()


def test_a_run_rolled_back_sends_nothing(waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            assert contact_requests_due(today=datetime.date(2026, 6, 5)).reminders == 1
            assert contact_requests_due(today=datetime.date(2026, 6, 30)).escalations == 3
            transaction.set_rollback(True)
    assert callbacks == [] and not SentMessage.objects.exists() and mail.outbox == []
    # Nothing was claimed, so the next runs send them.
    assert run(datetime.date(2026, 6, 5), django_capture_on_commit_callbacks).reminders == 1
    assert run(datetime.date(2026, 6, 30), django_capture_on_commit_callbacks).escalations == 3
    assert SentMessage.objects.count() == 4 and len(mail.outbox) == 4


def test_run_deadlines_sends_them(waiting, council):
    out = StringIO()
    call_command("run_deadlines", "--today", "2026-06-05", stdout=out)
    call_command("run_deadlines", "--today", "2026-06-09", stdout=out)
    assert "Families who asked to be contacted: 1 reminders, 0 escalations" in out.getvalue()
    assert "Families who asked to be contacted: 0 reminders, 1 escalations" in out.getvalue()
    call_command("run_deadlines", "--today", "2026-06-09", stdout=StringIO())
    sent = SentMessage.objects.filter(key__startswith=f"family-contact:{waiting.pk}:")
    assert sorted(m.recipient.email for m in sent) == [council["service_manager"].email, council["team_manager"].email]


# ------------------------------------------------------------------------------------------------------------------
# Hostile input (the walk's world has no family answers, so tests/fuzz/test_forms_fuzz.py cannot reach this form).


@hypothesis_settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hostile_input_never_breaks_the_contact_form(client, audit, council, data):
    from tests.fuzz.hostile import RAW_MARKERS, hostile_text
    from tests.fuzz.htmlforms import urlencode_raw

    with transaction.atomic():
        if not ContactRequest.objects.exists():
            answer(audit, council)
        contact = ContactRequest.objects.get()
        client.force_login(council["team_manager"])
        url = f"/family/contact-requests/{contact.pk}"
        fields = {k: str(v) for k, v in record_form(contact, timezone.localdate()).items()}
        changed = data.draw(st.dictionaries(st.sampled_from(sorted(fields)), hostile_text, min_size=1))
        dropped = data.draw(st.sets(st.sampled_from(sorted(fields)), max_size=2))
        pairs = [(k, changed.get(k, v)) for k, v in fields.items() if k not in dropped]
        posted = client.post(url, data=urlencode_raw(pairs), content_type="application/x-www-form-urlencoded")
        assert posted.status_code in (200, 302)
        shown = client.get(url) if posted.status_code == 302 else posted
        for marker in RAW_MARKERS:
            assert marker.lower() not in shown.content.lower()
        transaction.set_rollback(True)


def test_the_request_is_on_the_monitoring_dashboard_red_once_overdue_for_those_who_see_the_child(
    client, audit, council, time_machine
):
    response, _ = answer(audit, council)
    contact = response.contact_request
    dashboard = reverse("improvement:dashboard")
    client.force_login(council["team_manager"])
    body = client.get(dashboard).content.decode()
    assert "Families who asked to be contacted" in body and "On track" in body
    assert reverse("family:contact_record", args=[contact.pk]) in body  # theirs to record: straight to the form
    client.force_login(council["service_manager"])
    body = client.get(dashboard).content.decode()
    assert reverse("organisation:child_show", args=[contact.child_id]) in body  # the child's record, which shows it
    time_machine.move_to(datetime.datetime.combine(contact.due_on + datetime.timedelta(days=3), datetime.time(12)))
    client.force_login(council["service_manager"])  # days later: a new session
    assert "Overdue" in client.get(dashboard).content.decode()
    client.force_login(council["other_team_manager"])  # another area's children: not theirs to see
    assert "Families who asked to be contacted" not in client.get(dashboard).content.decode()
