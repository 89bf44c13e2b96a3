"""Issue 31, point 3: "answers kept if the person comes back later within the expiry" (decision 0098)."""

from __future__ import annotations

import datetime
import json
import re

import time_machine
from django.utils import timezone

from caseaudit.dataprotection.retention import REMOVED, retention_apply
from caseaudit.family.models import Invitation, Response
from caseaudit.family.services import (
    FamilyAnswers,
    draft_save,
    invitation_create,
    invitation_revoke,
    response_submit,
)
from caseaudit.trail.models import TrailEntry

WORDS = "She came every week and listened to my son."
MORE = "Please send the plan in large print."


def invite(audit, council):
    return invitation_create(
        audit=audit, by=council["auditor"], recipient_name="Jo Smith", relationship="Mother", channel="letter"
    )


def questions(invitation):
    return {q.text: q for q in invitation.questionnaire_version.questions.all()}


def typed(invitation, **extra):
    q = questions(invitation)
    return {
        f"question_{q['Did your social worker listen to you?'].pk}": "Yes",
        f"question_{q['What went well?'].pk}": WORDS,
        "anything_else": MORE,
        "contact_me": "no",
        **extra,
    }


def test_a_parent_saves_comes_back_and_sees_their_answers_then_sending_clears_the_draft(client, audit, council):
    invitation, raw = invite(audit, council)
    saved = client.post(f"/feedback/{raw}", typed(invitation, action="save"))
    assert saved.status_code == 302 and saved["Location"] == f"/feedback/{raw}?saved"
    page = client.get(saved["Location"])
    html = page.content.decode()
    expires = timezone.localtime(invitation.expires_at)
    assert page.status_code == 200 and "Your answers have been saved" in html
    assert f"{expires.day} {expires:%B %Y}" in html and f'href="/feedback/{raw}"' in html
    assert "Jo Smith" not in html and audit.child.name not in html
    assert "no-store" in page["Cache-Control"] or page["Cache-Control"].startswith("max-age=0")
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    q = questions(invitation)
    assert invitation.draft == {
        "answers": {str(q["Did your social worker listen to you?"].pk): "Yes", str(q["What went well?"].pk): WORDS},
        "anything_else": MORE,
        "contact_me": False,
    }
    assert raw not in json.dumps(invitation.draft)

    # Coming back later, the same link shows what they typed.
    back = client.get(f"/feedback/{raw}").content.decode()
    assert "We have kept the answers you saved" in back
    assert WORDS in back and MORE in back
    assert _checked(back, f"question_{q['Did your social worker listen to you?'].pk}", "Yes")
    assert _checked(back, "contact_me", "no") and not _checked(back, "contact_me", "yes")

    sent = client.post(f"/feedback/{raw}", typed(invitation, action="send", contact_me="yes"))
    assert sent["Location"] == "/feedback/thanks"
    invitation.refresh_from_db()
    assert invitation.draft == {} and invitation.answered_at is not None
    response = Response.objects.get()
    assert response.anything_else == MORE and response.contact_me is True


