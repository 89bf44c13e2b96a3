"""The ledger moves from improvement to messaging (issue 36, decision 0100): every row is copied with its id,
and a message about a plan now names the plan's child. improvement 0004 then drops its table."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = [
    "id", "key", "recipient_id", "subject", "body", "reason", "claimed_at", "status", "attempts",
    "next_attempt_at", "attempt_started_at", "sent_at", "answer",
]  # fmt: skip


def _reset_ids(schema_editor, model) -> None:
    # Rows keep their ids, so PostgreSQL's id sequence must start after them (SQLite needs nothing).
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def copy_forward(apps, schema_editor):
    old = apps.get_model("improvement", "SentMessage")
    new = apps.get_model("messaging", "SentMessage")
    rows = old.objects.select_related("plan").order_by("pk")
    new.objects.bulk_create(
        (new(**{f: getattr(row, f) for f in FIELDS}, child_id=row.plan.child_id if row.plan else None) for row in rows),
        batch_size=500,
    )
    _reset_ids(schema_editor, new)


def copy_back(apps, schema_editor):
    # Going back loses only which plan a message was about (a child may have had several plans).
    old = apps.get_model("improvement", "SentMessage")
    new = apps.get_model("messaging", "SentMessage")
    old.objects.bulk_create((old(**{f: getattr(row, f) for f in FIELDS}) for row in new.objects.order_by("pk")), 500)
    _reset_ids(schema_editor, old)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial"), ("improvement", "0003_sentmessage_delivery")]

    operations = [migrations.RunPython(copy_forward, copy_back)]
