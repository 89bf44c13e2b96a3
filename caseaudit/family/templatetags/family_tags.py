"""The family feedback part of the audit page, so the audits app needs no import of this one."""

from __future__ import annotations

from django import template

from ..access import can_invite, can_revoke

register = template.Library()


@register.inclusion_tag("family/_audit_invitations.html", takes_context=True)
def family_feedback(context, audit):
    person = context["request"].user
    return {
        "audit": audit,
        "invitations": list(
            audit.family_invitations.select_related("questionnaire_version__questionnaire").prefetch_related("messages")
        ),
        "can_invite": can_invite(person, audit),
        "can_revoke": can_revoke(person, audit),
        "csrf_token": context.get("csrf_token"),
    }
