"""The two default questionnaires (issue 31), published as version 1.

The words are copied here, not imported: a migration must keep meaning what it meant when it was written,
whatever the code's defaults become. `family.defaults` holds the same words for a database emptied by tests.
"""

from django.db import migrations

YES_SOMETIMES_NO = ["Yes", "Sometimes", "No", "I do not know"]

# (audience, name, [(text, kind, choices)])
DEFAULT_QUESTIONNAIRES: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "parent_carer",
        "Parents and carers",
        [
            ("Did your social worker listen to you?", "choice", YES_SOMETIMES_NO),
            ("Did you understand why we were working with your family?", "choice", ["Yes", "Partly", "No"]),
            ("Were you treated with respect?", "choice", YES_SOMETIMES_NO),
            (
                "Has our help made things better for your family?",
                "choice",
                ["Better", "No different", "Worse", "I do not know"],
            ),
            ("What went well?", "free_text", []),
            ("What could we do better?", "free_text", []),
        ],
    ),
    (
        "young_person",
        "Young people (11 and over)",
        [
            ("Did your social worker listen to you?", "choice", YES_SOMETIMES_NO),
            ("Did you get to say what you think about your plan?", "choice", YES_SOMETIMES_NO),
            ("Do you know who to talk to if you are worried?", "choice", ["Yes", "No", "I am not sure"]),
            ("Have things got better for you?", "choice", ["Better", "No different", "Worse", "I do not know"]),
            ("What was good?", "free_text", []),
            ("What could be better?", "free_text", []),
        ],
    ),
]


def add_defaults(apps, schema_editor):
    questionnaire_model = apps.get_model("family", "Questionnaire")
    version_model = apps.get_model("family", "QuestionnaireVersion")
    question_model = apps.get_model("family", "Question")
    for audience, name, questions in DEFAULT_QUESTIONNAIRES:
        questionnaire, created = questionnaire_model.objects.get_or_create(
            name=name, defaults={"audience": audience, "builtin": True}
        )
        if not created:
            continue
        version = version_model.objects.create(questionnaire=questionnaire, number=1, published=True)
        question_model.objects.bulk_create(
            question_model(version=version, position=position, text=text, kind=kind, choices=choices)
            for position, (text, kind, choices) in enumerate(questions, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("family", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
