from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_builtin_profiles")]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
