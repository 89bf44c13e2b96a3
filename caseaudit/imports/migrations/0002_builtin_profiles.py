from django.db import migrations


def ship(apps, schema_editor):
    from caseaudit.imports.profiles import BUILTIN_PROFILES

    MappingProfile = apps.get_model("imports", "MappingProfile")
    for spec in BUILTIN_PROFILES:
        MappingProfile.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "system": spec["system"],
                "columns": {str(k): v for k, v in spec["columns"].items()},
                "legal_statuses": {k: str(v) for k, v in spec["legal_statuses"].items()},
                "builtin": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
