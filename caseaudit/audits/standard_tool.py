"""The standard case file audit tool: the seven practice areas of source 004."""

from __future__ import annotations

STANDARD_TOOL_NAME = "Case file audit (standard)"
STANDARD_THEMED_TOOL_NAME = "Strategy discussions (themed)"

STANDARD_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Voice of the Child",
        [
            "Has the child been seen, and seen alone where appropriate, within timescales?",
            "Are the child's wishes and feelings recorded in their own words?",
            "Is there evidence the child's views have shaped the plan?",
        ],
    ),
    (
        "Assessment and Analysis",
        [
            "Is the assessment up to date and proportionate to the child's needs?",
            "Does the analysis explain what life is like for the child and why?",
            "Are risks and protective factors clearly identified?",
        ],
    ),
    (
        "Quality of Plans",
        [
            "Is there a current plan that is SMART and understood by the family?",
            "Does the plan address the needs and risks identified in the assessment?",
            "Is progress against the plan reviewed within timescales?",
        ],
    ),
    (
        "Management Oversight",
        [
            "Is there regular, reflective supervision recorded on the file?",
            "Are management decisions clear, with a rationale?",
            "Has drift or delay been identified and acted on?",
        ],
    ),
    (
        "Partnership Working",
        [
            "Are relevant agencies involved and contributing to the plan?",
            "Have all agencies' views been captured in key meetings?",
        ],
    ),
    (
        "Strengths-based Practice",
        [
            "Does the work build on the family's strengths and networks?",
            "Is the family's language and understanding respected in the records?",
        ],
    ),
    (
        "Embracing Diversity",
        [
            "Are the child's identity, culture, faith and language understood and recorded?",
            "Does the plan respond to the child's identity needs?",
        ],
    ),
]

STANDARD_THEMED_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Strategy discussions",
        [
            "Did the strategy discussion capture every agency's view?",
            "Was the child's voice considered in the strategy discussion?",
            "Was the strategy discussion record distributed to all agencies?",
        ],
    ),
]
