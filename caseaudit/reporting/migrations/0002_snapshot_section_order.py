"""Published snapshots made before "section_order" existed get it.

On PostgreSQL their "sections" came back in jsonb's order (shortest name first), so the published page listed
the areas out of the tool's order; this gives them the order of the tools' sections (position, then title),
as the live report orders them. SQLite kept the order each snapshot was made in, which stays."""

from django.db import migrations


def add_section_order(apps, schema_editor):
    # Other databases kept the order the snapshot was made in: that order is the one to keep.
    kept_order = schema_editor is not None and schema_editor.connection.vendor != "postgresql"
    Report = apps.get_model("reporting", "Report")
    ToolSection = apps.get_model("audits", "ToolSection")
    first_position: dict[str, int] = {}
    for title, position in ToolSection.objects.values_list("title", "position"):
        first_position[title] = min(position, first_position.get(title, position))
    for report in Report.objects.filter(snapshot__isnull=False):
        snapshot = report.snapshot
        if "section_order" in snapshot or "sections" not in snapshot:
            continue
        if kept_order:
            snapshot["section_order"] = list(snapshot["sections"])
        else:
            snapshot["section_order"] = sorted(snapshot["sections"], key=lambda t: (first_position.get(t, 1 << 15), t))
        report.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("audits", "0005_judgement_grades_index"),
    ]

    operations = [migrations.RunPython(add_section_order, migrations.RunPython.noop)]
