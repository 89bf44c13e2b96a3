"""The grading scales a tool version can use (issue 32, point 4; decision 0104).

Ofsted's four grades are the default. A council may grade some audits on another scale: a 0 to 10 scaling
question (Signs of Safety) or a three-point scale. Every grade value is unique across the scales, so a stored
grade says which scale it is on: a count of "good" can never take in a three-point "Good", and the report's
tallies, kept per grade value, keep the scales apart without knowing about them. Figures are never added
across scales: each scale gets its own counts and agreement figures.

Each scale names the grades that start the inadequate-response process (DOMAIN.md), the equivalent of
Ofsted's Inadequate on it: the bottom grade of the three-point scale, 0 to 2 on the scaling question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from .grades import GRADE_DESCRIPTORS, Grade


class ScaleKey(models.TextChoices):
    OFSTED = "ofsted", "Ofsted's four grades (Outstanding to Inadequate)"
    SCALING = "scaling_0_10", "Scaling question, 10 to 0 (Signs of Safety)"
    THREE_POINT = "three_point", "Three points (Good, Adequate, Inadequate)"


@dataclass(frozen=True)
class Scale:
    key: str
    name: str
    grades: tuple[tuple[str, str], ...]  # (value, label), best first: the order kappa's weights are taken from
    needs_response: frozenset[str]  # the grades that start the inadequate-response process
    hints: dict[str, str] = field(default_factory=dict)  # shown under a grade's radio as it is chosen

    @property
    def values(self) -> list[str]:
        return [value for value, _ in self.grades]

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.grades)

    @property
    def described(self) -> dict[str, str]:
        """Each described grade's label and what it means (the "What each grade means" details)."""
        return {label: self.hints[value] for value, label in self.grades if value in self.hints}


OFSTED = Scale(
    key=ScaleKey.OFSTED,
    name="Ofsted's four grades",
    grades=tuple((str(g.value), str(g.label)) for g in Grade),
    needs_response=frozenset({Grade.INADEQUATE.value}),
    hints={str(grade): text for grade, text in GRADE_DESCRIPTORS.items()},
)
SCALING = Scale(
    key=ScaleKey.SCALING,
    name="Scaling question, 10 to 0",
    grades=tuple((f"scale_{n}", str(n)) for n in range(10, -1, -1)),
    needs_response=frozenset({"scale_0", "scale_1", "scale_2"}),
    hints={
        "scale_10": "Everyone knows the child is safe enough for the case to be closed.",
        "scale_5": "Some of what is needed is in place; some worries remain.",
        "scale_2": "0 to 2 start the inadequate-response process, as Inadequate does on Ofsted's scale.",
        "scale_0": "The child is certain to be harmed, or practice has failed them.",
    },
)
THREE_POINT = Scale(
    key=ScaleKey.THREE_POINT,
    name="Three points",
    grades=(("tp_good", "Good"), ("tp_adequate", "Adequate"), ("tp_inadequate", "Inadequate")),
    needs_response=frozenset({"tp_inadequate"}),
    hints={
        "tp_good": "Practice is consistently effective and makes a difference for the child.",
        "tp_adequate": "Practice is safe but not yet consistently good.",
        "tp_inadequate": "The child is at risk of harm or without the help they need.",
    },
)

SCALES: dict[str, Scale] = {scale.key: scale for scale in (OFSTED, SCALING, THREE_POINT)}
ALL_VALUES: list[str] = [value for scale in SCALES.values() for value in scale.values]
# For the model fields' choices: every grade on every scale, so a stored grade always has its label.
ALL_CHOICES: list[tuple[str, str]] = [choice for scale in SCALES.values() for choice in scale.grades]
NEEDS_RESPONSE: list[str] = sorted(value for scale in SCALES.values() for value in scale.needs_response)
_SCALE_OF = {value: scale for scale in SCALES.values() for value in scale.values}
_RANK = {value: i for scale in SCALES.values() for i, value in enumerate(scale.values)}


def scale_for(key: str) -> Scale:
    return SCALES[key]


def scale_of(grade: str) -> Scale | None:
    """The scale a stored grade is on (None for no grade)."""
    return _SCALE_OF.get(grade)


def rank(grade: str) -> int:
    """The grade's place on its own scale, 0 for the best."""
    return _RANK[grade]


def label(grade: str) -> str:
    scale = scale_of(grade)
    return scale.labels[grade] if scale else grade


def needs_response(grade: str) -> bool:
    """Whether this final grade starts the inadequate-response process (Inadequate, or its like on the scale)."""
    return grade in NEEDS_RESPONSE
