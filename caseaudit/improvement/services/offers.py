"""What the plan page offers each person for each open stage: the form, if they may record it, or who will.

Issue 44, point 1: a team manager was shown "Record the meeting", filled the whole form, and only then read
that the practice lead chairs it. The rules are the services' own (plans.meeting_refusal and the others),
asked before anything is offered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

from ..models import ImprovementPlan, StageKind
from .people import area_people, practice_lead_for
from .plans import MEETING_CHAIRS, OWN_WORK, caseload_refusal, meeting_refusal, review_refusal

COVER_HINT = "A QA administrator names cover for a practice lead who is away."


@dataclass(frozen=True)
class Offer:
    may: bool
    who: str  # who records the stage, in plain words ("Marc Smith, practice lead, records this meeting")
    why_not: str = ""  # the rule, for the person who may not
    hint: str = ""  # how they could, where that is possible (becoming the named cover)

    @property
    def text(self) -> str:
        """What the plan page says instead of the form."""
        own = "This stage is about your own work. " if self.why_not == OWN_WORK else ""
        return f"{own}{self.who}." + (f" {self.hint}" if self.hint else "")


def _names(people: list[Person]) -> str:
    names = [p.full_name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def who_chairs_meeting(plan: ImprovementPlan, day: datetime.date) -> str:
    lead, chair, absent = practice_lead_for(plan, day)
    if lead is None:
        return "This area has no practice lead: a service manager or QA administrator records this meeting"
    if absent and chair is not None:
        return f"{chair.full_name}, covering for the practice lead {lead.full_name}, records this meeting"
    if absent:
        return (
            f"The practice lead, {lead.full_name}, is away with no cover named: a service manager or QA "
            "administrator records this meeting"
        )
    return f"{lead.full_name}, practice lead, records this meeting"


def who_reviews(plan: ImprovementPlan) -> str:
    managers = area_people(plan, Role.SERVICE_MANAGER)
    if not managers:
        return "A service manager or head of service records this review"
    return f"{_names(managers)}, service manager, records this review"


def who_decides_caseload(plan: ImprovementPlan) -> str:
    manager = plan.team.manager
    if manager is None:
        return "A team manager or service manager decides on the whole caseload review"
    return f"{manager.full_name}, team manager, or a service manager decides on the whole caseload review"


def stage_offer(plan: ImprovementPlan, kind: str, person: Person, today: datetime.date) -> Offer | None:
    """The offer for one stage that someone records here; None for the others (the re-audit, closure)."""
    if kind == StageKind.MEETING:
        refusal = meeting_refusal(plan, person, today)
        hint = COVER_HINT if refusal == MEETING_CHAIRS else ""
        return Offer(refusal is None, who_chairs_meeting(plan, today), refusal or "", hint)
    if kind == StageKind.SM_REVIEW:
        refusal = review_refusal(plan, person)
        return Offer(refusal is None, who_reviews(plan), refusal or "")
    if kind == StageKind.CASELOAD_REVIEW:
        refusal = caseload_refusal(plan, person)
        return Offer(refusal is None, who_decides_caseload(plan), refusal or "")
    return None
