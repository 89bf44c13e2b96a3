"""A family asked to be contacted: the team manager (or a manager it was escalated to) records the contact."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from caseaudit.organisation.access import get_child_for

from ..access import can_record_contact
from ..contacts import ContactChanged, contact_record
from ..errors import FamilyRuleError
from ..forms import ContactRecordForm
from ..models import ContactRequest


def _contact_for(person, pk: int) -> ContactRequest:
    """The request, for those who may act on it; 404 for everyone else, whether or not it exists."""
    contact = (
        ContactRequest.objects.select_related("response__invitation__questionnaire_version", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No request found")
    contact.child = get_child_for(person, contact.child_id)  # 404 to those who may not see the child
    if not can_record_contact(person, contact.child):
        raise Http404("No request found")
    return contact


def record(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(request.user, pk)
    form = ContactRecordForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_record(
                contact_id=contact.pk,
                by=request.user,
                contacted_on=data["contacted_on"],
                note=data["note"],
                expected_version=data["version"],
            )
        except ContactChanged as refused:
            # What they typed stays; the version moves on, so saving again replaces the other record knowingly.
            contact.refresh_from_db()
            form = ContactRecordForm({**request.POST.dict(), "version": str(contact.version)}, contact=contact)
            form.is_valid()
            form.add_error(None, refused.message)
        except FamilyRuleError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, f"Contact with {contact.response.invitation.recipient_name} recorded")
            return redirect("family:contact_record", pk=contact.pk)
    return render(
        request,
        "family/contact_record.html",
        {
            "form": form,
            "contact": contact,
            "invitation": contact.response.invitation,
            "answered": contact.response.answered(),
            "title": "Contact a family who asked",
            "caption": f"Case {contact.child.case_id}",
            "submit_label": "Save the record of the contact" if contact.is_done else "Record the contact",
            "back_url": reverse("web:home"),
            "today": timezone.localdate(),
        },
    )
