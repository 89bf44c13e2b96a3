"""Inviting a family from the audit page, and cancelling an invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caseaudit.audits import access as audit_access
from caseaudit.web.outbox import DeliveryStatus

from ..access import can_invite, can_revoke
from ..errors import FamilyRuleError
from ..forms import InvitationForm
from ..models import Channel, Invitation
from ..services import answer_link, invitation_create, invitation_revoke

LETTER_KEY = "family-letter:{pk}"


def new(request: HttpRequest, pk: int) -> HttpResponse:
    audit = audit_access.get_audit_for(request.user, pk)
    if not can_invite(request.user, audit):
        raise Http404
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, raw_token = invitation_create(audit=audit, by=request.user, **form.invitation())
        except FamilyRuleError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            if invitation.channel == Channel.LETTER:
                # The link is shown once, on the next page, to print; only its hash is stored.
                request.session[LETTER_KEY.format(pk=audit.pk)] = [invitation.pk, raw_token]
                return redirect("family:invitation_letter", pk=audit.pk)
            _say_how_it_went(request, invitation)
            return redirect("audits:audit_show", pk=audit.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": "Invite a family member to give feedback",
            "caption": f"Audit of case {audit.child.case_id}",
            "intro": "They answer a few short questions on their own phone or computer. Their answers are added "
            "to this audit, in their own words. The link works for 21 days and can be used once.",
            "submit_label": "Send the invitation",
            "back_url": reverse("audits:audit_show", args=[audit.pk]),
        },
    )


def _say_how_it_went(request: HttpRequest, invitation: Invitation) -> None:
    """The message was sent after the commit, before this: say how that ended, not merely that it was asked for."""
    message = invitation.messages.first()
    name = invitation.recipient_name
    if message is None or message.status == DeliveryStatus.SENT:
        messages.success(request, f"Invitation sent to {name}")
    elif message.status == DeliveryStatus.FAILED:
        messages.error(request, f"The invitation to {name} could not be sent: {message.answer}")
    else:
        messages.info(request, f"The invitation to {name} is waiting to be sent. It will be tried again shortly.")


def letter(request: HttpRequest, pk: int) -> HttpResponse:
    audit = audit_access.get_audit_for(request.user, pk)
    if not can_invite(request.user, audit):
        raise Http404
    held = request.session.pop(LETTER_KEY.format(pk=audit.pk), None)
    invitation = Invitation.objects.filter(pk=held[0], audit=audit).first() if held else None
    return render(
        request,
        "family/letter.html",
        {
            "audit": audit,
            "invitation": invitation,
            "link": answer_link(held[1]) if invitation else "",
            "code": held[1] if invitation else "",
            "start_link": settings.SITE_URL + reverse("family:start"),
        },
    )


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    audit = audit_access.get_audit_for(request.user, invitation.audit_id)
    if not can_revoke(request.user, audit):
        raise Http404
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except FamilyRuleError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Invitation to {invitation.recipient_name} cancelled")
    return redirect("audits:audit_show", pk=audit.pk)
