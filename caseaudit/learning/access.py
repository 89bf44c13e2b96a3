from django.http import Http404

from caseaudit.organisation.roles import COUNCIL_WIDE_ROLES, SERVICE_AREA_ROLES, Role

# Recommendations are the senior team's business; owners see their own.
RECOMMENDATION_READERS = (*COUNCIL_WIDE_ROLES, *SERVICE_AREA_ROLES, Role.TEAM_MANAGER)
FOLLOW_UP_WRITERS = (Role.QA_ADMIN, Role.HEAD_OF_SERVICE, Role.DIRECTOR)


def require_learning_editor(person) -> None:
    if not person.has_role(Role.QA_ADMIN):
        raise Http404("No such page")


def require_recommendation_reader(person) -> None:
    if not (person.has_role(*RECOMMENDATION_READERS) or person.recommendations.exists()):
        raise Http404("No such page")


def require_follow_up_writer(person) -> None:
    if not person.has_role(*FOLLOW_UP_WRITERS):
        raise Http404("No such page")
