"""Who a sign-in with the council's own account is, and what their groups give them (issue 30, decision 0093).

Matching never guesses: the provider's stable subject id first; an email address only at the first sign-in,
and only to an active person who already has it. Nobody is created. Role and team follow the configured group
maps at every sign-in, each change written to the change history with the groups that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_extra_data
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from caseaudit.organisation.models import Person, PersonRole, Team

from .models import ProviderAccount

logger = logging.getLogger("caseaudit.sign_in")


class NoAccess(Exception):
    """The provider vouched for someone CaseAudit has not been told to let in (or who has left)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextmanager
def _history_says(note: dict) -> Iterator[None]:
    """Entries written inside carry `note` as their additional data, keeping the request's address that
    auditlog's middleware set (its context is put back afterwards)."""
    try:
        request_context = auditlog_value.get()
    except LookupError:
        request_context = None
    kept = {key: value for key, value in (request_context or {}).items() if key != "signal_duid"}
    try:
        with set_extra_data({**kept, "additional_data": note}):
            yield
    finally:
        if request_context is not None:
            auditlog_value.set(request_context)


def person_for_provider_account(*, issuer: str, subject: str, email: str, email_verified: object = None) -> Person:
    """The person this provider account is, linking it at their first sign-in; NoAccess otherwise."""
    link = ProviderAccount.objects.select_related("person").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        if not link.person.is_active:
            raise NoAccess("deactivated")
        return link.person
    if not email:
        raise NoAccess("no email address from the provider, and no linked account")
    if email_verified is False:
        raise NoAccess("the provider says the email address is not verified")
    person = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise NoAccess("no active person with that email address")
    try:
        with transaction.atomic(), _history_says({"signed_in_with": {"issuer": issuer}}):
            # One provider account per person per provider: an email address never moves a link.
            if ProviderAccount.objects.filter(person=person, issuer=issuer).exists():
                raise NoAccess("that person is already linked to another account at this provider")
            ProviderAccount.objects.create(person=person, issuer=issuer, subject=subject, linked_at=timezone.now())
    except IntegrityError:  # the same account's first sign-in in two tabs at once: the other one linked it
        link = ProviderAccount.objects.select_related("person").filter(issuer=issuer, subject=subject).first()
        if link is None or link.person_id != person.pk:
            raise NoAccess("that person is already linked to another account at this provider") from None
    return person


def _team_for(groups: set[str]) -> Team | None:
    names = {
        settings.CASEAUDIT_OIDC_GROUP_TEAMS[group] for group in groups if group in settings.CASEAUDIT_OIDC_GROUP_TEAMS
    }
    if len(names) != 1:
        if len(names) > 1:
            logger.warning("Sign-in: groups map to several teams (%s); team left as it was", ", ".join(sorted(names)))
        return None
    (name,) = names
    teams = list(Team.objects.filter(name=name)[:2])
    if len(teams) != 1:
        logger.warning("Sign-in: CASEAUDIT_OIDC_GROUP_TEAMS names team %r, which %s", name,
                       "is not one team's name" if teams else "does not exist")  # fmt: skip
        return None
    return teams[0]


@transaction.atomic
def person_groups_apply(*, person: Person, groups: Iterable[str], issuer: str) -> list[str]:
    """Set the roles the role map manages, and the team, from the provider's groups; returns what changed.

    Roles the role map never names are left alone (CaseAudit's administrators keep giving those). No group
    in the team map: the team is left as it was.
    """
    groups = {str(group) for group in groups}
    role_map: dict[str, str] = settings.CASEAUDIT_OIDC_GROUP_ROLES
    managed = set(role_map.values())
    wanted = {role for group, role in role_map.items() if group in groups}
    changes: list[str] = []
    with _history_says({"from_identity_provider": {"issuer": issuer, "groups": sorted(groups)}}):
        held = {assignment.role: assignment for assignment in PersonRole.objects.filter(person=person)}
        for role in sorted(wanted - set(held)):
            PersonRole.objects.create(person=person, role=role)
            changes.append(f"+{role}")
        for role in sorted((managed - wanted) & set(held)):
            held[role].delete()  # one by one, so each removal is in the history
            changes.append(f"-{role}")
        team = _team_for(groups)
        if team is not None and person.team_id != team.pk:
            person.team = team
            person.save(update_fields=["team"])
            changes.append(f"team={team.name}")
    person.__dict__.pop("roles", None)  # the cached roles were read before the change
    return changes
