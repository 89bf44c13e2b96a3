"""Bulk writes in the change history: one summary entry naming what was made, appended at the end (decision 0082)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from caseaudit.organisation.models import Child, PersonRole
from caseaudit.trail.bulk import KEY, Named, recorded_in_bulk
from caseaudit.trail.chain import verify_chain
from caseaudit.trail.models import TrailEntry

from .factories import ChildFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    return out.getvalue()


def test_nothing_reaches_the_history_until_the_bulk_write_ends(db):
    team = TeamFactory()
    existing = ChildFactory(team=team, name="Before")
    entries = TrailEntry.objects.count()
    with transaction.atomic():
        with recorded_in_bulk("Test load") as bulk:
            made = [ChildFactory(team=team) for _ in range(3)]
            existing.name = "Changed during the load"
            existing.save()
            Child.objects.filter(pk=made[0].pk).delete()
            # Nothing appended yet, so the chain's lock is not taken: other saves go on meanwhile.
            assert TrailEntry.objects.count() == entries
            bulk.describe("Test load, described at its end", run=7)
        added = list(TrailEntry.objects.filter(sequence__gt=entries).order_by("sequence"))
    summary, changed, deleted = added
    assert summary.object_repr == "Test load, described at its end"
    assert summary.additional_data == {"run": 7, KEY: {"organisation.Child": [[made[0].pk, made[2].pk]]}}
    # Changes to records that were there before keep their own entries, after the summary, in order.
    assert (changed.object_id, changed.action, changed.changes["name"]) == (
        existing.pk,
        TrailEntry.Action.UPDATE,
        ["Before", "Changed during the load"],
    )
    assert (deleted.object_id, deleted.action) == (made[0].pk, TrailEntry.Action.DELETE)
    assert verify_chain(TrailEntry.objects.order_by("sequence")).ok
    assert "OK: all" in verify()


def test_a_bulk_write_that_fails_appends_nothing(db):
    team = TeamFactory()
    entries = TrailEntry.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), recorded_in_bulk("Test load"):
        ChildFactory(team=team)
        raise ValueError("the load failed")
    assert TrailEntry.objects.count() == entries and not Child.objects.exists()


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction
def test_a_bulk_write_needs_a_transaction_and_is_never_nested():
    with pytest.raises(RuntimeError, match="needs a transaction"), recorded_in_bulk("Outside"):
        pass
    with transaction.atomic(), recorded_in_bulk("Outer"):
        with pytest.raises(RuntimeError, match="already active"), recorded_in_bulk("Inner"):
            pass


def test_records_named_in_a_summary_count_as_recorded_and_others_do_not(db):
    from auditlog.context import disable_auditlog

    team = TeamFactory()
    with disable_auditlog():  # rows with no entry of their own: the state of the demo seed before 0082
        children = [ChildFactory(team=team) for _ in range(4)]
    with pytest.raises(CommandError, match=f"organisation.Child {children[0].pk}-{children[3].pk}"):
        verify()
    with transaction.atomic(), recorded_in_bulk("Load") as bulk:
        bulk.add(Child, [c.pk for c in children[:3]])
    with pytest.raises(CommandError, match=rf"UNRECORDED: 1 of .*\n  organisation.Child {children[3].pk}$"):
        verify()


def test_sweep_names_rows_written_without_keys_and_leaves_others_alone(db):
    """bulk_create(ignore_conflicts=True) hands back no keys: the demo seed's sweep finds them."""
    person = PersonFactory()
    recorded = ChildFactory()  # an entry of its own, before the load
    with transaction.atomic(), recorded_in_bulk("Seed", sweep=True):
        PersonRole.objects.bulk_create([PersonRole(person=person, role="auditor")], ignore_conflicts=True)
    [summary] = TrailEntry.objects.filter(additional_data__has_key=KEY)
    [role] = PersonRole.objects.filter(role="auditor")
    assert summary.additional_data[KEY] == {"organisation.PersonRole": [[role.pk, role.pk]]}  # not the child
    assert TrailEntry.objects.filter(object_id=recorded.pk, action=TrailEntry.Action.CREATE).exists()
    assert "OK: all" in verify()


def test_overlapping_summaries_are_merged_when_checked(db):
    with transaction.atomic(), recorded_in_bulk("One") as one:
        one.add(Child, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    with transaction.atomic(), recorded_in_bulk("Two") as two:
        two.add(Child, [4, 5, 12])
    named = Named.from_history()
    assert [pk for pk in range(14) if named.covers("organisation.Child", pk)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
    assert not named.covers("organisation.Team", 1)
