"""What the demo's auditors write: a few ways of saying the strengths and worries that recur in each practice area,
so the themes in what auditors write (reporting/themes.py) and the evidence pack have something real to find.
Each sentence is drawn for a judgement by its grade: a strength where the grade is in the better half of its scale."""

from __future__ import annotations

import random

from caseaudit.audits import scales

FINDINGS: dict[str, tuple[list[str], list[str]]] = {
    "Voice of the Child": (
        [
            "The child was seen alone and their wishes and feelings are recorded in their own words.",
            "Direct work with the child is recorded and shapes the plan.",
            "The child's wishes and feelings are clearly recorded at each visit.",
        ],
        [
            "The child has not been seen alone since the assessment.",
            "The child's wishes and feelings are not recorded in the plan.",
            "Visits are recorded but the child's own words are missing.",
        ],
    ),
    "Assessment and Analysis": (
        [
            "The assessment analyses risk and protective factors clearly.",
            "The assessment is up to date and the analysis draws on history.",
            "Good analysis of the impact of the family history on the child.",
        ],
        [
            "The assessment describes events but there is little analysis of risk.",
            "The assessment is out of date and does not reflect recent changes.",
            "The history and chronology are not used in the analysis.",
        ],
    ),
    "Quality of Plans": (
        [
            "The plan is SMART, with clear outcomes and timescales.",
            "Actions in the plan have owners and dates and are reviewed.",
            "The family helped write the plan and understands it.",
        ],
        [
            "The plan has no timescales and outcomes are not measurable.",
            "Actions in the plan have no owners or dates.",
            "The plan has not been updated since the last review.",
        ],
    ),
    "Management Oversight": (
        [
            "Regular supervision is recorded with clear management direction.",
            "The manager's oversight is evident at key decision points.",
            "Supervision records reflective discussion and actions are followed up.",
        ],
        [
            "Supervision is not recorded for over three months.",
            "Management oversight is not evident at key decision points.",
            "Supervision actions are not followed up.",
        ],
    ),
    "Partnership Working": (
        [
            "Partners attend core groups and share information promptly.",
            "School and health contribute to the plan and reviews.",
            "Good multi-agency working with police and health.",
        ],
        [
            "Partners were not invited to the strategy discussion.",
            "Health and school information is missing from the assessment.",
            "Core group meetings are not held regularly.",
        ],
    ),
    "Strengths-based Practice": (
        [
            "The family's strengths and safety network are recorded and used.",
            "Practice builds on the family's strengths and existing safety.",
            "The safety network is identified and involved in the plan.",
        ],
        [
            "The family's strengths are not recorded.",
            "There is no safety network identified for the child.",
            "The language in the record is deficit based.",
        ],
    ),
    "Embracing Diversity": (
        [
            "The child's identity, culture and faith are considered in the assessment.",
            "An interpreter was used and the family's first language respected.",
            "The child's identity needs are reflected in the plan.",
        ],
        [
            "The child's identity and culture are not considered.",
            "No interpreter was used although English is not the family's first language.",
            "The child's faith and heritage are not recorded.",
        ],
    ),
}
OVERALL = (
    [
        "The child is seen regularly and their views are recorded.",
        "Relationships with the family are warm and purposeful.",
        "Good management oversight and a clear plan.",
    ],
    [
        "Plans need clearer timescales and outcomes.",
        "Supervision is not regular enough.",
        "The child's voice is missing from the plan.",
    ],
)
GENERAL = (["Recorded in the case notes and the latest plan."], ["Gaps in the case notes and the latest plan."])


def finding(area: str, grade: str, rng: random.Random) -> str:
    strengths, worries = FINDINGS.get(area, GENERAL)
    scale = scales.scale_of(grade)
    better = scale is not None and scales.rank(grade) < len(scale.values) // 2
    return rng.choice(strengths if better else worries)


def overall(grade: str, rng: random.Random) -> tuple[str, str]:
    """An audit's strengths and areas for development."""
    return rng.choice(OVERALL[0]), rng.choice(OVERALL[1])
