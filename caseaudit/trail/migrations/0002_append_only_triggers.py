from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    # Test settings leave the triggers out so the test database can be
    # flushed; tests install them on purpose (see trail/triggers.py).
    if getattr(settings, "CASEAUDIT_APPEND_ONLY_TRIGGERS", True):
        from caseaudit.trail import triggers

        triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from caseaudit.trail import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
