"""Every message in the ledger ends known (issue 43): sending, waiting, sent or failed, with the server's answer.

Rows from before were recorded when they were claimed and handed to the mail backend: they are kept as sent,
with the time they were claimed as the time they were sent."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("improvement", "0002_report_indexes")]

    operations = [
        migrations.RenameField(model_name="sentmessage", old_name="sent_at", new_name="claimed_at"),
        migrations.AddField(
            model_name="sentmessage", name="sent_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting to be sent"),
                    ("sending", "Unconfirmed"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="sent",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="sentmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting to be sent"),
                    ("sending", "Unconfirmed"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="waiting",
                max_length=10,
            ),
        ),
        migrations.RunSQL(
            "UPDATE improvement_sentmessage SET sent_at = claimed_at WHERE status = 'sent'",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name="sentmessage", name="attempts", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AddField(
            model_name="sentmessage", name="attempt_started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="answer",
            field=models.TextField(
                blank=True, help_text="The mail server's last answer, or why it could not be reached"
            ),
        ),
        migrations.AlterModelOptions(name="sentmessage", options={"ordering": ["-claimed_at"]}),
        migrations.AddIndex(
            model_name="sentmessage",
            index=models.Index(fields=["status", "next_attempt_at"], name="improvement_sentmessage_due"),
        ),
        migrations.AddConstraint(
            model_name="sentmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["waiting", "sending", "sent", "failed"])),
                name="improvement_sentmessage_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "sent"), _negated=True), ("sent_at__isnull", False), _connector="OR"
                ),
                name="improvement_sentmessage_sent_has_time",
            ),
        ),
    ]
