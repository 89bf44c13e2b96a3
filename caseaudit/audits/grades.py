from django.db import models


class Grade(models.TextChoices):
    """Ofsted's scale, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


GRADE_DESCRIPTORS = {
    Grade.OUTSTANDING: "Practice is exceptional and makes a real difference to the child's life; others can learn from it.",
    Grade.GOOD: "Practice is consistently effective: the child is seen, heard and helped, and the plan is making a difference.",
    Grade.REQUIRES_IMPROVEMENT: "No widespread or serious failures, but practice is not yet good: the child's experience is not consistently improved.",
    Grade.INADEQUATE: "Serious or widespread failures leave the child at risk of harm or without the help they need.",
}


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"
