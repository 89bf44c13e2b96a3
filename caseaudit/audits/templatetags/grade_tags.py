"""A grade on any scale as a coloured tag (audits/scales.py)."""

from django import template

from caseaudit.audits import scales

register = template.Library()

# Ofsted's grades keep the colours councils know; another scale's best grade is green, the rest of its better
# half turquoise, its worse half yellow, and the grades that start the inadequate-response process red.
OFSTED_COLOURS = {"outstanding": "green", "good": "turquoise", "requires_improvement": "yellow", "inadequate": "red"}


@register.inclusion_tag("audits/_grade_tag_inner.html")
def grade_tag(grade: str) -> dict:
    scale = scales.scale_of(grade or "")
    if scale is None:
        return {"label": ""}
    if grade in OFSTED_COLOURS:
        colour = OFSTED_COLOURS[grade]
    elif scales.needs_response(grade):
        colour = "red"
    elif scales.rank(grade) == 0:
        colour = "green"
    else:
        colour = "turquoise" if scales.rank(grade) < len(scale.grades) / 2 else "yellow"
    return {"label": scales.label(grade), "colour": colour}
