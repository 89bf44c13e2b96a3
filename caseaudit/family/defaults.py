"""The two default questionnaires, in plain English: short sentences, no jargon, every question optional.

"Is there anything else you want to tell us?" and "Would you like someone to contact you about this?" are
not questions here: every questionnaire asks them, and they are fields of the response (`Response.anything_else`,
`Response.contact_me`), so reports and the contact-me action never depend on a question's wording.
"""

from __future__ import annotations

ANYTHING_ELSE = "Is there anything else you want to tell us?"
CONTACT_ME = "Would you like someone to contact you about this?"

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
