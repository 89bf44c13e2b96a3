"""Email preferences (issue 44, point 4): each person turns the assignment and sharing emails off or on for
themselves, from their account; the urgent and deadline emails are always sent and the page says so."""

from __future__ import annotations

import pytest
from django.core import mail

from caseaudit.audits.services import notify
from caseaudit.audits.services.lifecycle import audit_open
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.organisation.models import Person
from caseaudit.trail.models import TrailEntry

PAGE = "/account/emails"


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_a_person_reaches_the_page_from_their_account_and_sees_both_emails_on(client, council):
    client.force_login(council["team_manager"])
    account = client.get("/account/").content.decode()
    assert f'href="{PAGE}"' in account and account.count("Emailed") == 2
    page = client.get(PAGE).content.decode()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Email me when</legend>' in page
    assert page.count('type="checkbox" name="emails"') == 2 and page.count(" checked") == 2
    assert "An audit is assigned to me" in page and "is shared with me" in page
    assert "Emails that are always sent" in page and "Inadequate – critical" in page


def test_clearing_a_box_turns_that_email_off_and_says_so(client, council):
    client.force_login(council["team_manager"])
    response = client.post(PAGE, {"emails": ["audits_assigned"]}, follow=True)
    assert response.redirect_chain == [("/account/", 302)]
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page and "Your email preferences are saved." in page
    assert "Not emailed" in page
    person = fresh(council["team_manager"])
    assert person.email_audits_assigned and not person.email_audits_shared
    assert client.get(PAGE).content.decode().count(" checked") == 1


def test_clearing_every_box_turns_both_off_and_ticking_them_turns_them_on_again(client, council):
    """With every box clear the browser posts no field at all: that still means 'off'."""
    client.force_login(council["auditor"])
    assert client.post(PAGE, {}).status_code == 302
    person = fresh(council["auditor"])
    assert not person.email_audits_assigned and not person.email_audits_shared
    client.post(PAGE, {"emails": ["audits_assigned", "audits_shared"]})
    person = fresh(council["auditor"])
    assert person.email_audits_assigned and person.email_audits_shared


def test_an_unknown_choice_is_refused_with_an_error_summary_and_nothing_saved(client, council):
    client.force_login(council["auditor"])
    response = client.post(PAGE, {"emails": ["audits_assigned", "critical"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Select only the emails listed") == 2  # the summary and the message by the boxes
    assert 'class="govuk-error-summary"' in page and '<a href="#id_emails_0">' in page  # GOV.UK: the first box
    assert "<title>Error: Email preferences" in page
    assert 'value="audits_assigned" checked' in page  # what was ticked is kept
    person = fresh(council["auditor"])
    assert person.email_audits_assigned and person.email_audits_shared


def test_a_change_is_in_the_change_history_and_an_unchanged_save_writes_nothing(client, council):
    client.force_login(council["auditor"])
    before = TrailEntry.objects.count()
    client.post(PAGE, {"emails": ["audits_shared"]})
    assert TrailEntry.objects.count() == before + 1
    entry = TrailEntry.objects.order_by("-sequence").first()
    assert "email_audits_assigned" in str(entry.changes)
    client.post(PAGE, {"emails": ["audits_shared"]})
    assert TrailEntry.objects.count() == before + 1


def test_the_page_changes_only_the_signed_in_persons_own_preferences(client, council):
    client.force_login(council["auditor"])
    client.post(PAGE, {"emails": [], "person": council["team_manager"].pk})
    assert not fresh(council["auditor"]).email_audits_assigned
    manager = fresh(council["team_manager"])
    assert manager.email_audits_assigned and manager.email_audits_shared


def test_someone_not_signed_in_is_sent_to_sign_in(client, council):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in")
    response = client.post(PAGE, {})
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in")
    assert fresh(council["auditor"]).email_audits_assigned


@pytest.mark.parametrize("turned_off", [True, False])
def test_the_senders_honour_what_the_page_saved(client, council, turned_off, django_capture_on_commit_callbacks):
    client.force_login(council["auditor"])
    client.post(PAGE, {"emails": [] if turned_off else ["audits_assigned"]})
    version = standard_tools_ensure()[0].current_version
    auditor = fresh(council["auditor"])
    audit = audit_open(child=council.children["team_b"], auditor=auditor, tool_version=version, due_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        notify.audits_assigned([audit])
    assert [m.to for m in mail.outbox] == ([] if turned_off else [["auditor@council.example"]])
