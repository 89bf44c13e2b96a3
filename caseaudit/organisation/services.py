"""Changes a person makes to their own settings."""

from __future__ import annotations

from django.db import transaction

from .models import Person


@transaction.atomic
def email_preferences_save(*, person: Person, audits_assigned: bool, audits_shared: bool) -> bool:
    """Which of the emails that may be turned off a person wants. True when anything changed; an unchanged
    save writes nothing, so the change history only shows real changes."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if (person.email_audits_assigned, person.email_audits_shared) == (audits_assigned, audits_shared):
        return False
    person.email_audits_assigned = audits_assigned
    person.email_audits_shared = audits_shared
    person.save(update_fields=["email_audits_assigned", "email_audits_shared"])
    return True
