"""Every report delivery ends known (issue 43): sending, waiting, sent or failed, with the server's answer.

Rows from before were recorded when they were claimed and handed to the mail backend: they are kept as sent,
with the time they were claimed as the time they were sent."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_month_figures")]

    operations = [
        migrations.RenameField(model_name="reportdelivery", old_name="sent_at", new_name="claimed_at"),
        migrations.AddField(
            model_name="reportdelivery", name="sent_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="reportdelivery",
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
            model_name="reportdelivery",
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
            "UPDATE reporting_reportdelivery SET sent_at = claimed_at WHERE status = 'sent'",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name="reportdelivery", name="attempts", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="reportdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AddField(
            model_name="reportdelivery", name="attempt_started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="reportdelivery",
            name="answer",
            field=models.TextField(
                blank=True, help_text="The mail server's last answer, or why it could not be reached"
            ),
        ),
        migrations.AddIndex(
            model_name="reportdelivery",
            index=models.Index(fields=["status", "next_attempt_at"], name="reporting_reportdelivery_due"),
        ),
        migrations.AddConstraint(
            model_name="reportdelivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["waiting", "sending", "sent", "failed"])),
                name="reporting_reportdelivery_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportdelivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "sent"), _negated=True), ("sent_at__isnull", False), _connector="OR"
                ),
                name="reporting_reportdelivery_sent_has_time",
            ),
        ),
    ]
