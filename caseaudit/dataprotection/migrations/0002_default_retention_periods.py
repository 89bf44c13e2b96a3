"""The default retention periods, so the admin shows a row per legal status to edit.

The values are copied here, not imported: a migration must keep meaning what it
meant when it was written, whatever the code's defaults become.
"""

from django.db import migrations

DEFAULTS = [
    (
        "early_help",
        21,
        6,
        "Kept to the 21st birthday (18 + 3) and at least 6 years after closure: a common local authority "
        "retention schedule for early help records.",
    ),
    (
        "child_in_need",
        21,
        6,
        "Kept to the 21st birthday (18 + 3) and at least 6 years after closure: a common local authority "
        "retention schedule for children in need.",
    ),
    (
        "child_protection",
        None,
        35,
        "Kept 35 years after closure: a common local authority retention schedule for child protection records.",
    ),
    (
        "looked_after",
        75,
        None,
        "Kept to the 75th birthday: the Care Planning, Placement and Case Review (England) Regulations 2010 "
        "(reg. 50) keep a looked-after child's case record until then.",
    ),
    (
        "care_leaver",
        75,
        None,
        "Kept to the 75th birthday: a care leaver's records are part of their looked-after case record.",
    ),
]


def add_defaults(apps, schema_editor):
    period = apps.get_model("dataprotection", "RetentionPeriod")
    for status, age, years, basis in DEFAULTS:
        period.objects.get_or_create(
            legal_status=status, defaults={"keep_until_age": age, "years_after_closure": years, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("dataprotection", "0001_retention")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
