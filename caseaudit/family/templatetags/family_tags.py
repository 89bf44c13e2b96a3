"""The family feedback parts of the audit page and the child's record, so the audits app needs no import of this
one."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..access import can_invite, can_record_contact, can_revoke
from ..selectors import child_family_feedback, invitation_messages

register = template.Library()


@register.inclusion_tag("family/_audit_invitations.html", takes_context=True)
def family_feedback(context, audit):
    person = context["request"].user
    invitations = list(
        audit.family_invitations.select_related("questionnaire_version__questionnaire", "response__contact_request")
    )
    invitation_messages(invitations, audit.pk)
    asked = any(getattr(getattr(i, "response", None), "contact_request", None) for i in invitations)
    return {
        "audit": audit,
        "invitations": invitations,
        "can_invite": can_invite(person, audit),
        "can_revoke": can_revoke(person, audit),
        # Read only when a family asked to be contacted (the manager's line is a few queries).
        "can_record_contact": asked and can_record_contact(person, audit.child),
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("family/_child_feedback.html", takes_context=True)
def family_child_feedback(context, child):
    """The child's record: the family's answers from the audits this person may see."""
    person = context["request"].user
    feedback = child_family_feedback(person, child)
    asked = any(getattr(shown.response, "contact_request", None) for shown in feedback)
    return {
        "child": child,
        "feedback": feedback,
        "can_record_contact": asked and can_record_contact(person, child),
        "today": timezone.localdate(),
    }