def _checked(html: str, name: str, value: str) -> bool:
    """Whether the radio `name` with `value` is checked, whatever the attribute order."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return "checked" in tag
    return False


def test_the_saved_radio_answers_are_chosen_again(client, audit, council):
    invitation, raw = invite(audit, council)
    client.post(f"/feedback/{raw}", typed(invitation, action="save", contact_me="yes"))
    back = client.get(f"/feedback/{raw}").content.decode()
    listen = questions(invitation)["Did your social worker listen to you?"]
    assert _checked(back, f"question_{listen.pk}", "Yes")
    assert _checked(back, "contact_me", "yes") and not _checked(back, "contact_me", "no")


def test_a_second_save_replaces_the_first_and_no_answer_to_contact_me_stays_unanswered(client, audit, council):
    invitation, raw = invite(audit, council)
    client.post(f"/feedback/{raw}", typed(invitation, action="save"))
    client.post(f"/feedback/{raw}", {"anything_else": "Only this now", "action": "save"})  # another tab: last wins
    invitation.refresh_from_db()
    assert invitation.draft == {"answers": {}, "anything_else": "Only this now", "contact_me": None}
    back = client.get(f"/feedback/{raw}").content.decode()
    assert WORDS not in back and "Only this now" in back
    assert not _checked(back, "contact_me", "yes") and not _checked(back, "contact_me", "no")


def test_a_draft_is_cleaned_like_sent_answers(client, audit, council):
    invitation, raw = invite(audit, council)
    listen = questions(invitation)["Did your social worker listen to you?"]
    page = client.post(f"/feedback/{raw}", {f"question_{listen.pk}": "Maybe later", "action": "save"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.draft == {}
    # The service checks too, whoever calls it.
    draft_save(raw_token=raw, sent=FamilyAnswers(answers={listen.pk: "  Yes  "}, anything_else="  Kind  "))
    invitation.refresh_from_db()
    assert invitation.draft == {"answers": {str(listen.pk): "Yes"}, "anything_else": "Kind", "contact_me": False}


def test_a_save_after_the_answers_were_sent_is_refused_with_the_already_used_page(client, audit, council):
    invitation, raw = invite(audit, council)
    client.post(f"/feedback/{raw}", typed(invitation, action="save"))
    form = typed(invitation)  # the first tab, still open
    response_submit(raw_token=raw, sent=FamilyAnswers(anything_else="From the other tab"))
    late = client.post(f"/feedback/{raw}", {**form, "action": "save"})
    assert late.status_code == 410 and "already been answered" in late.content.decode()
    invitation.refresh_from_db()
    assert invitation.draft == {}
    assert client.get(f"/feedback/{raw}?saved").status_code == 410


def test_an_expired_cancelled_or_answered_link_never_shows_the_draft(client, audit, council):
    shown = []
    for ending in ("expired", "cancelled", "answered"):
        invitation, raw = invite(audit, council)
        client.post(f"/feedback/{raw}", typed(invitation, action="save"))
        if ending == "expired":
            with time_machine.travel(invitation.expires_at + datetime.timedelta(minutes=1)):
                page = client.get(f"/feedback/{raw}")
                assert client.post(f"/feedback/{raw}", typed(invitation, action="save")).status_code == 410
                assert client.get(f"/feedback/{raw}?saved").status_code == 410
        else:
            if ending == "cancelled":
                invitation_revoke(invitation=invitation, by=council["auditor"])
            else:
                response_submit(raw_token=raw, sent=FamilyAnswers())
            page = client.get(f"/feedback/{raw}")
            assert client.get(f"/feedback/{raw}?saved").status_code == 410
            invitation.refresh_from_db()
            assert invitation.draft == {}, ending  # nobody can come back to it: it goes
        html = page.content.decode()
        assert page.status_code == 410, ending
        shown.append(WORDS in html or MORE in html)
    assert shown == [False, False, False]


def test_the_draft_is_not_in_the_change_history(client, audit, council):
    invitation, raw = invite(audit, council)
    before = TrailEntry.objects.count()
    client.post(f"/feedback/{raw}", typed(invitation, action="save"))
    assert TrailEntry.objects.count() == before  # a draft save writes no history entry
    client.post(f"/feedback/{raw}", typed(invitation, action="send"))
    invitation_changes = [
        json.dumps(entry.changes) for entry in TrailEntry.objects.filter(content_type__model="invitation")
    ]
    assert invitation_changes and not any("draft" in changes for changes in invitation_changes)


def test_retention_wipes_the_draft_with_the_childs_record(client, audit, council):
    invitation, raw = invite(audit, council)
    client.post(f"/feedback/{raw}", typed(invitation, action="save"))
    child = audit.child
    child.closed_on = datetime.date(2026, 1, 31)
    child.save()
    retention_apply(today=datetime.date(2040, 1, 1), by=council["qa_admin"], commit=True)
    invitation.refresh_from_db()
    assert WORDS not in json.dumps(invitation.draft) and MORE not in json.dumps(invitation.draft)
    assert invitation.draft == REMOVED
    # Were the link still working, a wiped draft fills nothing in.
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    page = client.get(f"/feedback/{raw}").content.decode()
    assert "We have kept the answers you saved" not in page and REMOVED not in page
    assert not Response.objects.exists()
